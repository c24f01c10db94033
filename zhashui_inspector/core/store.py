"""The work file on disk: opening, creating, identity, transactions and reads.

The file runs in WAL mode with synchronous=FULL, so a committed edit survives a crash or a
pulled battery. One thread owns an open file at a time (the GUI gives it to one worker).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Self

from zhashui_inspector.core import audit, schema, structure
from zhashui_inspector.core.catalogue import Catalogue, copy_catalogue
from zhashui_inspector.core.errors import ValidationError, WorkFileError
from zhashui_inspector.core.filelock import FileLock
from zhashui_inspector.core.records import (
    ROLES,
    Identity,
    ItemState,
    RoundStage,
    SelfReport,
    SignOff,
    now_iso,
)
from zhashui_inspector.paths import standards_db

SQLITE_MAGIC = b"SQLite format 3\x00"
MacFn = Callable[[bytes], str]


@contextmanager
def _closing_on_error(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    try:
        yield conn
    except BaseException:
        conn.close()
        raise


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """A connection with the work file's pragmas; autocommit mode, transactions are explicit."""
    if readonly:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def looks_like_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


class WorkFileStore:
    """Opening, creating, identity, transactions and reads; `WorkFile` adds the edits."""

    def __init__(self, path: Path, conn: sqlite3.Connection, readonly: bool,
                 lock: FileLock | None, catalogue: Catalogue | None = None) -> None:
        """`catalogue`: one already known to equal the file's own (the office compares a
        returned file's embedded standards with its own first); else read from the file."""
        self.path = path
        self.conn = conn
        self._file_id = _file_identity(path)
        self.readonly = readonly
        self._lock = lock
        self.catalogue = catalogue if catalogue is not None else Catalogue.from_connection(conn)
        self.identity = self._read_identity()
        self.actor = self.identity.holder

    # ---- opening and creating -------------------------------------------------------

    @classmethod
    def create(cls, path: Path, *, role: str, holder: str, units: Sequence[str],
               catalogue_path: Path | None = None, office_id: str = "", office_name: str = "",
               round_name: str = "", stages: Sequence[RoundStage] | None = None,
               mac_fn: MacFn | None = None) -> Self:
        """A new work file holding a snapshot of the catalogue and the units in scope."""
        path = Path(path)
        if role not in ROLES:
            raise ValidationError(f"角色应为 inspector（评估组）或 unit（被评估单位），不是“{role}”")
        if not holder.strip():
            raise ValidationError("请填写持有人姓名")
        if path.exists():
            raise ValidationError(f"文件已存在：{path.name}")
        source = sqlite3.connect(f"{(catalogue_path or standards_db()).resolve().as_uri()}?mode=ro",
                                 uri=True)
        try:
            catalogue = Catalogue.from_connection(source)
            units = list(dict.fromkeys(u.strip() for u in units))
            if not units:
                raise ValidationError("请至少指定一个被评估单位")
            for unit in units:
                if not catalogue.has_unit(unit):
                    raise ValidationError(f"“{unit}”不在本次复查验收名单中")
            if role == "unit" and len(units) != 1:
                raise ValidationError("单位自查文件只能包含一个单位")
            round_stages = list(stages) if stages else [
                RoundStage(s.key, s.name, s.start, s.end) for s in catalogue.stages]
            tmp = path.with_name(path.name + ".creating")
            try:
                for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                    leftover.unlink(missing_ok=True)
                conn = sqlite3.connect(tmp, isolation_level=None)
                try:
                    conn.execute(f"PRAGMA page_size = {schema.PAGE_SIZE}")
                    conn.execute("PRAGMA journal_mode = DELETE")
                    conn.execute("BEGIN")
                    schema.create(conn)
                    copy_catalogue(source, conn)
                    created = now_iso()
                    ident = Identity(
                        file_id=uuid.uuid4().hex, role=role, holder=holder.strip(),
                        units=tuple(units), catalogue_hash=catalogue.hash,
                        format_version=schema.FORMAT_VERSION, created_at=created,
                        office_id=office_id, office_name=office_name,
                        issued_at=created if office_id else "", round_name=round_name,
                        stages=tuple(round_stages),
                    )
                    mac = mac_fn(ident.mac_message()) if mac_fn else ""
                    _write_identity(conn, ident, mac)
                    for pos, stage in enumerate(round_stages):
                        conn.execute("INSERT INTO round_stage VALUES (?,?,?,?,?)",
                                     (stage.key, stage.name, stage.start.isoformat(),
                                      stage.end.isoformat(), pos))
                    for pos, unit in enumerate(units):
                        conn.execute("INSERT INTO scope_unit VALUES (?, ?)", (unit, pos))
                    audit.append(conn, created, ident.holder, "create", payload={
                        "file_id": ident.file_id, "role": role, "units": units})
                    conn.execute("COMMIT")
                finally:
                    conn.close()
                _fsync(tmp)
                os.replace(tmp, path)
            except (sqlite3.Error, OSError) as exc:
                for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                    with contextlib.suppress(OSError):
                        leftover.unlink(missing_ok=True)
                raise creation_error(exc, path) from exc
        finally:
            source.close()
        return cls.open(path)

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False, lock: bool = True,
             checked: bool = False) -> Self:
        """Open (and if needed upgrade) a work file; refuses damaged, foreign or newer files.

        `checked` (read-only opens): the file comes from someone else, so its structure is
        checked before anything reads it (`structure.check_structure`, as the office's
        import does), and an older format, upgraded only when written, is refused.
        """
        path = Path(path)
        if checked and not readonly:
            raise ValueError("checked opens are read-only")
        if not path.is_file():
            raise WorkFileError(f"找不到工作文件：{path.name}")
        if not looks_like_sqlite(path):
            raise WorkFileError(f"“{path.name}”不是工作文件（不是 SQLite 数据库）")
        file_lock = FileLock(path) if (lock and not readonly) else None
        if file_lock:
            file_lock.acquire()
        try:
            try:   # the pragmas already read the schema; a garbled one fails here
                conn = connect(path, readonly=readonly)
                with _closing_on_error(conn):
                    if checked:   # no function with side effects from the file's own schema
                        conn.execute("PRAGMA trusted_schema = OFF")
                    tables = {r[0] for r in conn.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table'")}
            except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
                # UnicodeDecodeError: SQLite's message quoted bytes that are not UTF-8
                raise WorkFileError(f"“{path.name}”已损坏，无法读取", detail=str(exc)) from exc
            with _closing_on_error(conn):
                if "identity" not in tables or "cat_item" not in tables:
                    raise WorkFileError(f"“{path.name}”不是柞水县复查验收评估的工作文件")
                if checked:
                    return cls._open_checked(path, conn)
                schema.check_version(conn)
                if not readonly:
                    steps = schema.upgrade(conn)
                    if steps:
                        wf = cls(path, conn, readonly, file_lock)
                        with wf._tx():
                            wf._audit("upgrade", payload={"steps": steps})
                        return wf
                return cls(path, conn, readonly, file_lock)
        except BaseException:
            if file_lock:
                file_lock.release()
            raise

    @classmethod
    def _open_checked(cls, path: Path, conn: sqlite3.Connection) -> Self:
        try:
            version = structure.check_structure(conn, "打开")
        except structure.StructureError as exc:
            raise structure.StructureError(f"“{path.name}”：{exc.message}",
                                           detail=exc.detail) from exc
        if version < schema.FORMAT_VERSION:
            raise WorkFileError(f"“{path.name}”由旧版程序生成（格式 {version}），只读时无法显示；"
                                "请先用本程序打开一次（格式会自动升级）后再试")
        try:
            return cls(path, conn, True, None)
        except (sqlite3.DatabaseError, UnicodeDecodeError, ValueError, KeyError,
                TypeError) as exc:
            raise WorkFileError(f"“{path.name}”已损坏（读取数据时出错）", detail=repr(exc)) from exc

    def close(self) -> None:
        try:
            if not self.readonly:
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
        self.conn.close()
        if self._lock:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- identity -------------------------------------------------------------------

    def _read_identity(self) -> Identity:
        values = dict(self.conn.execute("SELECT key, value FROM identity").fetchall())
        units = tuple(r[0] for r in self.conn.execute(
            "SELECT name FROM scope_unit ORDER BY position"))
        stages = tuple(
            RoundStage(k, n, date.fromisoformat(s), date.fromisoformat(e))
            for k, n, s, e in self.conn.execute(
                'SELECT key, name, start, "end" FROM round_stage ORDER BY position'))
        try:
            return Identity(
                file_id=values["file_id"], role=values["role"], holder=values["holder"],
                units=units, catalogue_hash=values["catalogue_hash"],
                format_version=schema.version_of(self.conn), created_at=values["created_at"],
                office_id=values.get("office_id", ""), office_name=values.get("office_name", ""),
                issued_at=values.get("issued_at", ""), round_name=values.get("round_name", ""),
                mac=values.get("mac", ""), handback_seq=int(values.get("handback_seq", "0")),
                stages=stages,
            )
        except (KeyError, ValueError) as exc:
            raise WorkFileError("工作文件的身份信息不完整", detail=str(exc)) from exc

    @property
    def role(self) -> str:
        return self.identity.role

    @property
    def units(self) -> tuple[str, ...]:
        return self.identity.units

    # ---- transactions ---------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One user action: all or nothing, durable once it returns.

        SQLite's errors become one-line Chinese messages; the edit is not saved and the
        caller keeps it on screen to retry.
        """
        if self.readonly:
            raise ValidationError("此文件以只读方式打开，不能修改")
        if _file_identity(self.path) != self._file_id:
            # on POSIX a deleted or moved file still accepts writes that nobody will see
            raise WorkFileError(f"工作文件“{self.path.name}”已被移动、改名或删除，本次修改未保存。"
                                "请把文件放回原处后重试", detail=str(self.path))
        try:
            with transaction(self.conn) as conn:
                yield conn
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from exc

    def _audit(self, action: str, unit: str | None = None, item_no: int | None = None,
               payload: dict[str, Any] | None = None, at: str | None = None) -> int:
        return audit.append(self.conn, at or now_iso(), self.actor, action, unit, item_no,
                            payload)

    def _check_unit(self, unit: str) -> None:
        if unit not in self.identity.units:
            raise ValidationError(f"“{unit}”不在本工作文件的评估范围内")

    def verify_audit(self) -> audit.AuditReport:
        return audit.verify(self.conn)

    # ---- reading --------------------------------------------------------------------

    def item_state(self, unit: str, item_no: int) -> ItemState:
        self._check_unit(unit)
        return self.unit_items(unit, [item_no])[0]

    def unit_items(self, unit: str, item_nos: Iterable[int] | None = None) -> list[ItemState]:
        """Every item of the unit (or the ones asked for), unrated ones included."""
        self._check_unit(unit)
        args: list[object]
        if item_nos is None:
            wanted = [i.no for i in self.catalogue.items()]
            where, args = "unit = ?", [unit]
        else:
            wanted = list(item_nos)
            marks = ",".join("?" * len(wanted))
            where, args = f"unit = ? AND item_no IN ({marks})", [unit, *wanted]
        rows = {r[0]: r for r in self.conn.execute(
            "SELECT item_no, rating, methods, comment, reason, updated_at FROM rating"
            f" WHERE {where}", args)}
        counts = dict(self.conn.execute(
            "SELECT item_no, count(*) FROM evidence WHERE removed_at IS NULL"
            f" AND item_no IS NOT NULL AND {where} GROUP BY item_no", args).fetchall())
        out = []
        for no in wanted:
            row = rows.get(no)
            if row is None:
                out.append(ItemState(unit, no, evidence_count=counts.get(no, 0)))
            else:
                out.append(ItemState(unit, no, row[1], tuple(json.loads(row[2])), row[3], row[4],
                                     counts.get(no, 0), row[5]))
        return out

    def ratings(self, unit: str) -> dict[int, str | None]:
        self._check_unit(unit)
        return dict(self.conn.execute(
            "SELECT item_no, rating FROM rating WHERE unit = ? AND rating IS NOT NULL",
            (unit,)).fetchall())

    def self_report(self, unit: str) -> SelfReport:
        from zhashui_inspector.core.text import count_chars

        self._check_unit(unit)
        row = self.conn.execute("SELECT text, updated_at FROM self_report WHERE unit = ?",
                                (unit,)).fetchone()
        text, updated = (row[0], row[1]) if row else ("", "")
        return SelfReport(unit, text, count_chars(text), self.catalogue.self_report_limit,
                          updated)

    def signoffs(self, unit: str) -> list[SignOff]:
        self._check_unit(unit)
        return [SignOff(*r) for r in self.conn.execute(
            "SELECT id, unit, signer, signed_at, signature_sha256, digest, reopened_at,"
            " reopen_reason FROM signoff WHERE unit = ? ORDER BY id", (unit,))]

    def active_signoff(self, unit: str) -> SignOff | None:
        active = [s for s in self.signoffs(unit) if s.active]
        return active[-1] if active else None

    def is_signed(self, unit: str) -> bool:
        return self.conn.execute("SELECT 1 FROM signoff WHERE unit = ? AND reopened_at IS NULL",
                                 (unit,)).fetchone() is not None

    def _check_open(self, unit: str) -> None:
        from zhashui_inspector.core.errors import UnitLocked

        self._check_unit(unit)
        if self.is_signed(unit):
            raise UnitLocked(f"“{unit}”已签字确认，需先说明理由重新打开后才能修改")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT on an autocommit connection; rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def creation_error(exc: sqlite3.Error | OSError, path: Path) -> WorkFileError:
    """A Chinese message for why a new work file could not be written at `path`."""
    name = getattr(exc, "sqlite_errorname", "")
    if not path.parent.is_dir():
        text = f"无法创建工作文件：文件夹“{path.parent}”不存在"
    elif name == "SQLITE_FULL" or "disk is full" in str(exc) or \
            getattr(exc, "errno", None) == errno.ENOSPC:
        text = f"磁盘空间不足，未能创建工作文件“{path.name}”"
    elif name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or isinstance(exc, PermissionError):
        text = "无法在此位置创建工作文件（只读的 U 盘，或没有写入权限的文件夹？）"
    else:
        text = f"创建工作文件“{path.name}”失败（磁盘或 U 盘出错？）"
    return WorkFileError(text, detail=f"{name or type(exc).__name__}: {exc}")


def storage_error(exc: sqlite3.Error, path: Path) -> WorkFileError:
    """A Chinese message for what SQLite reported while writing the work file."""
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_FULL" or "disk is full" in str(exc):
        text = "磁盘空间不足，本次修改未保存。请腾出空间后重试"
    elif name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED"):
        text = "工作文件正被其他程序使用，本次修改未保存，请稍后重试"
    elif name.startswith("SQLITE_READONLY"):
        text = "工作文件所在位置不可写（只读的 U 盘或文件夹？），本次修改未保存"
    elif name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB":
        text = f"工作文件“{path.name}”已损坏，本次修改未保存"
    else:
        text = "写入工作文件失败（磁盘或 U 盘出错？），本次修改未保存，请重试"
    return WorkFileError(text, detail=f"{name}: {exc}")


def _write_identity(conn: sqlite3.Connection, ident: Identity, mac: str) -> None:
    values = {
        "file_id": ident.file_id, "role": ident.role, "holder": ident.holder,
        "catalogue_hash": ident.catalogue_hash, "created_at": ident.created_at,
        "office_id": ident.office_id, "office_name": ident.office_name,
        "issued_at": ident.issued_at, "round_name": ident.round_name, "mac": mac,
        "handback_seq": "0",
    }
    conn.executemany("INSERT INTO identity (key, value) VALUES (?, ?)", values.items())


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())
