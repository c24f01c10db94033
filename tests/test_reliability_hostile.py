"""Every kind of hostile or broken returned file of hostile_files.py, imported for real.

A refused file changes nothing but one line of the import log: the ledger's data, the
archive (names and bytes) and every other sheet of the workbook, cell by cell, are as
before. An accepted file is imported safely: one source and one archive file named by
its hash, text stays text in the workbook, no cell holds more than Excel's 32,767
characters, evidence names stay data, and nothing is written outside the office folder.
The single-file promises are checked between files too, through the import's progress
callback, which runs before each file of a batch.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hostile_files as hf
import pytest
from exchange_support import (
    LEDGER_DATA_TABLES,
    PASSPHRASE,
    ledger_rows,
    office_state,
    sha256,
)
from openpyxl import load_workbook

from zhashui_inspector.exchange.importer import ImportBatch, import_files
from zhashui_inspector.exchange.office import Office
from zhashui_inspector.exchange.workbook import EXCEL_MAX_CHARS, TRUNCATED_MARK

REFUSED = sorted(k.name for k in hf.KINDS.values() if not k.accepted)
ACCEPTED = sorted(k.name for k in hf.KINDS.values() if k.accepted and not k.large)
OFFICE_ENTRY = re.compile(r"^(ledger\.sqlite(-wal|-shm)?|master\.xlsx|\.office\.lock|"
                          r"archive(/[0-9a-f]{64}\.sqlite)?|workbook-history(/master-[0-9-]+"
                          r"\.xlsx)?|keys(/office\.p12|/office-cert\.pem)?|reports|tmp)$")


def surroundings(root: Path, office: Path) -> dict[str, tuple[int, int]]:
    """Every entry under `root` but outside the office folder and Python's temp folder:
    (size, mtime) without following links."""
    found = {}
    for path in sorted(root.rglob("*")):
        if any(p == path or p in path.parents for p in (office, root / "python-tmp")):
            continue
        st = path.lstat()
        found[str(path.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return found


def ledger_data(office: Path) -> dict[str, Any]:
    """The ledger's data tables (all but the import log) and the archive, by content."""
    conn = sqlite3.connect(f"{(office / 'ledger.sqlite').as_uri()}?mode=ro", uri=True)
    try:
        state: dict[str, Any] = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                                 for t in LEDGER_DATA_TABLES if t != "meta"}
        state["meta"] = conn.execute(
            "SELECT * FROM meta WHERE key NOT IN ('workbook_pending', 'conflicts_pending')"
            " ORDER BY 1").fetchall()
        state["log"] = conn.execute("SELECT count(*) FROM import_log").fetchone()[0]
    finally:
        conn.close()
    state["archive"] = sorted((p.name, sha256(p)) for p in (office / "archive").iterdir())
    return state


@dataclass
class Run:
    """One batch: its results, the ledger around each file, the files' bytes before."""

    batch: ImportBatch
    around: list[dict[str, Any]]               # ledger_data before file k (and after all)
    files: dict[str, Path]
    received: dict[str, str | None]
    office_before: dict[str, Any] = field(default_factory=dict)
    office_after: dict[str, Any] = field(default_factory=dict)
    outside_changed: dict[str, Any] = field(default_factory=dict)

    def result(self, name: str) -> Any:
        return self.batch.results[list(self.files).index(name)]

    def change(self, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
        k = list(self.files).index(name)
        return self.around[k], self.around[k + 1]


def _content(path: Path) -> str | None:
    return sha256(path) if path.is_file() and not path.is_symlink() else None


def run_batch(root: Path, office: Path, files: dict[str, Path]) -> Run:
    received = {name: _content(path) for name, path in files.items()}
    around: list[dict[str, Any]] = []
    outside = surroundings(root, office)
    before = office_state(office)
    with Office.open(office) as opened:
        batch = import_files(opened, list(files.values()), opened.keys(PASSPHRASE),
                             progress=lambda *_: around.append(ledger_data(office)))
    run = Run(batch, around, files, received, before, office_state(office))
    after = surroundings(root, office)
    run.outside_changed = {k: (outside.get(k), after.get(k)) for k in outside.keys() | after
                           if outside.get(k) != after.get(k)}
    return run


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, _office_template: Path) -> Iterator[
        dict[str, Any]]:
    """One office; a first, ordinary file imported; then every refused kind in one batch
    and every accepted kind in a second batch. Python's temp folder is moved beside them
    (openpyxl passes each sheet through a temporary file there) and must end up empty."""
    root = tmp_path_factory.mktemp("hostile")
    office = root / "office"
    shutil.copytree(_office_template, office)
    workshop = hf.Workshop(office, root / "made")
    first = workshop.returned(holder="李四", units=[hf.UNIT], edit=lambda wf: [
        wf.update_item(hf.UNIT, no, rating="基本达标") for no in range(1, 20)])
    files = {name: hf.make(workshop, name) for name in REFUSED + ACCEPTED}
    python_tmp = root / "python-tmp"
    python_tmp.mkdir()
    saved, tempfile.tempdir = tempfile.tempdir, str(python_tmp)
    try:
        with Office.open(office) as opened:
            assert [r.result for r in import_files(opened, [first], opened.keys(
                PASSPHRASE)).results] == ["imported"]
        refused = run_batch(root, office, {n: files[n] for n in REFUSED})
        accepted = run_batch(root, office, {n: files[n] for n in ACCEPTED})
    finally:
        tempfile.tempdir = saved
    yield {"root": root, "office": office, "refused": refused, "accepted": accepted,
           "python_tmp": python_tmp}


def test_there_are_at_least_thirty_kinds() -> None:
    assert len(hf.KINDS) >= 30
    assert len(REFUSED) >= 20 and len(ACCEPTED) >= 10


@pytest.mark.parametrize("name", REFUSED)
def test_refused_with_its_reason_and_only_a_log_line(hostile: dict[str, Any], name: str) -> None:
    run: Run = hostile["refused"]
    result = run.result(name)
    assert result.rejected, result.line()
    assert result.message.startswith(hf.KINDS[name].reason), result.message
    assert "\n" not in result.message
    before, after = run.change(name)
    assert after["log"] == before["log"] + 1
    assert {k: v for k, v in after.items() if k != "log"} == \
        {k: v for k, v in before.items() if k != "log"}
    if run.received[name] is not None:
        assert sha256(run.files[name]) == run.received[name]     # only read, never written


def test_a_batch_of_refusals_leaves_ledger_archive_and_workbook_as_they_were(
        hostile: dict[str, Any]) -> None:
    run: Run = hostile["refused"]
    assert run.office_after == run.office_before         # every sheet but the import log
    log = ledger_rows(hostile["office"], "import_log")[1: 1 + len(REFUSED)]
    assert [(r[2], r[4]) for r in log] == [(f"{n}.sqlite", "rejected") for n in REFUSED]
    assert [r[5] for r in log] == [run.result(n).message for n in REFUSED]
    sheet = load_workbook(hostile["office"] / "master.xlsx")["导入记录"]
    shown = [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]]
    assert len(shown) == 1 + len(REFUSED) + len(ACCEPTED)


@pytest.mark.parametrize("name", ACCEPTED)
def test_imported_safely(hostile: dict[str, Any], name: str) -> None:
    run: Run = hostile["accepted"]
    result = run.result(name)
    assert result.result == "imported", result.line()
    before, after = run.change(name)
    assert len(after["source"]) == len(before["source"]) + 1
    (added,) = set(after["archive"]) - set(before["archive"])
    archived = hostile["office"] / "archive" / added[0]
    assert added == (f"{result.sha256}.sqlite", result.sha256)  # named by its content
    assert not archived.is_symlink()
    assert archived.read_bytes() == run.files[name].read_bytes()


def test_nothing_is_written_outside_the_office_folder(hostile: dict[str, Any]) -> None:
    for run in (hostile["refused"], hostile["accepted"]):
        assert run.outside_changed == {}
    assert list(hostile["python_tmp"].iterdir()) == []
    office: Path = hostile["office"]
    odd = [str(p.relative_to(office)) for p in office.rglob("*")
           if not OFFICE_ENTRY.match(p.relative_to(office).as_posix())]
    assert odd == []
    assert list((office / "tmp").iterdir()) == []


def test_the_workbook_holds_text_as_text_and_nothing_too_long(hostile: dict[str, Any]) -> None:
    book = hostile["office"] / "master.xlsx"
    with zipfile.ZipFile(book) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", zf.read(name)), name   # no formula anywhere
    texts, notes = [], []
    for ws in load_workbook(book).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                for text, kept in ((cell.value, texts),
                                   (cell.comment.text if cell.comment else None, notes)):
                    if isinstance(text, str):
                        units = len(text.encode("utf-16-le")) // 2
                        assert units <= EXCEL_MAX_CHARS, (ws.title, cell.coordinate)
                        kept.append(text)
    joined = "\n".join(texts)
    for formula in hf.FORMULAS:
        assert formula.strip("\t\r") in joined            # shown, as text
    assert hf.SQL in joined
    # the 10 MB comment: its cell shows what a row prints, its note what a note holds
    assert any(t.endswith("全文见本格批注）") for t in texts)
    assert any(n.endswith(TRUNCATED_MARK) for n in notes)


def _rows_of(office: Path, holder: str, table: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(office / "ledger.sqlite")
    try:
        return conn.execute(f"SELECT t.* FROM {table} t JOIN source s ON s.id = t.source_id"
                            " WHERE s.holder = ? ORDER BY 1, 2, 3", (holder,)).fetchall()
    finally:
        conn.close()


def test_the_ledger_keeps_odd_text_whole_and_as_received(hostile: dict[str, Any]) -> None:
    office = hostile["office"]
    (long,) = _rows_of(office, "超长", "rating")
    assert len(long[5]) == len("超长意见") * (10 * 1024 * 1024 // 12)
    (nul,) = _rows_of(office, "控制字符", "rating")
    assert nul[5] == "前\x00后\x07\x1b[31m"
    names = {r[5] for r in ledger_rows(office, "evidence")}
    assert set(hf.EVIDENCE_NAMES.values()) <= names
    for table in ("source", "rating", "evidence", "import_log"):
        assert ledger_rows(office, table)                  # no injected DROP TABLE ran
    (sql,) = _rows_of(office, hf.SQL, "rating")
    assert sql[5] == hf.SQL


def test_a_wal_file_without_its_sidecar_brings_only_what_was_checkpointed(
        hostile: dict[str, Any]) -> None:
    rows = _rows_of(hostile["office"], "预写日志", "rating")
    assert [(r[2], r[3]) for r in rows] == [(1, "达标")]   # item 2 lived only in the -wal


def test_duplicate_evidence_records_are_both_kept(hostile: dict[str, Any]) -> None:
    rows = _rows_of(hostile["office"], "重复材料", "evidence")
    assert [(r[5], r[4]) for r in rows] == [("照片.jpg", rows[0][4])] * 2


def test_the_report_prints_markup_literally_and_survives_an_image_bomb(
        hostile: dict[str, Any], tmp_path: Path) -> None:
    from zhashui_inspector.reports.county import build_signed_report

    pdf = build_signed_report(hostile["office"], tmp_path / "杏坪镇.pdf", unit="杏坪镇",
                              passphrase="", sign=False)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    for markup in hf.MARKUP:
        assert re.sub(r"\s+", "", markup) in flat, markup
    assert "炸弹.png" in flat                              # listed, though never decoded


def test_300_mb_of_evidence_is_imported_and_archived_whole(
        _office_template: Path, tmp_path: Path) -> None:
    office = tmp_path / "office"
    shutil.copytree(_office_template, office)
    workshop = hf.Workshop(office, tmp_path / "made")
    path = hf.make(workshop, "evidence_300mb")
    run = run_batch(tmp_path, office, {"evidence_300mb": path})
    (result,) = run.batch.results
    assert result.result == "imported", result.line()
    (ev,) = ledger_rows(office, "evidence")
    assert ev[8] == hf.LARGE_EVIDENCE
    archived = office / "archive" / f"{result.sha256}.sqlite"
    assert archived.stat().st_size == path.stat().st_size
    assert run.outside_changed == {}
    assert list((office / "tmp").iterdir()) == []


def test_the_report_prints_a_10_mb_comment_cut_visibly_and_formulas_as_text(
        hostile: dict[str, Any], tmp_path: Path, hang_guard: None) -> None:
    """下梁镇 carries the 10 MB comment, the formulas, SQL and the odd evidence names."""
    from zhashui_inspector.reports.county import build_signed_report
    from zhashui_inspector.reports.styles import CELL_TEXT_LIMIT

    pdf = build_signed_report(hostile["office"], tmp_path / "下梁镇.pdf", unit=hf.TOWN,
                              passphrase="", sign=False)
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages)[1]) < 40          # not thousands of pages
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    # the 10 MB comment cut on its own (the other inspectors' comments on the item show)
    cut = re.search(r"……（以下省略(\d+)字", flat)
    assert cut and int(cut[1]) == len("超长意见") * (10 * 1024 * 1024 // 12) - CELL_TEXT_LIMIT
    assert flat.count("超长意见") > CELL_TEXT_LIMIT // 5               # the start is there
    for formula in hf.FORMULAS:
        assert re.sub(r"\s+", "", formula) in flat
    assert "../../x" in flat and "C:\\x" in flat


def test_every_kind_is_listed_in_the_reliability_report() -> None:
    report = (Path(__file__).resolve().parent.parent / "docs" / "reliability.md").read_text(
        encoding="utf-8")
    assert [name for name in hf.KINDS if f"| `{name}` |" not in report] == []
