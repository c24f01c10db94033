"""Thumbnails of evidence photos for the report's evidence index, many at a time.

A camera photo usually carries its own small preview in the EXIF block; when that
preview is big enough and shows the whole picture it is used as it is, which costs
nothing but reading the header. Otherwise the thumbnail comes from `core.thumbnails`
(scaled JPEG decoding, EXIF orientation applied to the small image), which still has to
entropy-decode the whole file: tens of milliseconds for a 4 MB photo. Decoding runs in
a few threads, since Pillow releases the GIL while it decodes.
"""

from __future__ import annotations

import io
import logging
import struct
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from PIL import Image

from zhashui_inspector.core.thumbnails import thumbnail_jpeg

log = logging.getLogger(__name__)

THUMB_PX = 360  # pixels on the long side: sharp at ~45 mm wide on paper
IMAGE_MIMES = ("image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff", "image/webp")


def is_image(mime: str, name: str) -> bool:
    return mime in IMAGE_MIMES or name.lower().endswith(
        (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"))


MIN_PREVIEW_PX = 160  # an embedded preview at least this long (~90 dpi at 45 mm) will do


def make_thumbnail(data: bytes, size: int = THUMB_PX) -> bytes | None:
    """JPEG bytes of an upright thumbnail fitting size×size; None if not a readable image."""
    try:
        return embedded_preview(data, size) or thumbnail_jpeg(data, size)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        log.info("no thumbnail: %s", exc)
        return None


def embedded_preview(data: bytes, size: int = THUMB_PX) -> bytes | None:
    """The photo's own EXIF preview (IFD1 JPEG) when it is upright, at least
    MIN_PREVIEW_PX long, no bigger than needed and of the photo's aspect ratio."""
    if not data.startswith(b"\xff\xd8"):
        return None
    with Image.open(io.BytesIO(data)) as img:  # reads the headers only
        exif = img.info.get("exif")
        width, height = img.size
        orientation = img.getexif().get(0x0112, 1) if exif else 1
    preview = _ifd1_jpeg(exif) if isinstance(exif, bytes) else None
    if preview is None or orientation != 1:
        return None
    try:
        with Image.open(io.BytesIO(preview)) as small:
            pw, ph = small.size
            if small.format != "JPEG" or small.mode != "RGB":
                return None
    except OSError:
        return None
    if max(pw, ph) < MIN_PREVIEW_PX or max(pw, ph) > size * 2:
        return None
    if abs(pw / ph - width / height) > 0.02 * (width / height):  # letterboxed preview
        return None
    return preview


def _ifd1_jpeg(exif: bytes) -> bytes | None:
    """The JPEG preview that IFD1 of an APP1 EXIF block points at, if any."""
    if not exif.startswith(b"Exif\x00\x00"):
        return None
    tiff = exif[6:]
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return None
    try:
        (ifd0,) = struct.unpack_from(order + "I", tiff, 4)
        (count,) = struct.unpack_from(order + "H", tiff, ifd0)
        (ifd1,) = struct.unpack_from(order + "I", tiff, ifd0 + 2 + 12 * count)
        if not ifd1:
            return None
        (count,) = struct.unpack_from(order + "H", tiff, ifd1)
        tags = {}
        for k in range(count):
            tag, _type, _n, value = struct.unpack_from(order + "HHII", tiff, ifd1 + 2 + 12 * k)
            tags[tag] = value
    except struct.error:
        return None
    start, length = tags.get(0x0201), tags.get(0x0202)
    if not start or not length or start + length > len(tiff):
        return None
    preview = tiff[start:start + length]
    return preview if preview.startswith(b"\xff\xd8") else None


def make_thumbnails(loaders: Iterable[Callable[[], bytes] | None],
                    size: int = THUMB_PX, workers: int = 3) -> list[bytes | None]:
    """Thumbnails for many images, in order; an unreadable one gives None.

    The loaders run in the calling thread (they may read a database connection that
    belongs to it); only decoding runs in the pool, a few images ahead at most, so
    memory stays bounded however many photos there are.
    """
    results: list[bytes | None] = []
    pending: deque[Future[bytes | None] | None] = deque()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for load in loaders:
            data = None
            if load is not None:
                try:
                    data = load()
                except Exception as exc:  # a broken evidence record must not stop the report
                    log.info("evidence unreadable: %s", exc)
            pending.append(pool.submit(make_thumbnail, data, size) if data else None)
            while len(pending) > 2 * workers:
                done = pending.popleft()
                results.append(done.result() if done else None)
        while pending:
            done = pending.popleft()
            results.append(done.result() if done else None)
    return results
