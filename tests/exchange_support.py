"""Helpers for the office exchange tests: issuing, filling and handing back work files,
and a snapshot of everything an import could change."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.exchange.importer import ImportBatch, import_files
from zhashui_inspector.exchange.issue import issue_work_file
from zhashui_inspector.exchange.office import Office

PASSPHRASE = "测试口令-correct-horse"
LEDGER_DATA_TABLES = ("meta", "round", "round_stage", "issued", "source", "rating", "evidence",
                      "self_report", "signoff", "conflict", "resolution", "decision")


def issue(office_dir: Path, out: Path, *, role: str = "inspector", holder: str = "张三",
          units: Sequence[str] = ("县财政局",)) -> Path:
    """Issue as the command line and the office window do: the workbook rewritten after
    (or left pending, when a test has locked or broken it)."""
    with Office.open(office_dir) as office:
        issue_work_file(office, office.keys(PASSPHRASE), out, role=role, holder=holder,
                        units=list(units))
        office.refresh_workbook()
    return out


def hand_back(path: Path, out: Path) -> Path:
    with WorkFile.open(path) as wf:
        wf.hand_back(out)
    return out


def rate_all(path: Path, unit: str, rating: str = "达标", *, items: Sequence[int] | None = None,
             comment: str = "", methods: Sequence[str] = ("查阅资料",)) -> None:
    with WorkFile.open(path) as wf:
        nos = items if items is not None else [i.no for i in wf.catalogue.items()]
        for no in nos:
            wf.update_item(unit, no, rating=rating, methods=list(methods), comment=comment,
                           reason="不属于本单位职能" if rating == "不适用" else "")


def do_import(office_dir: Path, *paths: Path) -> ImportBatch:
    with Office.open(office_dir) as office:
        return import_files(office, list(paths), office.keys(PASSPHRASE))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ledger_rows(office_dir: Path, table: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(office_dir / "ledger.sqlite")
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    finally:
        conn.close()


def workbook_values(path: Path, skip: Sequence[str] = ()) -> dict[str, list[tuple[Any, ...]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()]
            for ws in wb.worksheets if ws.title not in skip}


def office_state(office_dir: Path) -> dict[str, Any]:
    """Everything but the import log: ledger data, archive, and the workbook's other sheets."""
    state: dict[str, Any] = {t: ledger_rows(office_dir, t) for t in LEDGER_DATA_TABLES}
    state["meta"] = [r for r in state["meta"] if r[0] != "workbook_pending"]
    state["archive"] = sorted((p.name, sha256(p)) for p in (office_dir / "archive").iterdir())
    state["workbook"] = workbook_values(office_dir / "master.xlsx", skip=("导入记录",))
    return state


def tamper(path: Path, *statements: str, args: Sequence[Sequence[Any]] = ()) -> None:
    """Change a handed-back file behind the program's back."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for i, sql in enumerate(statements):
            conn.execute(sql, tuple(args[i]) if i < len(args) else ())
    finally:
        conn.close()


def identity_value(path: Path, key: str) -> str:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("SELECT value FROM identity WHERE key = ?", (key,)).fetchone()[0])
    finally:
        conn.close()


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str)
