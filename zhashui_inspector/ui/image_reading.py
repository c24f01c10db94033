"""Reading a picture with Qt's image readers: upright by its EXIF orientation, at the
scale it is shown.

Given the size wanted, the JPEG reader decodes at reduced scale directly (libjpeg's DCT
scaling), so a 12-megapixel photo shown small is never decoded whole. Used by the
thumbnails and the picture viewer, in pool threads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from zhashui_inspector.ui.qt import (
    QBuffer,
    QByteArray,
    QImage,
    QImageIOHandler,
    QImageReader,
    QIODevice,
    QSize,
)


def read_upright(source: bytes | Path, scale_for: Callable[[QSize], float],
                 max_pixels: int | None = None) -> tuple[QImage | None, QSize, float]:
    """(the picture or None, its own upright size, the scale it was decoded at).

    `scale_for(upright size)` gives the scale wanted, kept within 1 % and 100 % (beyond,
    the full picture is stretched when drawn). The picture is None when it cannot be read
    or has more than `max_pixels`; the size is invalid when not even its header could be."""
    buffer = QBuffer()   # kept until the read is done
    if isinstance(source, Path):
        reader = QImageReader(str(source))
    else:
        buffer.setData(QByteArray(source))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer)
    reader.setAutoTransform(True)   # EXIF orientation: the way it was taken
    raw = reader.size()
    if not raw.isValid():
        return None, QSize(), 1.0
    turned = bool(reader.transformation() & QImageIOHandler.Transformation.TransformationRotate90)
    upright = raw.transposed() if turned else raw
    if max_pixels is not None and raw.width() * raw.height() > max_pixels:
        return None, upright, 1.0
    scale = min(max(scale_for(upright), 0.01), 1.0)
    if scale < 1.0:
        reader.setScaledSize(QSize(max(1, round(raw.width() * scale)),
                                   max(1, round(raw.height() * scale))))
    image = reader.read()
    return (None if image.isNull() else image), upright, scale
