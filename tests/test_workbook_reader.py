"""Loading the master workbook for a rewrite leaves out exactly the cells the rewrite
replaces, and reads every other cell as openpyxl does, however the file was written."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from zhashui_inspector.exchange import workbook_reader, workbook_writer

SHEET, MEMO = "县财政局", "办公室备忘"
COLUMNS, KEYS, FIRST_ROW = 12, (2,), 4      # a unit sheet: A–L, the key in C
LAYOUT = workbook_reader.Layout(COLUMNS, KEYS, FIRST_ROW)
YELLOW = PatternFill("solid", fgColor="FFFF00")   # the office's fill in this test


def _skipped(row: int, col: int) -> bool:
    """Rows 4–39 have a key (C), and G10 the office's fill."""
    return FIRST_ROW <= row < 40 and col <= COLUMNS and col - 1 not in KEYS \
        and (row, col) != (10, 7)


def _workbook() -> Any:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = "县财政局逐项评定"
    for col in range(1, COLUMNS + 1):
        ws.cell(3, col, f"表头{col}")
    for row in range(FIRST_ROW, 40):
        for col in range(1, COLUMNS + 1):
            ws.cell(row, col, row - 3 if col == 3 else f"第{row}行第{col}列")
        ws.cell(row, 5).font = Font(name="宋体", bold=row % 2 == 0)
    ws["M3"] = "核查人"
    ws["M5"] = "王科长"
    ws["N6"] = 3.5
    ws["M8"] = "=N6*2"
    ws["G9"] = '</c><c r="A9">看似标记的评估意见'
    ws["M9"] = '</c><c r="C9">看似标记的办公室备注'
    ws["D5"].comment = Comment("注意口径", "办公室")
    ws["M6"].comment = Comment("已电话核实", "办公室")
    ws["M7"] = "规定原文"
    ws["M7"].hyperlink = "https://example.org/规定"
    ws["G10"].fill = YELLOW                                     # the office's highlight
    ws["F40"].fill = PatternFill("solid", fgColor="FFC7CE")   # styled, no value, no key
    ws["C41"] = 38
    ws["A45"] = "制表：李"                                      # a note under the table
    ws["O45"] = "审核：王"
    memo = wb.create_sheet(MEMO)
    memo["A1"] = "下周一前报县委"
    memo["D7"] = 12
    return wb


def _saved_by_openpyxl(path: Path) -> Path:
    _workbook().save(path)      # shared strings
    return path


def _saved_by_program(path: Path) -> Path:
    workbook_writer.save(_workbook(), path)     # inline strings, UTF-8
    return path


def _rewrite(path: Path, sheet_part: str, change: Callable[[bytes], bytes]) -> None:
    with zipfile.ZipFile(path) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            zf.writestr(info, change(data) if info.filename == sheet_part else data)


def _reference_last(path: Path) -> Path:
    """Each cell's `r` attribute after its others, as some programs write it."""
    _saved_by_program(path)
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(
        rb'<c r="([A-Z]+[0-9]+)"((?: [a-z]+="[^"]*")*)', rb'<c\2 r="\1"', xml))
    return path


def _load(path: Path) -> Any:
    return workbook_reader.load(path, {SHEET: LAYOUT}, kept_fill=lambda fill: fill == YELLOW)


def _cell(cell: Any) -> tuple[Any, ...]:
    return (cell.value, cell.font.b, cell.fill.fgColor.rgb,
            cell.comment.text if cell.comment else None,
            cell.hyperlink.target if cell.hyperlink else None)


@pytest.mark.parametrize("make", [_saved_by_openpyxl, _saved_by_program, _reference_last])
def test_only_the_cells_a_rewrite_replaces_are_left_out(tmp_path: Path,
                                                         make: Callable[[Path], Path]) -> None:
    path = make(tmp_path / "master.xlsx")
    whole, ours = load_workbook(path), _load(path)
    assert ours.sheetnames == whole.sheetnames
    sheet, want = ours[SHEET], whole[SHEET]
    left_out = []
    for (row, col), cell in want._cells.items():
        mine = sheet._cells.get((row, col))
        if _skipped(row, col):
            left_out.append((row, col))
            # a note on a replaced cell is kept (on an empty cell), nothing else of it
            if cell.comment is not None:
                assert mine is not None and mine.value is None
                assert mine.comment.text == cell.comment.text
            else:
                assert mine is None
        else:
            assert mine is not None and _cell(mine) == _cell(cell), (row, col)
    assert set(sheet._cells) <= set(want._cells)
    assert len(left_out) == 36 * 11 - 1     # rows 4–39 but C and G10; not F40 or A45
    assert sheet["A45"].value == "制表：李" and sheet["F40"].fill.fgColor.rgb == "00FFC7CE"
    assert sheet["G10"].value == "第10行第7列"
    assert sheet["M9"].value == '</c><c r="C9">看似标记的办公室备注'
    assert sheet.column_dimensions["A"].width == want.column_dimensions["A"].width
    assert {k: _cell(c) for k, c in ours[MEMO]._cells.items()} == \
        {k: _cell(c) for k, c in whole[MEMO]._cells.items()}


def test_a_sheet_with_a_shared_formula_is_read_whole(tmp_path: Path) -> None:
    """Only a shared formula's first cell has its text: leaving out that cell would lose
    the others' (here the office's M5)."""
    path = tmp_path / "master.xlsx"
    wb = _workbook()
    wb[SHEET]["D5"] = "=A5*2"
    wb[SHEET]["M5"] = "=J5*2"
    wb.save(path)
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"<f>A5*2</f>", b'<f t="shared" ref="D5:M5" si="0">A5*2</f>').replace(
        b"<f>J5*2</f>", b'<f t="shared" si="0"/>'))
    sheet = _load(path)[SHEET]
    assert sheet["M5"].value == "=J5*2"
    assert sheet["D5"].value == "=A5*2"
    assert sheet["A20"].value == "第20行第1列"


def test_a_sheet_whose_cells_have_no_references_is_read_whole(tmp_path: Path) -> None:
    """A cell without `r` takes the column after the cell before it."""
    path = _saved_by_openpyxl(tmp_path / "master.xlsx")

    def unreferenced(xml: bytes) -> bytes:
        row = re.search(rb'<row r="6".*?</row>', xml, re.S)
        assert row is not None
        return xml.replace(row[0], re.sub(rb' r="[A-Z]+6"', b"", row[0]))
    _rewrite(path, "xl/worksheets/sheet1.xml", unreferenced)
    whole, sheet = load_workbook(path)[SHEET], _load(path)[SHEET]
    assert {k: _cell(c) for k, c in sheet._cells.items()} == \
        {k: _cell(c) for k, c in whole._cells.items()}
    assert sheet["N6"].value == 3.5 and sheet["A6"].value == "第6行第1列"


def test_the_cells_left_out_are_those_of_the_program_columns_below_the_header() -> None:
    pattern = workbook_reader.skipped_cells(LAYOUT)
    cells = {ref: f'<c r="{ref}" s="1" t="s"><v>0</v></c>'.encode()
             for ref in ("A3", "L3", "A4", "B9", "C4", "C12", "D10", "L100", "M4", "AA4", "L1048576")}
    kept = {ref for ref, xml in cells.items() if pattern.sub(b"", xml) == xml}
    assert kept == {"A3", "L3", "C4", "C12", "M4", "AA4"}
    assert pattern.sub(b"", b'<c r="E5" s="3"/><c r="M5" s="3"/>') == b'<c r="M5" s="3"/>'


def test_a_cell_with_a_kept_style_is_not_left_out() -> None:
    pattern = workbook_reader.skipped_cells(LAYOUT, frozenset({7, 12}))
    cells = b'<c r="E5" s="3"/><c r="F5" s="7"/><c r="G5" t="n" s="12"><v>1</v></c><c s="1" r="H5"/>'
    assert pattern.sub(b"", cells) == b'<c r="F5" s="7"/><c r="G5" t="n" s="12"><v>1</v></c>'


def test_a_row_is_cut_only_when_each_of_its_key_cells_has_a_value(tmp_path: Path) -> None:
    layout = workbook_reader.Layout(9, (0, 1), FIRST_ROW)   # two keys, as 冲突 has
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A4"], ws["B4"], ws["C4"] = "县财政局", 5, "程序写的"
    ws["A5"], ws["C5"] = "制表：李", "办公室写的"            # B5 empty: not the program's row
    ws["B6"] = ""
    ws["A6"], ws["C6"] = "说明", "也是办公室的"
    path = tmp_path / "master.xlsx"
    workbook_writer.save(wb, path)
    sheet = workbook_reader.load(path, {SHEET: layout})[SHEET]
    assert [sheet[ref].value for ref in ("A4", "B4", "C4", "A5", "C5", "A6", "C6")] == [
        "县财政局", 5, None, "制表：李", "办公室写的", "说明", "也是办公室的"]
