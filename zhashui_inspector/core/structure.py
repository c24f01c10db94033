"""Whether a work file from elsewhere is laid out exactly as this program writes it.

A file that came from someone else (a returned file in the office, a unit's self-check
file shown beside an inspector's notes) could carry a view or trigger of its own (an
endless query, a write fired by a read), values of the wrong type, a garbled schema or
damaged pages. `check_structure` looks at the schema before anything reads a table, then
at the pages and the values, and raises `StructureError` with one Chinese sentence.
"""

from __future__ import annotations

import functools
import sqlite3
from typing import Any

from zhashui_inspector.core import schema
from zhashui_inspector.core.catalogue import create_tables
from zhashui_inspector.core.errors import WorkFileError

REQUIRED_TABLES = frozenset({"identity", "cat_item", "audit", "scope_unit"})
_OBJECT_LABELS = {"table": "表", "index": "索引", "view": "视图", "trigger": "触发器"}
# storage classes a column may hold, by declared type (REAL columns keep whole numbers too)
_STORAGE = {"INTEGER": ("integer",), "TEXT": ("text",), "REAL": ("real", "integer"),
            "BLOB": ("blob",)}


class StructureError(WorkFileError):
    """The file is damaged, not a work file, too new, or holds what the program never writes."""


def check_structure(conn: sqlite3.Connection, action: str) -> int:
    """Check the file behind `conn` before anything reads its tables; returns its format
    version. `action` ("导入", "打开") ends the sentences that say what will not be done."""
    try:
        objects = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        # UnicodeDecodeError: SQLite's message quoted bytes that are not UTF-8
        raise StructureError("文件已损坏，无法打开", detail=str(exc)) from exc
    if not REQUIRED_TABLES <= {o[1] for o in objects}:
        raise StructureError("不是柞水县复查验收评估的工作文件")
    version = schema.version_of(conn)
    if version > schema.FORMAT_VERSION:
        raise StructureError(f"文件由较新版本的程序生成（格式 {version}，本程序支持到 "
                             f"{schema.FORMAT_VERSION}），请升级本程序后再{action}")
    if version < 1:
        raise StructureError("不是柞水县复查验收评估的工作文件")
    check_schema(objects, version, action)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise StructureError("文件已损坏（数据库完整性检查未通过）", detail=str(exc)) from exc
    if problems != ["ok"]:
        raise StructureError("文件已损坏（数据库完整性检查未通过）", detail="; ".join(problems))
    check_types(conn, version)
    return version


def check_schema(objects: list[tuple[Any, ...]], version: int, action: str) -> None:
    """Exactly the tables and indexes this program lays out for `version`, nothing else."""
    expected = _expected_schema(version)
    for kind, name, table, sql in objects:
        if expected.get((kind, name, table), "missing") != _normal_sql(sql):
            label = _OBJECT_LABELS.get(str(kind), str(kind))
            raise StructureError(f"文件含有本程序不会写入的数据库结构（{label}“{name}”），"
                                 f"可能被人为改动过，不予{action}")
    if len(objects) != len(expected):
        raise StructureError("文件缺少本程序的数据表，不是完整的工作文件")


@functools.lru_cache(maxsize=4)
def _expected_schema(version: int) -> dict[tuple[str, str, str], str | None]:
    """(type, name, table) -> SQL of every schema object a work file of `version` holds."""
    conn = _laid_out(version)
    try:
        return {(k, n, t): _normal_sql(sql) for k, n, t, sql in conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master")}
    finally:
        conn.close()


def _laid_out(version: int) -> sqlite3.Connection:
    """An empty in-memory database laid out as a work file of `version`."""
    conn = sqlite3.connect(":memory:")
    for statement in schema.SCHEMA_V1.split(";"):
        if statement.strip():
            conn.execute(statement)
    for step in range(2, version + 1):
        schema.UPGRADES[step](conn)
    create_tables(conn)
    return conn


def _normal_sql(sql: object) -> str | None:
    return " ".join(sql.split()) if isinstance(sql, str) else None


def check_types(conn: sqlite3.Connection, version: int) -> None:
    """Every value has its column's declared type: SQLite would store a number in a text
    column or a blob anywhere, and the program's reads expect what it writes.

    The schema has been found to be exactly `version`'s, so its columns are known: one
    scan per table checks them all; the column is looked for only when one is wrong."""
    for table, columns in _typed_columns(version):
        clauses = [f'typeof("{column}") NOT IN ({kinds})' for column, kinds in columns]
        if not conn.execute(f'SELECT 1 FROM "{table}" WHERE {" OR ".join(clauses)}'
                            " LIMIT 1").fetchone():
            continue
        for (column, _kinds), clause in zip(columns, clauses, strict=True):
            if conn.execute(f'SELECT 1 FROM "{table}" WHERE {clause} LIMIT 1').fetchone():
                raise StructureError(f"文件中的数据类型不对（{table}.{column}），文件被改动或损坏")


_Columns = list[tuple[str, list[tuple[str, str]]]]


def _columns_of(conn: sqlite3.Connection) -> _Columns:
    """(table, [(column, allowed storage classes as SQL)]) for every table of `conn`."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    out: _Columns = []
    for table in tables:
        columns = []
        for _cid, column, declared, notnull, _default, pk in conn.execute(
                f'PRAGMA table_info("{table}")').fetchall():
            allowed = _STORAGE[str(declared).upper()]
            if not notnull and not pk:
                allowed += ("null",)
            columns.append((column, ", ".join(f"'{k}'" for k in allowed)))
        out.append((table, columns))
    return out


@functools.lru_cache(maxsize=4)
def _typed_columns(version: int) -> _Columns:
    """The same for the schema this program lays out for `version`."""
    conn = _laid_out(version)
    try:
        return _columns_of(conn)
    finally:
        conn.close()
