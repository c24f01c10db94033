"""Every check a returned file must pass before the office imports it.

A returned file is first copied into the office's private temp folder (hashed while
copying); the checks read that copy (read-only), never the user's original. A file in
an older format is upgraded on a second copy, so the archive keeps exactly what was
received. Each failed check raises `Rejected` with one specific Chinese sentence.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhashui_inspector.core import audit, blobstore, schema, structure
from zhashui_inspector.core.catalogue import Catalogue, canonical_content, compute_hash
from zhashui_inspector.core.errors import WorkFileError, ZhashuiError
from zhashui_inspector.core.records import Identity
from zhashui_inspector.core.store import SQLITE_MAGIC
from zhashui_inspector.core.workfile import NOT_APPLICABLE, WorkFile

Progress = Callable[[int, int], None]


class Rejected(ZhashuiError):
    """A returned file the office does not accept; `message` says why."""


@dataclass(frozen=True)
class IssuedRecord:
    """What the ledger recorded when the office issued a file."""

    file_id: str
    role: str
    holder: str
    units: tuple[str, ...]
    round_name: str
    issued_at: str


@dataclass(frozen=True)
class OfficeExpectations:
    """What a file must agree with: the office's catalogue, id, MAC and issue records."""

    catalogue: Catalogue
    office_id: str
    mac_matches: Callable[[bytes, str], bool]
    issued: Callable[[str], IssuedRecord | None]
    catalogue_content: dict[str, list[list[Any]]] | None = None   # saves hashing per file


@dataclass(frozen=True)
class Received:
    """A returned file copied into the office's temp folder."""

    original: Path
    copy: Path
    sha256: str
    size: int


@dataclass
class CheckedFile:
    """A returned file that passed every check, with the rows it brings."""

    received: Received
    identity: Identity
    format_version: int
    audit_len: int
    audit_hashes: tuple[str, ...]
    handed_back_at: str
    ratings: list[tuple[Any, ...]] = field(default_factory=list)
    evidence: list[tuple[Any, ...]] = field(default_factory=list)
    self_reports: list[tuple[Any, ...]] = field(default_factory=list)
    signoffs: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def audit_tip(self) -> str:
        return self.audit_hashes[-1] if self.audit_hashes else audit.GENESIS


def check_regular_file(path: Path) -> int:
    """Refuse anything but a plain file before reading it: a pipe or a device (also behind
    a symbolic link) would block the import or never end. Returns the file's size; raises
    OSError if missing."""
    info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise Rejected("无法读取文件：这是文件夹")
    if not stat.S_ISREG(info.st_mode):
        raise Rejected("无法读取文件：这不是普通文件（是管道、设备或其他特殊文件）")
    return info.st_size


def receive(path: Path, tmp_dir: Path, progress: Progress | None = None,
            abort: blobstore.Abort | None = None) -> Received:
    """Copy a returned file into `tmp_dir`, hashing it on the way; the original is only read.

    Raises blobstore.Aborted (copy removed) when `abort()` turns true.
    """
    path = Path(path)
    digest = hashlib.sha256()
    fd, name = _mkstemp(tmp_dir)
    copy = Path(name)
    size = 0
    try:
        total = os.path.getsize(path)
        with open(path, "rb") as src, os.fdopen(fd, "wb") as dst:
            while chunk := src.read(blobstore.CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
                if progress is not None:
                    progress(size, total)
                if abort is not None and abort():
                    raise blobstore.Aborted()
    except blobstore.Aborted:
        copy.unlink(missing_ok=True)
        raise
    except OSError as exc:
        copy.unlink(missing_ok=True)
        raise Rejected(unreadable(exc), detail=str(exc)) from exc
    return Received(path, copy, digest.hexdigest(), size)


def unreadable(exc: OSError) -> str:
    """Why a returned file could not be read (or copied in), in one Chinese sentence."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "无法导入：办公文件夹所在的磁盘已满（文件本身没有问题），请腾出空间后重新导入"
    if isinstance(exc, FileNotFoundError):
        return "无法读取文件：找不到该文件（U 盘是否已拔出？）"
    if isinstance(exc, PermissionError):
        return "无法读取文件：没有读取权限"
    if isinstance(exc, IsADirectoryError):
        return "无法读取文件：这是文件夹"
    return "无法读取文件：读取时出错（文件或 U 盘可能已损坏）"


def _mkstemp(tmp_dir: Path) -> tuple[int, str]:
    import tempfile

    return tempfile.mkstemp(prefix="received-", suffix=".sqlite", dir=tmp_dir)


def check_file(received: Received, expect: OfficeExpectations) -> CheckedFile:
    """Run every check on the received copy; raises Rejected with the first problem."""
    path = received.copy
    with open(path, "rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise Rejected("不是 SQLite 数据库文件，不是本程序的工作文件")
    try:
        conn = _connect_private(path)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise Rejected("文件已损坏，无法打开", detail=str(exc)) from exc
    upgraded: Path | None = None
    try:
        version = _check_readable(conn)
        if version < schema.FORMAT_VERSION:
            conn.close()
            upgraded = path.with_name(path.stem + "-upgraded.sqlite")
            shutil.copyfile(path, upgraded)
            _upgrade_copy(upgraded)
            conn = _connect_private(upgraded)
        same = _same_catalogue(conn, expect)
        wf = _open_checked(upgraded or path, conn, expect.catalogue if same else None)
        return _check_contents(received, wf, expect, version, same)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise Rejected("文件已损坏（读取数据时出错）", detail=str(exc)) from exc
    except WorkFileError as exc:
        raise Rejected(exc.message, detail=exc.detail) from exc
    finally:
        conn.close()
        if upgraded is not None:
            for leftover in (upgraded, Path(f"{upgraded}-wal"), Path(f"{upgraded}-shm")):
                leftover.unlink(missing_ok=True)


def _connect_private(path: Path) -> sqlite3.Connection:
    """Read-only and immutable: the private copy is never written, not even a -shm file.

    Functions with side effects are barred from the file's own schema (views, triggers,
    defaults) as a second line of defence; `_check_schema` refuses such objects anyway.
    """
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                           isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn


def _check_readable(conn: sqlite3.Connection) -> int:
    """Intact, a work file of this program, not newer; returns its format version.

    The schema is checked before anything reads a table: a returned file could carry a
    view or trigger of its own (an endless query, a write fired by the office's reads).
    """
    try:
        return structure.check_structure(conn, "导入")
    except structure.StructureError as exc:
        raise Rejected(exc.message, detail=exc.detail) from exc


def _upgrade_copy(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        schema.upgrade(conn)
    finally:
        conn.close()


def _open_checked(path: Path, conn: sqlite3.Connection, catalogue: Catalogue | None) -> WorkFile:
    try:
        return WorkFile(path, conn, True, None, catalogue)
    except WorkFileError as exc:
        raise Rejected(f"工作文件的身份信息不完整（{exc.message}）", detail=exc.detail) from exc
    except (ValueError, KeyError) as exc:
        raise Rejected("工作文件内嵌的创建标准无法读取", detail=str(exc)) from exc


def _check_contents(received: Received, wf: WorkFile, expect: OfficeExpectations,
                    version: int, same_catalogue: bool) -> CheckedFile:
    ident = wf.identity
    _check_catalogue(wf, expect, same_catalogue)
    _check_issue(ident, expect)
    conn = wf.conn
    _check_scope(conn, ident)
    handed_back_at = _handed_back_at(conn)
    ratings = _read_ratings(conn, ident, expect.catalogue)
    evidence = _read_evidence(conn, expect.catalogue)
    try:
        # the replay is compared with the very rows the office will keep
        report = audit.verify(conn, audit.table_ratings(ratings))
    except (AssertionError, KeyError, ValueError, TypeError) as exc:
        raise Rejected("审计日志内容无法解读（日志被改动过）", detail=repr(exc)) from exc
    if not report.ok:
        raise Rejected(f"审计日志链断裂或与数据不符：{report.problem}")
    return CheckedFile(
        received, ident, version, len(report.hashes), report.hashes, handed_back_at,
        ratings=ratings, evidence=evidence, signoffs=_check_signoffs(wf),
        self_reports=[tuple(r) for r in conn.execute(
            "SELECT unit, text, updated_at FROM self_report ORDER BY unit")])


def _same_catalogue(conn: sqlite3.Connection, expect: OfficeExpectations) -> bool:
    """Whether the file's embedded standards are the office's, table for table."""
    if expect.catalogue_content is not None:
        return canonical_content(conn) == expect.catalogue_content
    return compute_hash(conn) == expect.catalogue.hash


def _check_catalogue(wf: WorkFile, expect: OfficeExpectations, same: bool) -> None:
    """`same`: what `_same_catalogue` found, before the file was opened with the office's
    standards (an equal copy need not be read into objects again)."""
    if wf.identity.catalogue_hash != expect.catalogue.hash:
        raise Rejected("文件所用的创建标准与本办的不一致（目录校验值不同）")
    if not same:
        raise Rejected("文件内嵌的创建标准被改动过，与本办的不一致")


def _check_issue(ident: Identity, expect: OfficeExpectations) -> None:
    if not ident.office_id or not ident.mac:
        raise Rejected("不是本办下发的工作文件（练习文件或自行新建的文件不能导入）")
    if ident.office_id != expect.office_id:
        raise Rejected(f"不是本办下发的工作文件（由“{ident.office_name or '其他办公室'}”的另一套密钥下发）")
    record = expect.issued(ident.file_id)
    if record is None:
        raise Rejected("本办的下发记录中没有此文件（文件编号不符）")
    if ident.role != record.role:
        raise Rejected(f"文件角色在下发后被改动（下发为“{_role(record.role)}”，"
                       f"文件中为“{_role(ident.role)}”）")
    if ident.holder != record.holder:
        raise Rejected(f"持有人在下发后被改动（下发给“{record.holder}”，文件中为“{ident.holder}”）")
    if tuple(ident.units) != record.units:
        raise Rejected(f"被评估单位在下发后被改动（下发为“{'、'.join(record.units)}”，"
                       f"文件中为“{'、'.join(ident.units)}”）")
    if ident.issued_at != record.issued_at or ident.round_name != record.round_name:
        raise Rejected("文件编号与下发记录相同，但下发时间或轮次不同（不是本办下发的那份文件）")
    if not expect.mac_matches(ident.mac_message(), ident.mac):
        raise Rejected("身份校验码不符：文件的身份信息在下发后被改动过")


def _role(role: str) -> str:
    from zhashui_inspector.core.records import ROLE_LABELS

    return ROLE_LABELS.get(role, role)


def _check_scope(conn: sqlite3.Connection, ident: Identity) -> None:
    scope = set(ident.units)
    outside: set[str] = set()
    for table in ("rating", "evidence", "self_report", "signoff"):
        outside.update(r[0] for r in conn.execute(f"SELECT DISTINCT unit FROM {table}"))
    outside -= scope
    if outside:
        raise Rejected(f"含有下发范围以外单位的数据（{'、'.join(sorted(outside))}）")


def _read_ratings(conn: sqlite3.Connection, ident: Identity,
                  catalogue: Catalogue) -> list[tuple[Any, ...]]:
    ratings, methods = set(catalogue.ratings), set(catalogue.methods)
    rows = conn.execute("SELECT unit, item_no, rating, methods, comment, reason, updated_at"
                        " FROM rating ORDER BY unit, item_no").fetchall()
    by_unit = ident.role == "unit"
    methods_seen: dict[object, tuple[str, ...]] = {}   # each distinct text checked once
    for unit, no, rating, methods_json, comment, reason, _at in rows:
        if not isinstance(no, int) or not catalogue.has_item(no):
            raise Rejected(f"含有创建标准中没有的指标（{_where(unit, no)}）")
        if rating is not None and rating not in ratings:
            raise Rejected(f"{_where(unit, no)}的评定结果“{rating}”不在创建标准的评定等次中")
        used = methods_seen.get(methods_json)
        if used is None:
            used = audit.decode_methods(methods_json)
            if used is None:
                raise Rejected(f"{_where(unit, no)}的核查方式无法解读")
            bad = [m for m in used if m not in methods]
            if bad:
                raise Rejected(f"{_where(unit, no)}的核查方式“{bad[0]}”不在创建标准的核查方式中")
            methods_seen[methods_json] = used
        if by_unit and (rating not in (None, NOT_APPLICABLE) or used):
            raise Rejected(f"单位自查文件中含有评定等次或核查方式（{_where(unit, no)}），"
                           "单位只能说明不适用的指标")
        if not isinstance(comment, str) or not isinstance(reason, str):
            raise Rejected(f"{_where(unit, no)}的意见或理由不是文本")
    for unit, no, rating, _m, _c, reason, _at in rows:
        if rating == NOT_APPLICABLE and not reason.strip():
            raise Rejected(f"{_where(unit, no)}评为“不适用”但未说明理由")
    return rows   # tuples already: the file's connection has no row factory


def _where(unit: str, no: int) -> str:
    return f"{unit} 第 {no} 项"


def _read_evidence(conn: sqlite3.Connection, catalogue: Catalogue) -> list[tuple[Any, ...]]:
    kinds = set(catalogue.evidence_kinds)
    rows = conn.execute(
        "SELECT e.unit, e.item_no, e.sha256, e.name, e.kind, e.caption, e.size, e.mime,"
        " e.added_at, b.size, length(b.content) FROM evidence e"
        " LEFT JOIN blob b ON b.sha256 = e.sha256 WHERE e.removed_at IS NULL ORDER BY e.id"
    ).fetchall()
    verified: set[str] = set()
    for unit, no, sha, name, kind, _cap, size, _mime, _at, recorded, stored in rows:
        if no is not None and (not isinstance(no, int) or not catalogue.has_item(no)):
            raise Rejected(f"佐证材料“{name}”挂在创建标准中没有的指标上（{_where(unit, no)}）")
        if kind not in kinds:
            raise Rejected(f"佐证材料“{name}”的类别“{kind}”不在创建标准的材料类别中")
        if stored is None:
            raise Rejected(f"佐证材料“{name}”的内容缺失")
        # every recorded size must be the real one: reports size their reads by it
        if not size == recorded == stored or (
                sha not in verified and not blobstore.content_matches(conn, sha)):
            raise Rejected(f"佐证材料“{name}”的内容与其校验值不符（文件内容被改动或损坏）")
        verified.add(sha)
    return [tuple(r[:9]) for r in rows]


def _check_signoffs(wf: WorkFile) -> list[tuple[Any, ...]]:
    rows = wf.conn.execute(
        "SELECT unit, signer, signed_at, signature_sha256, digest FROM signoff"
        " WHERE reopened_at IS NULL ORDER BY id").fetchall()
    for unit, _signer, _at, signature, digest in rows:
        if signature and not blobstore.content_matches(wf.conn, signature):
            raise Rejected(f"“{unit}”的签名图片与其校验值不符")
        if wf.unit_digest(unit) != digest:
            raise Rejected(f"“{unit}”签字确认后数据又被改动，与签字时的校验值不符")
    return [tuple(r) for r in rows]


def _handed_back_at(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT at FROM audit WHERE action = 'hand_back'"
                       " ORDER BY seq DESC LIMIT 1").fetchone()
    return str(row[0]) if row else ""
