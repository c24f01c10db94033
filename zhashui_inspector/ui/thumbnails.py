"""Evidence thumbnails, decoded off the GUI thread at reduced scale.

The bytes come through the worker that owns the file (or straight from the source file
just added); decoding runs in a QThreadPool with Qt's image readers at the size shown
(`image_reading`), which never decode a camera photo at full size and turn the small
image upright afterwards.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cache
from pathlib import Path

from zhashui_inspector.core.images import IMAGE_MIMES, MAX_PIXELS
from zhashui_inspector.core.records import Evidence
from zhashui_inspector.ui.image_reading import read_upright
from zhashui_inspector.ui.qt import (
    QColor,
    QFont,
    QIcon,
    QImage,
    QObject,
    QPainter,
    QPen,
    QPixmap,
    QPointF,
    QPolygonF,
    QRectF,
    QRunnable,
    Qt,
    QThread,
    QThreadPool,
    Signal,
)
from zhashui_inspector.ui.session import Session
from zhashui_inspector.ui.thread_priority import lower_this_thread

THUMB_PIXELS = 192          # decoded size; shown at 96 logical pixels, sharp at 2x
MAX_CACHED = 400
DECODABLE = IMAGE_MIMES      # what the thumbnails and the viewer decode


def is_decodable_image(ev: Evidence) -> bool:
    return ev.mime in DECODABLE


def decode_thumbnail(source: bytes | Path, size: int = THUMB_PIXELS) -> QImage:
    """A small upright QImage of an image file (runs in a pool thread).

    Decoded with Qt's readers at the size shown (`image_reading`), not Pillow, which keeps
    Pillow out of the window's process: importing it on the thumbnail thread held the
    interpreter lock for tens of milliseconds, a freeze of the window at the first photo.
    Raises ValueError for what cannot be decoded, or a picture over MAX_PIXELS (a bomb)."""
    image, full, _scale = read_upright(
        source, lambda upright: min(size / upright.width(), size / upright.height()),
        MAX_PIXELS)
    if image is not None:
        return image
    if full.isValid() and full.width() * full.height() > MAX_PIXELS:
        raise ValueError(f"picture of {full.width()}x{full.height()} pixels refused")
    raise ValueError("unreadable picture")


class _Relay(QObject):
    decoded = Signal(str, object)   # sha256, QImage or None


class _DecodeJob(QRunnable):
    def __init__(self, key: str, source: bytes | Path, relay: _Relay) -> None:
        super().__init__()
        self.key = key
        self.source = source
        self.relay = relay

    def run(self) -> None:
        lower_this_thread()
        try:
            image: QImage | None = decode_thumbnail(self.source)
        except Exception:  # a damaged or unsupported image simply gets the generic icon
            image = None
        self.relay.decoded.emit(self.key, image)


class ThumbnailCache(QObject):
    """Thumbnails by content hash; `ready(sha256)` once one has been made."""

    ready = Signal(str)

    def __init__(self, session: Session, parent: QObject | None = None,
                 pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.session = session
        if pool is None:
            # One low-priority thread: thumbnails must never take the CPU from the window.
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
            pool.setThreadPriority(QThread.Priority.LowPriority)
        self.pool = pool
        self._relay = _Relay(self)
        self._relay.decoded.connect(self._decoded)
        self._icons: OrderedDict[str, QIcon] = OrderedDict()
        self._pending: set[str] = set()
        self._failed: set[str] = set()
        self._held: list[_DecodeJob] | None = None   # while the window's first paint waits

    def icon_for(self, ev: Evidence, *, linked: bool = False) -> QIcon:
        """The thumbnail if it is ready, else a file-type icon (and start making it)."""
        icon = self._icons.get(ev.sha256)
        if icon is not None:
            self._icons.move_to_end(ev.sha256)
            return icon
        if is_decodable_image(ev) and ev.sha256 not in self._failed:
            self.request(ev, linked=linked)
        return file_type_icon(file_extension(ev.name))

    def has(self, sha256: str) -> bool:
        return sha256 in self._icons

    def request(self, ev: Evidence, *, linked: bool = False) -> None:
        if ev.sha256 in self._pending or ev.sha256 in self._icons:
            return
        self._pending.add(ev.sha256)
        self.session.evidence_bytes(
            ev, lambda data: self._start(_DecodeJob(ev.sha256, data, self._relay)),
            lambda exc: self._decoded(ev.sha256, None), linked=linked)

    def request_from_file(self, sha256: str, path: Path) -> None:
        """Make the thumbnail from the file just added, without reading it back."""
        if sha256 in self._pending or sha256 in self._icons:
            return
        self._pending.add(sha256)
        self._start(_DecodeJob(sha256, Path(path), self._relay))

    def hold(self) -> None:
        """Queue the decoding until `release()`: its thread would load Pillow and decode
        while the window builds and paints its first view (the two share one interpreter
        lock), for icons that are not ready in that paint anyway."""
        if self._held is None:
            self._held = []

    def release(self) -> None:
        held, self._held = self._held or [], None
        for job in held:
            self.pool.start(job)

    def _start(self, job: _DecodeJob) -> None:
        if self._held is not None:
            self._held.append(job)
        else:
            self.pool.start(job)

    def _decoded(self, key: str, image: QImage | None) -> None:
        self._pending.discard(key)
        if image is None or image.isNull():
            self._failed.add(key)
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(2.0)
        self._icons[key] = QIcon(pixmap)
        while len(self._icons) > MAX_CACHED:
            self._icons.popitem(last=False)
        self.ready.emit(key)


def file_extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].upper()[:4] if "." in name else ""


TYPE_COLOURS = {"PDF": "#c62828", "TXT": "#546e7a", "DOC": "#1f5fa8", "DOCX": "#1f5fa8",
                "XLS": "#2e7d32", "XLSX": "#2e7d32", "CSV": "#2e7d32", "JPG": "#8e24aa",
                "JPEG": "#8e24aa", "PNG": "#8e24aa", "ZIP": "#6d4c41"}


@cache
def file_type_icon(ext: str, size: int = 96) -> QIcon:
    """A sheet of paper with a folded corner and the file type on a coloured band."""
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    w, h = size * 0.62, size * 0.8
    left, top = (size - w) / 2, (size - h) / 2
    fold = w * 0.28
    sheet = QPolygonF([QPointF(left, top), QPointF(left + w - fold, top),
                       QPointF(left + w, top + fold), QPointF(left + w, top + h),
                       QPointF(left, top + h)])
    painter.setPen(QPen(QColor("#9aa5b1"), 1.2))
    painter.setBrush(QColor("white"))
    painter.drawPolygon(sheet)
    painter.setBrush(QColor("#dfe4ea"))
    painter.drawPolygon(QPolygonF([QPointF(left + w - fold, top),
                                   QPointF(left + w - fold, top + fold),
                                   QPointF(left + w, top + fold)]))
    band = QRectF(left - 4, top + h * 0.52, w + 8, h * 0.24)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(TYPE_COLOURS.get(ext, "#78909c")))
    painter.drawRoundedRect(band, 3, 3)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(band.height() * 0.62))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(band, int(Qt.AlignmentFlag.AlignCenter), ext or "FILE")
    painter.end()
    return QIcon(pixmap)
