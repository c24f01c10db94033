"""Thumbnails of evidence photos for the report's evidence index, many at a time.

Each one comes from `core.thumbnails` (scaled JPEG decoding, EXIF orientation applied to
the small image). They are made in a few threads, since Pillow releases the GIL while it
decodes.
"""

from __future__ import annotations

import logging
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


def make_thumbnail(data: bytes, size: int = THUMB_PX) -> bytes | None:
    """JPEG bytes of an upright thumbnail fitting size×size; None if not a readable image."""
    try:
        return thumbnail_jpeg(data, size)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        log.info("no thumbnail: %s", exc)
        return None


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
