"""Importing returned files into the office folder.

Each file: copy into the office's temp folder (the original is only read), check
(validate.py), place it among the hand-backs of the same work file, then move the copy
into the archive and write the ledger in one transaction. The archive file is written
before the ledger commits; a crash in between leaves an archive file nobody refers to,
which the next import removes, so the office is back at its previous state. A rejected
file adds one line to the import log and nothing else.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from zhashui_inspector.core.blobstore import Aborted, sha256_of
from zhashui_inspector.core.catalogue import canonical_content
from zhashui_inspector.core.images import is_image
from zhashui_inspector.core.records import ROLE_LABELS, now_iso
from zhashui_inspector.exchange import conflicts
from zhashui_inspector.exchange.keys import OfficeKeys
from zhashui_inspector.exchange.office import Office, Round
from zhashui_inspector.exchange.validate import (
    CheckedFile,
    IssuedRecord,
    OfficeExpectations,
    Received,
    Rejected,
    check_file,
    check_regular_file,
    receive,
    unreadable,
)

if TYPE_CHECKING:
    from zhashui_inspector.reports.thumbnails import ThumbnailCache

RESULT_LABELS = {
    "imported": "已导入",
    "replaced": "已导入",
    "unchanged": "未变化",
    "superseded": "已忽略",
    "rejected": "拒收",
}
BatchProgress = Callable[[int, int, str], None]
# One thread copies and checks files ahead of the ledger, one decodes their photos. The
# checks are Python: a second checking thread only contends for the interpreter lock
# (measured slower); the decoding runs in Pillow without it, beside the checks.
LOOKAHEAD = 3      # files copied ahead of the one being written (bounds temp space)
_ARCHIVE_NAME = re.compile(r"^[0-9a-f]{64}\.sqlite$")


@dataclass(frozen=True)
class ImportResult:
    path: Path
    result: str            # imported | replaced | unchanged | superseded | rejected
    message: str
    sha256: str = ""
    holder: str = ""
    role: str = ""
    late: bool = False

    @property
    def rejected(self) -> bool:
        return self.result == "rejected"

    @property
    def label(self) -> str:
        return RESULT_LABELS[self.result]

    def line(self) -> str:
        return f"{self.path.name}：{self.label}——{self.message}"


@dataclass
class ImportBatch:
    results: list[ImportResult] = field(default_factory=list)
    workbook_message: str = ""
    cancelled: bool = False

    @property
    def rejected(self) -> int:
        return sum(1 for r in self.results if r.rejected)


def expectations(office: Office, keys: OfficeKeys) -> OfficeExpectations:
    """What every file of a batch is checked against (read once, safe to share)."""
    issued = {row[0]: IssuedRecord(row[0], row[1], row[2], tuple(json.loads(row[3])), row[4],
                                   row[5])
              for row in office.ledger.conn.execute(
                  "SELECT file_id, role, holder, units, round_name, issued_at FROM issued")}
    return OfficeExpectations(office.catalogue, office.ledger.office_id, keys.mac_matches,
                              issued.get, canonical_content(office.ledger.conn))


@dataclass
class _Prepared:
    """A file after the work that needs no ledger: copied, hashed, checked."""

    path: Path
    received: Received | None = None
    checked: CheckedFile | None = None
    rejected: str = ""
    sha256: str = ""
    thumbnails: Future[dict[str, bytes]] | None = None  # photos' by content hash

    def wait_for_thumbnails(self) -> dict[str, bytes]:
        """The photos' thumbnails, once decoded (they read the copy, so before it moves)."""
        return self.thumbnails.result() if self.thumbnails is not None else {}


def import_files(office: Office, paths: Sequence[Path], keys: OfficeKeys, *,
                 progress: BatchProgress | None = None,
                 abort: Callable[[], bool] | None = None) -> ImportBatch:
    """Import several returned files, then rewrite the workbook once.

    Copying and checking run on a worker thread a few files ahead, decoding the photos
    on another; the archive and the ledger are written here, one file and one
    transaction at a time, in the order given. `progress(done, total, file_name)` before
    each file; `abort()` is asked between files and while copying, and a file not yet
    written when it turns true is left out entirely.
    """
    from zhashui_inspector.reports.thumbnails import THUMB_PX, ThumbnailCache  # loads Pillow

    batch = ImportBatch()
    expect = expectations(office, keys)
    paths = [Path(p) for p in paths]
    with office.writing(), ThreadPoolExecutor(1, "zhashui-import") as pool, \
            ThreadPoolExecutor(1, "zhashui-thumbnails") as decoder:
        _sweep(office)
        known = _Known.of(office)
        ahead: deque[Future[_Prepared]] = deque()
        queue = iter(paths)
        thumbs = ThumbnailCache(office.thumbnail_dir)

        def submit() -> None:
            for path in queue:
                ahead.append(pool.submit(_prepare, path, office.tmp_dir, expect, known, abort,
                                         thumbs, decoder))
                return

        for _ in range(LOOKAHEAD):
            submit()
        try:
            for index, path in enumerate(paths):
                if progress is not None:
                    progress(index, len(paths), path.name)
                if abort is not None and abort():
                    batch.cancelled = True
                    break
                try:
                    prepared = ahead.popleft().result()
                except Aborted:
                    batch.cancelled = True
                    break
                submit()
                try:
                    made = prepared.wait_for_thumbnails()
                    if abort is not None and abort():   # pressed while the photos decoded
                        batch.cancelled = True
                        break
                    result = _finish(office, prepared)
                    batch.results.append(result)
                    if result.result in ("imported", "replaced"):  # kept only if accepted
                        for sha, jpeg in made.items():
                            thumbs.put(sha, THUMB_PX, jpeg)
                finally:
                    if prepared.received is not None:
                        prepared.received.copy.unlink(missing_ok=True)
        finally:
            _drain(ahead)
        if progress is not None:
            progress(len(batch.results), len(paths), "")
        office.refresh_conflicts()
    batch.workbook_message = office.refresh_workbook()
    return batch


class _Known(NamedTuple):
    """The files already in the ledger, by hash and by size (read once per batch)."""

    hashes: frozenset[str]
    sizes: frozenset[int]

    @classmethod
    def of(cls, office: Office) -> _Known:
        rows = office.ledger.conn.execute("SELECT sha256, size FROM source").fetchall()
        return cls(frozenset(sha for sha, _size in rows), frozenset(size for _sha, size in rows))


def _prepare(path: Path, tmp_dir: Path, expect: OfficeExpectations, known: _Known,
             abort: Callable[[], bool] | None, thumbs: ThumbnailCache,
             decoder: ThreadPoolExecutor) -> _Prepared:
    """Worker side: unless already imported, copy (hashing on the way) and check, then have
    `decoder` make its photos' thumbnails for the reports (kept only if the file is
    accepted). A file seen before is read once and never copied; only a file of a size
    already in the ledger is hashed before copying (no other can be one seen before)."""
    try:
        size = check_regular_file(path)
        if size in known.sizes:
            first = sha256_of(path, abort=abort)
            if first in known.hashes:
                return _Prepared(path, sha256=first)
        received = receive(path, tmp_dir, abort=abort)
    except Rejected as exc:
        return _Prepared(path, rejected=exc.message)
    except OSError as exc:
        return _Prepared(path, rejected=unreadable(exc))
    try:
        try:
            checked = check_file(received, expect)
        except Rejected as exc:
            return _Prepared(path, received, rejected=exc.message, sha256=received.sha256)
        photos = decoder.submit(_thumbnails, received, checked, thumbs, abort) \
            if _has_photos(checked) else None
        return _Prepared(path, received, checked, sha256=received.sha256, thumbnails=photos)
    except BaseException:
        received.copy.unlink(missing_ok=True)
        raise


def _thumbnails(received: Received, checked: CheckedFile, cache: ThumbnailCache,
                abort: Callable[[], bool] | None) -> dict[str, bytes]:
    """The photos' report thumbnails, decoded here (in parallel, off the ledger thread)
    because every report would otherwise decode the same photos again."""
    from zhashui_inspector.exchange.report_data import open_archived
    from zhashui_inspector.reports.thumbnails import missing_thumbnails

    photos = [(row[2], row[7], row[3]) for row in checked.evidence]
    conn = open_archived(received.copy)
    try:
        return missing_thumbnails(conn, photos, cache, abort=abort)
    finally:
        conn.close()


def _has_photos(checked: CheckedFile) -> bool:
    return any(is_image(row[7] or "", row[3] or "") for row in checked.evidence)


def _drain(ahead: deque[Future[_Prepared]]) -> None:
    """Stop the files still being prepared and remove their copies (once nothing reads
    them: Windows cannot remove a file that is open)."""
    for future in ahead:
        future.cancel()
    for future in ahead:
        if future.cancelled():
            continue
        try:
            prepared = future.result()
        except BaseException:  # noqa: BLE001 (already abandoned; its copy is gone)
            continue
        if prepared.thumbnails is not None:
            prepared.thumbnails.cancel()
            wait([prepared.thumbnails])
        if prepared.received is not None:
            prepared.received.copy.unlink(missing_ok=True)


def _finish(office: Office, prepared: _Prepared) -> ImportResult:
    """Ledger side: recognise a known file, log a refusal, or place a checked file."""
    path, sha = prepared.path, prepared.sha256
    if prepared.rejected:
        return _log_only(office, ImportResult(path, "rejected", prepared.rejected, sha))
    known = office.ledger.rows("SELECT * FROM source WHERE sha256 = ?", (sha,))
    if known:
        src = known[0]
        result, message = (("unchanged", "与已导入的文件完全相同，未作改动") if src["current"]
                           else ("superseded", "此文件是较早的交回，已有更新的交回，已忽略"))
        return _log_only(office, ImportResult(path, result, message, sha, src["holder"],
                                              src["role"]), src["file_id"])
    assert prepared.checked is not None
    return _place(office, prepared.checked)


def _place(office: Office, checked: CheckedFile) -> ImportResult:
    """Compare with the hand-back already imported for the same work file, then write."""
    ident = checked.identity
    path = checked.received.original
    base = ImportResult(path, "imported", "", checked.received.sha256, ident.holder, ident.role)
    current = office.ledger.rows("SELECT * FROM source WHERE file_id = ? AND current = 1",
                                 (ident.file_id,))
    new_key = (ident.handback_seq, checked.audit_len)
    old = current[0] if current else None
    if old is not None:
        old_key = (old["handback_seq"], old["audit_len"])
        if new_key < old_key:
            return _log_only(office, _with(
                base, "superseded", f"第 {ident.handback_seq} 次交回早于已导入的第 "
                f"{old['handback_seq']} 次交回，已忽略"), ident.file_id)
        continues = old["audit_len"] == 0 or (
            len(checked.audit_hashes) >= old["audit_len"]
            and checked.audit_hashes[old["audit_len"] - 1] == old["audit_tip"])
        if new_key == old_key and continues:
            return _log_only(office, _with(
                base, "unchanged", f"内容与已导入的第 {old['handback_seq']} 次交回相同，未作改动"),
                ident.file_id)
        if not continues:
            return _log_only(office, _with(
                base, "rejected", "与已导入的同一工作文件的记录不连续（文件可能被复制后在两处分别使用）"),
                ident.file_id)
    late = _round_of(office, checked).is_late(checked.handed_back_at or now_iso())
    _archive(office, checked.received)
    units = "、".join(ident.units)
    message = f"{ident.holder}（{ROLE_LABELS.get(ident.role, ident.role)}，{units}）" \
              f"第 {ident.handback_seq} 次交回"
    if old is not None:
        message += f"，替换第 {old['handback_seq']} 次交回"
    if late:
        message += "；逾期交回（复查验收评估阶段结束之后）"
    result = _with(base, "replaced" if old is not None else "imported", message, late=late)
    at = now_iso()
    with office.ledger.tx() as conn:
        if old is not None:
            conn.execute("UPDATE source SET current = 0 WHERE id = ?", (old["id"],))
            for table in ("rating", "evidence", "self_report", "signoff"):
                conn.execute(f"DELETE FROM {table} WHERE source_id = ?", (old["id"],))
        source_id = _insert_source(conn, checked, late, at)
        if old is not None:
            conn.execute("UPDATE source SET replaced_by = ? WHERE id = ?", (source_id, old["id"]))
        _insert_rows(conn, source_id, checked)
        conflicts.mark_pending(conn, ident.units)
        _log(conn, result, at, ident.file_id, source_id, checked)
        office.mark_pending(conn)
    return result


def _with(base: ImportResult, result: str, message: str, *, late: bool = False) -> ImportResult:
    return ImportResult(base.path, result, message, base.sha256, base.holder, base.role, late)


def _round_of(office: Office, checked: CheckedFile) -> Round:
    """The office's record of the file's round (its dates may have been moved since)."""
    ident = checked.identity
    return office.round(ident.round_name) or Round(ident.round_name, ident.stages)


def _insert_source(conn: sqlite3.Connection, checked: CheckedFile, late: bool, at: str) -> int:
    ident = checked.identity
    cur = conn.execute(
        "INSERT INTO source (sha256, file_id, role, holder, units, round_name, handback_seq,"
        " audit_len, audit_tip, handed_back_at, imported_at, file_name, size, format_version,"
        " late, current) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)",
        (checked.received.sha256, ident.file_id, ident.role, ident.holder,
         json.dumps(list(ident.units), ensure_ascii=False), ident.round_name,
         ident.handback_seq, checked.audit_len, checked.audit_tip, checked.handed_back_at, at,
         checked.received.original.name, checked.received.size, checked.format_version,
         int(late)))
    return int(cur.lastrowid or 0)


_MAX_PARAMETERS = 999   # what SQLite allowed in one statement before 3.32


def _insert_rows(conn: sqlite3.Connection, source_id: int, checked: CheckedFile) -> None:
    _insert_all(conn, "rating", ("unit", "item_no", "rating", "methods", "comment", "reason",
                                 "updated_at"), source_id, checked.ratings)
    _insert_all(conn, "evidence", ("unit", "item_no", "sha256", "name", "kind", "caption",
                                   "size", "mime", "added_at"), source_id, checked.evidence)
    _insert_all(conn, "self_report", ("unit", "text", "updated_at"), source_id,
                checked.self_reports)
    _insert_all(conn, "signoff", ("unit", "signer", "signed_at", "signature_sha256", "digest"),
                source_id, checked.signoffs)


def _insert_all(conn: sqlite3.Connection, table: str, columns: tuple[str, ...],
                source_id: int, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert `rows` (each prefixed with `source_id`) as few statements of many rows.

    executemany steps once per row and gives up the interpreter lock at every step, then
    waits to get it back from the checking thread: a file covering every unit has a
    thousand ratings, a unit's self-check file hundreds of evidence records."""
    placeholders = "(" + ",".join("?" * (len(columns) + 1)) + ")"
    per_statement = _MAX_PARAMETERS // (len(columns) + 1)
    head = f"INSERT INTO {table} (source_id, {', '.join(columns)}) VALUES "
    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        conn.execute(head + ",".join([placeholders] * len(chunk)),
                     [value for row in chunk for value in (source_id, *row)])


def _log(conn: sqlite3.Connection, result: ImportResult, at: str, file_id: str | None,
         source_id: int | None, checked: CheckedFile | None = None) -> None:
    ident = checked.identity if checked else None
    conn.execute(
        "INSERT INTO import_log (at, file_name, sha256, result, message, file_id, holder, role,"
        " round_name, handback_seq, source_id, late) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (at, result.path.name, result.sha256 or None, result.result, result.message, file_id,
         result.holder or None, result.role or None, ident.round_name if ident else None,
         ident.handback_seq if ident else None, source_id, int(result.late)))


def _log_only(office: Office, result: ImportResult, file_id: str | None = None) -> ImportResult:
    """Record an attempt that changes nothing else (rejected, unchanged, superseded)."""
    with office.ledger.tx() as conn:
        _log(conn, result, now_iso(), file_id, None)
        office.mark_pending(conn)
    return result


def _archive(office: Office, received: Received) -> None:
    """Move the received copy into the archive under its hash, durably: the ledger will
    refer to it as soon as it commits. Flushing here, on the ledger's thread, keeps the
    wait for the disk out of the checking thread, which has the next file to check."""
    target = office.archived(received.sha256)
    office.archive_dir.mkdir(exist_ok=True)
    with open(received.copy, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(received.copy, target)
    _fsync_dir(office.archive_dir)


def _fsync_dir(path: Path) -> None:
    if sys.platform == "win32":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sweep(office: Office) -> None:
    """Remove what an interrupted import left: temp copies and unreferenced archive files."""
    for leftover in office.tmp_dir.glob("received-*"):
        leftover.unlink(missing_ok=True)
    known = {r[0] for r in office.ledger.conn.execute("SELECT sha256 FROM source")}
    for path in office.archive_dir.glob("*.sqlite"):
        if _ARCHIVE_NAME.match(path.name) and path.stem not in known:
            path.unlink()
