"""Evidence content inside the work file: stored once per SHA-256, streamed in and out.

Content moves in chunks through SQLite's incremental BLOB I/O, so a 200 MB video never
sits in memory whole. Long jobs take `progress(done, total)` and `abort()` callbacks and
know nothing of any GUI.
"""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from zhashui_inspector.core.errors import ValidationError, WorkFileError

CHUNK = 1 << 20
Progress = Callable[[int, int], None]
Abort = Callable[[], bool]


class Aborted(Exception):
    """The user cancelled a long job; nothing was written."""


def sha256_of(path: Path, progress: Progress | None = None, abort: Abort | None = None,
              total: int = 0, offset: int = 0) -> str:
    digest = hashlib.sha256()
    done = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if abort is not None and abort():
                raise Aborted()
            if progress is not None:
                progress(offset + done, total)
    return digest.hexdigest()


def store_file(conn: sqlite3.Connection, path: Path, progress: Progress | None = None,
               abort: Abort | None = None) -> tuple[str, int]:
    """Store the file's content if new (inside the caller's transaction); return (sha256, size).

    The file is read twice: once to learn its hash (to skip content already stored) and
    once to stream it in; a file that changes in between is refused.
    """
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise ValidationError(f"无法读取文件：{path.name}", detail=str(exc)) from exc
    total = size * 2
    try:
        sha = sha256_of(path, progress, abort, total)
        if conn.execute("SELECT 1 FROM blob WHERE sha256 = ?", (sha,)).fetchone():
            if progress is not None:
                progress(total, total)
            return sha, size
        cur = conn.execute("INSERT INTO blob (sha256, size, content) VALUES (?, ?, zeroblob(?))",
                           (sha, size, size))
        rowid = cur.lastrowid
        assert rowid is not None
        digest = hashlib.sha256()
        done = 0
        if size:
            with conn.blobopen("blob", "content", rowid) as blob, open(path, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    if done + len(chunk) > size:
                        raise ValidationError(f"文件在读入时被改动：{path.name}")
                    blob.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if abort is not None and abort():
                        raise Aborted()
                    if progress is not None:
                        progress(size + done, total)
        if done != size or digest.hexdigest() != sha:
            raise ValidationError(f"文件在读入时被改动：{path.name}")
    except OSError as exc:
        raise ValidationError(f"无法读取文件：{path.name}", detail=str(exc)) from exc
    return sha, size


def store_bytes(conn: sqlite3.Connection, data: bytes) -> str:
    """Store a small piece of content (a signature image) if new; return its sha256."""
    sha = hashlib.sha256(data).hexdigest()
    conn.execute("INSERT OR IGNORE INTO blob (sha256, size, content) VALUES (?, ?, ?)",
                 (sha, len(data), data))
    return sha


def _rowid(conn: sqlite3.Connection, sha256: str) -> tuple[int, int]:
    row = conn.execute("SELECT id, size FROM blob WHERE sha256 = ?", (sha256,)).fetchone()
    if row is None:
        raise WorkFileError("工作文件中缺少该佐证材料的内容", detail=sha256)
    return int(row[0]), int(row[1])


@contextmanager
def open_blob(conn: sqlite3.Connection, sha256: str) -> Iterator[BinaryIO]:
    """A read-only, buffered file view of stored content, read in chunks on demand (with
    everything a file has: readline, peek, seek…, which image decoders use)."""
    rowid, _size = _rowid(conn, sha256)
    with conn.blobopen("blob", "content", rowid, readonly=True) as blob:
        yield io.BufferedReader(_BlobFile(blob), CHUNK)  # type: ignore[misc]


class _BlobFile(io.RawIOBase):
    """sqlite3.Blob as a raw file, so io.BufferedReader can wrap it."""

    def __init__(self, blob: sqlite3.Blob) -> None:
        self._blob = blob

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        data = self._blob.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._blob.seek(offset, whence)
        return self._blob.tell()

    def tell(self) -> int:
        return self._blob.tell()


def iter_chunks(conn: sqlite3.Connection, sha256: str, chunk: int = CHUNK) -> Iterator[bytes]:
    with open_blob(conn, sha256) as blob:
        while data := blob.read(chunk):
            yield data


def read_bytes(conn: sqlite3.Connection, sha256: str, limit: int = 64 << 20) -> bytes:
    """Whole content of a small item (images for thumbnails, signatures); refuses huge ones."""
    _rowid_, size = _rowid(conn, sha256)
    if size > limit:
        raise ValidationError("文件过大，无法直接显示")
    return b"".join(iter_chunks(conn, sha256))


def export(conn: sqlite3.Connection, sha256: str, dest: Path,
           progress: Progress | None = None) -> None:
    """Write stored content to `dest` (temporary name first, then moved into place)."""
    _rowid_, size = _rowid(conn, sha256)
    tmp = dest.with_name(dest.name + ".part")
    done = 0
    with open(tmp, "wb") as fh:
        for data in iter_chunks(conn, sha256):
            fh.write(data)
            done += len(data)
            if progress is not None:
                progress(done, size)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, dest)


def content_matches(conn: sqlite3.Connection, sha256: str) -> bool:
    """Recompute the hash of stored content (used by import checks)."""
    digest = hashlib.sha256()
    for data in iter_chunks(conn, sha256):
        digest.update(data)
    return digest.hexdigest() == sha256
