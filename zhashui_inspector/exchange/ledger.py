"""The office ledger: the truth behind the workbook and the reports.

One SQLite file in the office folder (WAL, synchronous=FULL). It holds the office's
catalogue snapshot, its rounds and policy, every issued file, every accepted returned
file (`source`) with the rows it brought (each row points at its source, so every value
has its provenance: file hash, holder, role), conflicts and their resolutions, the
office's decisions and a log of every import attempt. Each operation is one transaction.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from zhashui_inspector.core.catalogue import Catalogue, Policy, copy_catalogue
from zhashui_inspector.core.errors import NewerFormatError, WorkFileError
from zhashui_inspector.core.store import transaction

log = logging.getLogger(__name__)
LEDGER_VERSION = 1
CONFLICTS_PENDING = "conflicts_pending"   # meta key: units whose conflicts need a refresh
LEDGER_NAME = "ledger.sqlite"
# Indexes earlier ledgers had and this one drops when it opens them. rating(unit,
# item_no): a file's thousand ratings landed all over it, so each import rewrote most
# of its pages and a batch grew with the square of its size; the queries go from the
# current sources to their ratings by the primary key instead.
OBSOLETE_INDEXES = ("rating_unit",)
# The current sources first (a few dozen), then each one's ratings of a unit or an item
# by the rating table's primary key (source_id, unit, item_no). CROSS JOIN keeps SQLite
# to that order: left to choose, it scans every rating and looks up its source.
CURRENT_RATINGS = "FROM source s CROSS JOIN rating r ON r.source_id = s.id"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE round (name TEXT PRIMARY KEY, created_at TEXT NOT NULL);
CREATE TABLE round_stage (
    round_name TEXT NOT NULL REFERENCES round(name),
    key TEXT NOT NULL, name TEXT NOT NULL, start TEXT NOT NULL, "end" TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (round_name, key)
);
CREATE TABLE issued (
    file_id TEXT PRIMARY KEY,
    role TEXT NOT NULL, holder TEXT NOT NULL, units TEXT NOT NULL,
    round_name TEXT NOT NULL, issued_at TEXT NOT NULL, catalogue_hash TEXT NOT NULL,
    mac TEXT NOT NULL, file_name TEXT NOT NULL
);
CREATE TABLE source (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    file_id TEXT NOT NULL REFERENCES issued(file_id),
    role TEXT NOT NULL, holder TEXT NOT NULL, units TEXT NOT NULL, round_name TEXT NOT NULL,
    handback_seq INTEGER NOT NULL, audit_len INTEGER NOT NULL, audit_tip TEXT NOT NULL,
    handed_back_at TEXT NOT NULL, imported_at TEXT NOT NULL,
    file_name TEXT NOT NULL, size INTEGER NOT NULL, format_version INTEGER NOT NULL,
    late INTEGER NOT NULL DEFAULT 0,
    current INTEGER NOT NULL DEFAULT 1,
    replaced_by INTEGER REFERENCES source(id)
);
CREATE UNIQUE INDEX source_current_file ON source(file_id) WHERE current = 1;
CREATE TABLE rating (
    source_id INTEGER NOT NULL REFERENCES source(id),
    unit TEXT NOT NULL, item_no INTEGER NOT NULL,
    rating TEXT, methods TEXT NOT NULL, comment TEXT NOT NULL, reason TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source_id, unit, item_no)
);
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES source(id),
    unit TEXT NOT NULL, item_no INTEGER, sha256 TEXT NOT NULL, name TEXT NOT NULL,
    kind TEXT NOT NULL, caption TEXT NOT NULL, size INTEGER NOT NULL, mime TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX evidence_source ON evidence(source_id);
CREATE TABLE self_report (
    source_id INTEGER NOT NULL REFERENCES source(id),
    unit TEXT NOT NULL, text TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (source_id, unit)
);
CREATE TABLE signoff (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES source(id),
    unit TEXT NOT NULL, signer TEXT NOT NULL, signed_at TEXT NOT NULL,
    signature_sha256 TEXT, digest TEXT NOT NULL
);
CREATE INDEX signoff_source ON signoff(source_id);
CREATE TABLE conflict (
    unit TEXT NOT NULL, item_no INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'cleared')),
    sides TEXT NOT NULL,
    opened_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    resolution TEXT, reason TEXT NOT NULL DEFAULT '', resolved_at TEXT,
    resolved_sides TEXT,
    PRIMARY KEY (unit, item_no)
);
CREATE TABLE resolution (
    id INTEGER PRIMARY KEY,
    unit TEXT NOT NULL, item_no INTEGER NOT NULL, rating TEXT NOT NULL,
    reason TEXT NOT NULL, sides TEXT NOT NULL, resolved_at TEXT NOT NULL
);
CREATE TABLE decision (
    id INTEGER PRIMARY KEY,
    unit TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT NOT NULL,
    suggested TEXT, score REAL, decided_at TEXT NOT NULL
);
CREATE TABLE import_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL, file_name TEXT NOT NULL, sha256 TEXT,
    result TEXT NOT NULL CHECK (result IN
        ('imported', 'replaced', 'unchanged', 'superseded', 'rejected')),
    message TEXT NOT NULL,
    file_id TEXT, holder TEXT, role TEXT, round_name TEXT, handback_seq INTEGER,
    source_id INTEGER REFERENCES source(id),
    late INTEGER NOT NULL DEFAULT 0
);
"""


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def create(path: Path, catalogue_conn: sqlite3.Connection, meta: dict[str, str]) -> None:
    """Lay out a new ledger with the office's catalogue snapshot, in one transaction."""
    conn = connect(path)
    try:
        conn.execute("BEGIN")
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        copy_catalogue(catalogue_conn, conn)
        conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
        conn.execute(f"PRAGMA user_version = {LEDGER_VERSION}")
        conn.execute("COMMIT")
    finally:
        conn.close()


class Ledger:
    """An open ledger: meta values, transactions, and the office's catalogue and policy."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise WorkFileError("这不是办公文件夹（找不到台账 ledger.sqlite），请先用 office init 创建")
        self.path = path
        self.conn = connect(path)
        try:
            version = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
            if version > LEDGER_VERSION:
                raise NewerFormatError("此台账由较新版本的程序创建，请升级程序后再打开")
            if version < 1:
                raise WorkFileError("台账文件无法识别")
            self.catalogue = Catalogue.from_connection(self.conn)
            _drop_obsolete_indexes(self.conn)
        except (sqlite3.DatabaseError, ValueError) as exc:
            self.conn.close()
            raise WorkFileError("台账文件已损坏，无法读取", detail=str(exc)) from exc
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back on any error (SQLite's in Chinese)."""
        try:
            with transaction(self.conn) as conn:
                yield conn
        except sqlite3.Error as exc:
            raise ledger_error(exc) from exc

    # ---- meta ---------------------------------------------------------------------

    def meta(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_meta(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        """Set a meta value inside the caller's transaction."""
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
                     " DO UPDATE SET value = excluded.value", (key, value))

    @property
    def office_id(self) -> str:
        return self.meta("office_id")

    @property
    def office_name(self) -> str:
        return self.meta("office_name")

    @property
    def policy(self) -> Policy:
        text = self.meta("policy")
        return Policy.from_json(json.loads(text)) if text else self.catalogue.policy

    def rows(self, sql: str, args: Any = ()) -> list[sqlite3.Row]:
        """Query returning rows addressable by column name (reads only)."""
        cur = self.conn.cursor()
        cur.row_factory = sqlite3.Row
        try:
            return list(cur.execute(sql, args))
        finally:
            cur.close()


def _drop_obsolete_indexes(conn: sqlite3.Connection) -> None:
    """Drop what `OBSOLETE_INDEXES` names (one small write, once per ledger). A ledger
    that cannot be written keeps them: they cost only speed."""
    marks = ",".join("?" * len(OBSOLETE_INDEXES))
    found = [name for (name,) in conn.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ({marks})",
        OBSOLETE_INDEXES)]
    try:
        for name in found:
            conn.execute(f'DROP INDEX IF EXISTS "{name}"')
    except sqlite3.OperationalError as exc:   # read-only, or busy past the timeout
        log.warning("could not drop obsolete ledger indexes %s: %s", found, exc)


def ledger_error(exc: sqlite3.Error) -> WorkFileError:
    """A Chinese message for what SQLite reported while writing the ledger."""
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_FULL" or "disk is full" in str(exc):
        text = "办公文件夹所在的磁盘已满，台账未能写入，本次操作未生效；请腾出空间后重试"
    elif name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        text = "台账正被另一个程序使用，本次操作未生效，请稍后重试"
    elif name.startswith("SQLITE_READONLY"):
        text = "办公文件夹不可写（只读的位置？），台账未能写入，本次操作未生效"
    elif name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB":
        text = "台账文件已损坏，本次操作未生效；请从备份恢复办公文件夹"
    else:
        text = "写入台账失败（磁盘出错？），本次操作未生效，请重试"
    return WorkFileError(text, detail=f"{name}: {exc}")
