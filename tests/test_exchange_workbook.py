"""The master workbook: the office's additions survive, text stays text, long text is cut
visibly, a locked workbook changes nothing, versions are kept, a kill leaves it readable."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from exchange_support import (
    do_import,
    hand_back,
    issue,
    ledger_rows,
    rate_all,
    sha256,
    workbook_values,
)
from openpyxl import load_workbook
from openpyxl.comments import Comment

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.exchange import workbook
from zhashui_inspector.exchange.office import Office

UNIT = "县财政局"
TESTS = Path(__file__).resolve().parent


def _photo(path: Path, seed: int) -> Path:
    path.write_bytes(b"\xff\xd8\xff" + bytes((seed + i) % 256 for i in range(3000)))
    return path


def _pending(office_dir: Path) -> str:
    return dict(ledger_rows(office_dir, "meta"))["workbook_pending"]


def test_the_offices_additions_survive_a_rewrite(office_dir: Path, tmp_path: Path) -> None:
    zs = issue(office_dir, tmp_path / "zs.sqlite", holder="张三")
    rate_all(zs, UNIT, "达标", items=range(1, 11))
    with WorkFile.open(zs) as wf:
        wf.add_evidence(UNIT, _photo(tmp_path / "乙.jpg", 2), item_no=9, kind="图片")
    do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))

    book = office_dir / "master.xlsx"
    wb = load_workbook(book)
    memo = wb.create_sheet("办公室备忘")
    memo["A1"] = "下周一前报县委"
    memo.column_dimensions["A"].width = 40
    unit = wb[UNIT]
    unit["M3"] = "核查人"
    unit["M5"] = "王科长"                       # beside item 2
    unit["M12"] = "=1+1"                         # the office's own formula beside item 9
    unit["D5"].comment = Comment("注意口径", "办公室")
    unit.column_dimensions["D"].width = 70
    unit.column_dimensions["M"].width = 15
    evidence = wb["证据目录"]
    assert evidence["C4"].value == "乙.jpg"
    evidence["J3"] = "已核对"
    evidence["J4"] = "是"
    wb["汇总"]["AB20"] = "制表：李"                # a note under the table, right of it
    wb.save(book)

    ls = issue(office_dir, tmp_path / "ls.sqlite", holder="李四")
    with WorkFile.open(ls) as wf:                 # item 2: listed before item 9's 乙.jpg
        wf.add_evidence(UNIT, _photo(tmp_path / "甲.jpg", 1), item_no=2, kind="图片")
    rate_all(ls, UNIT, "达标", items=[2])
    assert do_import(office_dir, hand_back(ls, tmp_path / "ls1.sqlite")).workbook_message == ""

    wb = load_workbook(book)
    assert wb.sheetnames[-1] == "办公室备忘"
    assert wb["办公室备忘"]["A1"].value == "下周一前报县委"
    assert wb["办公室备忘"].column_dimensions["A"].width == 40
    unit = wb[UNIT]
    assert unit["M3"].value == "核查人"
    assert (unit["C5"].value, unit["M5"].value) == (2, "王科长")
    assert (unit["C12"].value, unit["M12"].value) == (9, "=1+1")
    assert unit["D5"].comment is not None and unit["D5"].comment.text == "注意口径"
    assert unit.column_dimensions["D"].width == 70
    assert unit.column_dimensions["M"].width == 15
    assert unit["K5"].value == "张三、李四"
    evidence = wb["证据目录"]
    rows = {evidence.cell(r, 3).value: r for r in range(4, evidence.max_row + 1)}
    assert set(rows) == {"甲.jpg", "乙.jpg"}
    assert rows["甲.jpg"] == 4                                # the new row came first …
    assert evidence.cell(rows["乙.jpg"], 10).value == "是"    # … and the note moved with its row
    assert evidence.cell(rows["甲.jpg"], 10).value is None
    assert evidence["J3"].value == "已核对"
    assert wb["汇总"]["AB20"].value == "制表：李"


def test_a_row_that_leaves_the_ledger_keeps_the_offices_cells(office_dir: Path,
                                                               tmp_path: Path) -> None:
    zs = issue(office_dir, tmp_path / "zs.sqlite")
    with WorkFile.open(zs) as wf:
        ev = wf.add_evidence(UNIT, _photo(tmp_path / "a.jpg", 3), item_no=4, kind="图片")
    do_import(office_dir, hand_back(zs, tmp_path / "1.sqlite"))
    book = office_dir / "master.xlsx"
    wb = load_workbook(book)
    wb["证据目录"]["J4"] = "已存档"
    wb["证据目录"]["E4"].comment = Comment("原件在档案室", "办公室")
    wb.save(book)
    with WorkFile.open(zs) as wf:
        wf.remove_evidence(ev.id, "传错了")
    do_import(office_dir, hand_back(zs, tmp_path / "2.sqlite"))
    sheet = load_workbook(book)["证据目录"]
    # what the row was: unit, item, file name, content and who handed it in
    assert [sheet.cell(4, c).value for c in (1, 2, 3, 9, 10)] == [
        UNIT, 4, "a.jpg", "张三（评估组）", "已存档"]
    assert sheet["H4"].value == workbook.ORPHAN_MARK
    assert sheet["E4"].comment.text == "原件在档案室"


def test_text_from_returned_files_never_becomes_a_formula(office_dir: Path,
                                                         tmp_path: Path) -> None:
    nasty = ['=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", "-2+3",
             "@SUM(A1:A9)", "=1+1"]
    zs = issue(office_dir, tmp_path / "zs.sqlite", holder="=cmd()")
    with WorkFile.open(zs) as wf:
        for no, text in enumerate(nasty, 1):
            wf.update_item(UNIT, no, rating="达标", comment=text)
    do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))
    book = office_dir / "master.xlsx"
    sheet = load_workbook(book)[UNIT]
    for no, text in enumerate(nasty, 1):
        cell = sheet.cell(3 + no, 7)
        assert (cell.value, cell.data_type) == (text, "s")
        assert cell.quotePrefix
    assert sheet["K4"].value == "=cmd()" and sheet["K4"].data_type == "s"
    with zipfile.ZipFile(book) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in zf.read(name), name


def test_long_and_odd_text_is_cut_visibly_in_the_workbook_only(office_dir: Path,
                                                               tmp_path: Path) -> None:
    long_text = "很长的评估意见" * 6000 + "结尾"          # 42,002 characters
    astral = "𠀀" * 20000                               # 2 UTF-16 units each in Excel
    zs = issue(office_dir, tmp_path / "zs.sqlite")
    with WorkFile.open(zs) as wf:
        wf.update_item(UNIT, 1, rating="达标", comment=long_text)
        wf.update_item(UNIT, 2, rating="达标", comment=astral)
        wf.update_item(UNIT, 3, rating="达标", comment="铃\x07声\x00")
    do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))
    sheet = load_workbook(office_dir / "master.xlsx")[UNIT]
    # the cells show what a row can print, their notes what a cell can hold
    assert sheet["G4"].value.endswith("全文见本格批注）")
    first, second = sheet["G4"].comment.text, sheet["G5"].comment.text
    assert len(first) == workbook.EXCEL_MAX_CHARS
    assert first.endswith("…（已截断，全文见台账）") and first.startswith("很长的评估意见")
    assert workbook._excel_len(second) <= workbook.EXCEL_MAX_CHARS
    assert second.endswith("…（已截断，全文见台账）")
    assert sheet["G6"].value == "铃\ufffd声\ufffd"
    comments = {r[2]: r[5] for r in ledger_rows(office_dir, "rating")}
    assert comments[1] == long_text and comments[2] == astral      # never cut in the ledger


def test_a_locked_workbook_changes_nothing_and_is_written_next_time(
        office_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = office_dir / "master.xlsx"
    before = sha256(book)
    history = sorted((office_dir / "workbook-history").iterdir())

    def excel_holds_it(_src: object, _dst: object) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(workbook, "_replace", excel_holds_it)
    zs = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(zs, UNIT, "达标", items=[1])
    batch = do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))
    assert [r.result for r in batch.results] == ["imported"]
    assert batch.workbook_message == workbook.locked_message(book)
    assert "正在被其他程序（如 Excel）打开" in batch.workbook_message
    assert sha256(book) == before
    assert sorted((office_dir / "workbook-history").iterdir()) == history
    assert sorted(p.name for p in office_dir.iterdir() if p.name.startswith("master")) == [
        "master.xlsx"]
    assert _pending(office_dir) == "1"

    monkeypatch.undo()
    ls = issue(office_dir, tmp_path / "ls.sqlite", holder="李四", units=["下梁镇"])
    batch = do_import(office_dir, hand_back(ls, tmp_path / "ls1.sqlite"))
    assert batch.workbook_message == ""
    assert _pending(office_dir) == "0"
    assert load_workbook(book)[UNIT]["E4"].value == "达标"


def test_a_workbook_open_for_writing_elsewhere_is_detected_before_writing(
        office_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = office_dir / "master.xlsx"
    real_open = open

    def locked_open(path, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == book and "+" in mode:
            raise PermissionError(13, "locked")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(workbook, "open", locked_open, raising=False)
    with Office.open(office_dir) as office:
        with office.ledger.tx() as conn:
            office.mark_pending(conn)
        assert office.refresh_workbook() == workbook.locked_message(book)
        assert office.workbook_pending
    assert not Path(f"{book}.part").exists()


@pytest.mark.parametrize("lock", [".~lock.master.xlsx#", "~$master.xlsx"])
def test_a_workbook_open_in_libreoffice_or_excel_is_left_alone(
        office_dir: Path, tmp_path: Path, lock: str) -> None:
    """LibreOffice and WPS (and Excel on a share) do not lock the file itself: the lock
    file beside it is what tells, and a stale one is named so that it can be deleted."""
    book = office_dir / "master.xlsx"
    before = sha256(book)
    (office_dir / lock).write_text("张三,host,user,03.12.2026 09:00,file:///x;", encoding="utf-8")
    zs = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(zs, UNIT, "达标", items=[1])
    batch = do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))
    assert [r.result for r in batch.results] == ["imported"]
    assert batch.workbook_message.startswith("总表“master.xlsx”正被 Excel、WPS 或 LibreOffice 打开")
    assert f"手动删除“{lock}”后重试" in batch.workbook_message
    assert "office workbook --remove-stale-locks" in batch.workbook_message
    assert sha256(book) == before and _pending(office_dir) == "1"

    (office_dir / lock).unlink()      # closed (or the stale lock deleted)
    with Office.open(office_dir) as office:
        assert office.refresh_workbook() == ""
    assert load_workbook(book)[UNIT]["E4"].value == "达标" and _pending(office_dir) == "0"


def test_a_workbook_with_broken_xml_is_reported_and_left_alone(office_dir: Path,
                                                               tmp_path: Path) -> None:
    book = office_dir / "master.xlsx"
    with zipfile.ZipFile(book) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2]           # a sheet's XML cut off mid-way
            zf.writestr(info, data)
    before = sha256(book)
    zs = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(zs, UNIT, "达标", items=[1])
    batch = do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))
    assert [r.result for r in batch.results] == ["imported"]
    assert batch.workbook_message.startswith("总表“master.xlsx”无法读取（文件损坏或不是 .xlsx），未作改动")
    assert sha256(book) == before and _pending(office_dir) == "1"


def test_the_last_ten_versions_are_kept(office_dir: Path) -> None:
    with Office.open(office_dir) as office:
        for _ in range(12):
            with office.ledger.tx() as conn:
                office.mark_pending(conn)
            assert office.refresh_workbook() == ""
    kept = sorted((office_dir / "workbook-history").iterdir())
    assert len(kept) == workbook.KEEP_VERSIONS
    for path in kept:
        assert load_workbook(path).sheetnames[0] == "汇总"


def test_a_changed_header_stops_the_rewrite_instead_of_overwriting(office_dir: Path,
                                                                   tmp_path: Path) -> None:
    book = office_dir / "master.xlsx"
    wb = load_workbook(book)
    wb[UNIT].insert_cols(3)                       # the office inserted a column of its own
    wb[UNIT]["C3"] = "办公室插入的列"
    wb.save(book)
    before = sha256(book)
    zs = issue(office_dir, tmp_path / "zs.sqlite")
    batch = do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))
    assert batch.results[0].result == "imported"
    assert batch.workbook_message.startswith("总表中工作表“县财政局”的表头被改动（C3 应为“序号”）")
    assert sha256(book) == before and _pending(office_dir) == "1"


def test_a_workbook_with_shapes_is_not_rewritten(office_dir: Path) -> None:
    book = office_dir / "master.xlsx"
    original = book.read_bytes()
    with zipfile.ZipFile(book, "a") as zf:
        zf.writestr("xl/drawings/drawing9.xml",
                    '<xdr:wsDr xmlns:xdr="x"><xdr:twoCellAnchor><xdr:sp macro="">'
                    "</xdr:sp></xdr:twoCellAnchor></xdr:wsDr>")
    with_shape = book.read_bytes()
    assert with_shape != original
    with Office.open(office_dir) as office:
        with office.ledger.tx() as conn:
            office.mark_pending(conn)
        assert "含有形状或文本框" in office.refresh_workbook()
    assert book.read_bytes() == with_shape


KILL_SCRIPT = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from exchange_support import do_import
    from zhashui_inspector.exchange import conflicts, workbook, workbook_writer

    stage = {stage!r}
    if stage == "ledger":
        real = conflicts.mark_pending
        def mark_pending(conn, units):
            real(conn, units)
            os._exit(9)          # killed inside the ledger transaction
        conflicts.mark_pending = mark_pending
    elif stage == "save":
        real_save = workbook_writer.save
        def save(wb, filename):
            real_save(wb, filename)
            with open(filename, "r+b") as fh:
                fh.truncate(os.path.getsize(filename) // 2)
            os._exit(9)          # killed while the new workbook was half written
        workbook_writer.save = save
    else:
        def replace(src, dst):
            os._exit(9)          # killed just before the new workbook was moved into place
        workbook._replace = replace
    do_import(Path({office!r}), Path({file!r}))
""")


@pytest.mark.parametrize("stage", ["ledger", "save", "replace"])
def test_a_kill_during_the_merge_leaves_a_readable_workbook(office_dir: Path, tmp_path: Path,
                                                            stage: str) -> None:
    zs = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(zs, UNIT, "达标", items=[1])
    do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))
    ls = issue(office_dir, tmp_path / "ls.sqlite", holder="李四")
    rate_all(ls, UNIT, "未达标", items=[1])
    back = hand_back(ls, tmp_path / "ls1.sqlite")
    book = office_dir / "master.xlsx"
    before_values = workbook_values(book)
    sources_before = ledger_rows(office_dir, "source")

    script = KILL_SCRIPT.format(tests=str(TESTS), stage=stage, office=str(office_dir),
                                file=str(back))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 9, done.stderr

    assert workbook_values(book) == before_values        # readable, and the previous version
    if stage == "ledger":
        assert ledger_rows(office_dir, "source") == sources_before
    else:
        assert len(ledger_rows(office_dir, "source")) == 2
        assert _pending(office_dir) == "1"
    again = do_import(office_dir, back)
    expected = "imported" if stage == "ledger" else "unchanged"
    assert [r.result for r in again.results] == [expected]
    assert again.workbook_message == ""
    assert not Path(f"{book}.part").exists()
    assert len(list((office_dir / "archive").iterdir())) == 2
    sheet = load_workbook(book)[UNIT]
    assert (sheet["E4"].value, sheet["L4"].value) == (
        "待定（评定分歧未裁定）", "待裁定：张三：达标；李四：未达标")
