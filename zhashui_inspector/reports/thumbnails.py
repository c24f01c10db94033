"""Thumbnails of evidence photos for the report's evidence index, many at a time.

Every thumbnail is made from the photo itself (`core.thumbnails`: scaled JPEG decoding,
EXIF orientation applied to the small image). The small preview a camera writes into
the EXIF block is never used: editing software often leaves it stale (uncropped,
unretouched), and a returned file could carry a preview that shows something else, so a
signed report would vouch for a picture that is not the evidence. Decoding still has to
read the whole file (tens of milliseconds for a 4 MB photo), so thumbnails are kept in a
cache folder keyed by the content's SHA-256. The office import fills the cache for every
photo it accepts (`missing_thumbnails`, on its copy-and-check threads), so reports find
them ready; a report decodes only what the cache lacks (e.g. after the cache was
deleted). A cached file that is not a whole JPEG (cut short by a full disk, a crash or a
copy) counts as lacking, so it is made again and written back instead of reaching
reportlab. Decoding runs in a few threads, since Pillow releases the GIL while it decodes.
"""

from __future__ import annotations

import io
import logging
import os
import re
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

from PIL import Image

from zhashui_inspector.core import blobstore
from zhashui_inspector.core.images import is_image
from zhashui_inspector.core.thumbnails import thumbnail_jpeg
from zhashui_inspector.reports.data import EvidenceRow

log = logging.getLogger(__name__)

THUMB_PX = 360  # pixels on the long side: sharp at ~45 mm wide on paper


def make_thumbnail(data: bytes | BinaryIO, size: int = THUMB_PX) -> bytes | None:
    """JPEG bytes of an upright thumbnail fitting size×size; None if not a readable image."""
    try:
        return thumbnail_jpeg(data, size)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        log.info("no thumbnail: %s", exc)
        return None


class ThumbnailCache:
    """Thumbnails on disk, one JPEG per content hash and size; derived data, safe to delete."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, sha256: str, size: int) -> Path | None:
        if not _SHA256.fullmatch(sha256):
            return None  # never build a path from anything but a hash
        return self.folder / sha256[:2] / f"{sha256}-{size}.jpg"

    def has(self, sha256: str, size: int) -> bool:
        return self.get(sha256, size) is not None

    def get(self, sha256: str, size: int) -> bytes | None:
        """The cached thumbnail, or None if there is none or it is damaged."""
        path = self._path(sha256, size)
        try:
            data = path.read_bytes() if path else None
        except OSError:
            return None
        if data is not None and not is_whole_jpeg(data):
            log.info("damaged thumbnail in the cache, made again: %s", path)
            return None
        return data

    def put(self, sha256: str, size: int, jpeg: bytes) -> None:
        path = self._path(sha256, size)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{threading.get_ident()}.part")
            tmp.write_bytes(jpeg)
            os.replace(tmp, path)
        except OSError as exc:  # a full disk must not stop the report
            log.info("thumbnail not cached: %s", exc)


_SHA256 = re.compile(r"[0-9a-f]{64}")


def is_whole_jpeg(data: bytes) -> bool:
    """Whether `data` is a complete JPEG whose header Pillow (and so reportlab) can read.

    The thumbnails written here start with SOI and end with EOI, and EOI cannot occur
    inside the entropy-coded data, so a file cut short anywhere lacks it; a damaged
    header fails Pillow's parse. Both checks take microseconds, no decoding."""
    if not (data.startswith(b"\xff\xd8\xff") and data.endswith(b"\xff\xd9")):
        return False
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != "JPEG":
                return False
            img.verify()
    except Exception:  # noqa: BLE001 (any failure to parse means: make it again)
        return False
    return True


def thumbnails_for(evidence: Iterable[EvidenceRow], cache: ThumbnailCache | None = None,
                   size: int = THUMB_PX) -> list[bytes | None]:
    """Thumbnails of the photos among `evidence`, in order (None for other files)."""
    rows = list(evidence)
    results: list[bytes | None] = [None] * len(rows)
    todo: list[int] = []
    for k, ev in enumerate(rows):
        if ev.load is None or not is_image(ev.mime, ev.name):
            continue
        cached = cache.get(ev.sha256, size) if cache else None
        if cached:
            results[k] = cached
        else:
            todo.append(k)
    made = make_thumbnails((rows[k].load for k in todo), size)
    for k, jpeg in zip(todo, made, strict=True):
        results[k] = jpeg
        if jpeg and cache:
            cache.put(rows[k].sha256, size, jpeg)
    return results


def missing_thumbnails(conn: sqlite3.Connection, evidence: Iterable[tuple[str, str, str]],
                       cache: ThumbnailCache, size: int = THUMB_PX,
                       abort: Callable[[], bool] | None = None) -> dict[str, bytes]:
    """Thumbnails of the photos stored in a work file that `cache` does not hold yet, by
    content hash. `evidence` gives (sha256, mime, name) per item; each photo is decoded
    straight from its BLOB (never read whole). Nothing is written: the caller puts them
    into the cache once the file is accepted. A photo that cannot be read is skipped."""
    made: dict[str, bytes] = {}
    for sha, mime, name in evidence:
        if abort is not None and abort():
            break
        if sha in made or not is_image(mime or "", name or "") or cache.has(sha, size):
            continue
        try:
            with blobstore.open_blob(conn, sha) as blob:
                jpeg = make_thumbnail(blob, size)
        except Exception as exc:  # noqa: BLE001 (hostile bytes: a thumbnail never stops an import)
            log.info("no thumbnail for %s: %r", sha, exc)
            continue
        if jpeg:
            made[sha] = jpeg
    return made


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
