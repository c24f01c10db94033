"""What the office adds inside the program's sheets survives a rewrite: notes under a
table, fills and notes on the program's cells, notes on evidence rows across hand-backs,
hidden rows and its own row heights, which follow their row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exchange_support import do_import, hand_back, issue, rate_all
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.exchange import conflicts
from zhashui_inspector.exchange.office import Office

UNIT = "县财政局"


def _rewrite(office_dir: Path) -> None:
    with Office.open(office_dir) as office:
        with office.ledger.tx() as conn:
            office.mark_pending(conn)
        assert office.refresh_workbook() == ""


def _disagree_on_12_and_30(office_dir: Path, tmp_path: Path) -> Path:
    """Two inspectors disagree on items 12 and 30 (the 冲突 sheet's rows 4 and 5); returns
    the first one's work file."""
    zs = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(zs, UNIT, "达标", items=[12, 30])
    do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))
    ls = issue(office_dir, tmp_path / "ls.sqlite", holder="李四")
    rate_all(ls, UNIT, "未达标", items=[12, 30])
    do_import(office_dir, hand_back(ls, tmp_path / "ls1.sqlite"))
    return zs


def _disagree_on_5(office_dir: Path, tmp_path: Path, zs: Path) -> None:
    """A third inspector and the first disagree on item 5, which sorts before 12 on 冲突."""
    ww = issue(office_dir, tmp_path / "ww.sqlite", holder="王五")
    rate_all(ww, UNIT, "未达标", items=[5])
    do_import(office_dir, hand_back(ww, tmp_path / "ww1.sqlite"))
    rate_all(zs, UNIT, "达标", items=[5])
    do_import(office_dir, hand_back(zs, tmp_path / "zs2.sqlite"))


def _items_1_and_2_rated(office_dir: Path, tmp_path: Path) -> tuple[Path, Any, Any]:
    """The workbook after one inspector's file rating items 1 and 2 came back: its path,
    the workbook loaded, the unit's sheet."""
    zs = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(zs, UNIT, "达标", items=[1, 2])
    do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))
    book = office_dir / "master.xlsx"
    wb = load_workbook(book)
    return book, wb, wb[UNIT]


def _hidden_by_item(conflicts_sheet: Any) -> dict[int, bool]:
    """Whether each item's row of 冲突 is hidden, in the sheet's order."""
    return {conflicts_sheet.cell(r, 2).value: bool(conflicts_sheet.row_dimensions[r].hidden)
            for r in range(4, conflicts_sheet.max_row + 1)}


def test_notes_under_a_table_stay_whole_in_the_programs_columns(office_dir: Path) -> None:
    book = office_dir / "master.xlsx"
    wb = load_workbook(book)
    sheet = wb[UNIT]
    last = sheet.max_row
    sheet.cell(last + 6, 1, "说明：本表由办公室复核，李科长")
    sheet.cell(last + 6, 1).font = Font(name="黑体", bold=True)
    sheet.cell(last + 6, 1).comment = Comment("复核记录在档", "办公室")
    sheet.cell(last + 7, 1, f"=COUNTA(E4:E{last})")
    sheet.cell(last + 7, 4, "合计")
    sheet.cell(last + 8, 3, "注：序号按创建标准")         # in the key column
    sheet.cell(last + 8, 13, "办公室")
    wb["冲突"]["A20"] = "制表：李"                 # a note in a key column of a two-key sheet
    wb.save(book)

    _rewrite(office_dir)

    sheet = load_workbook(book)[UNIT]
    assert sheet.cell(last + 6, 1).value == "说明：本表由办公室复核，李科长"
    assert sheet.cell(last + 6, 1).font.name == "黑体" and sheet.cell(last + 6, 1).font.b
    assert sheet.cell(last + 6, 1).comment.text == "复核记录在档"
    assert sheet.cell(last + 7, 1).value == f"=COUNTA(E4:E{last})"
    assert sheet.cell(last + 7, 4).value == "合计"
    assert (sheet.cell(last + 8, 3).value, sheet.cell(last + 8, 13).value) == (
        "注：序号按创建标准", "办公室")
    assert sheet.cell(last + 8, 12).value is None        # not taken for a row that left
    assert load_workbook(book)["冲突"]["A20"].value == "制表：李"


def test_fills_and_notes_on_the_programs_cells_and_title_rows_survive(office_dir: Path,
                                                                      tmp_path: Path) -> None:
    book, wb, sheet = _items_1_and_2_rated(office_dir, tmp_path)
    yellow = PatternFill("solid", fgColor="FFFF00")
    sheet["A5"].fill = yellow                                  # item 2
    sheet["G3"].comment = Comment("评估意见以张三为准", "办公室")
    sheet["A1"].comment = Comment("终稿", "办公室")
    sheet["H1"] = "密级：内部"
    sheet["C3"].fill = yellow
    summary = wb["汇总"]
    for col in range(1, 27):
        summary.cell(5, col).fill = yellow                     # a whole highlighted row
    unit_row = summary["B5"].value
    wb.save(book)

    ls = issue(office_dir, tmp_path / "ls.sqlite", holder="李四")
    rate_all(ls, UNIT, "未达标", items=[2])
    do_import(office_dir, hand_back(ls, tmp_path / "ls1.sqlite"))

    wb = load_workbook(book)
    sheet = wb[UNIT]
    assert (sheet["C5"].value, sheet["A5"].fill.fgColor.rgb) == (2, "00FFFF00")
    assert sheet["A4"].fill.fgColor.rgb == "00000000"
    assert sheet["E5"].value == "待定（评定分歧未裁定）" and sheet["L5"].value.startswith("待裁定")
    assert sheet["G3"].comment.text == "评估意见以张三为准"
    assert sheet["G3"].value == "评估意见"
    assert sheet["A1"].comment.text == "终稿" and sheet["A1"].value.startswith(UNIT)
    assert sheet["H1"].value == "密级：内部"
    assert sheet["C3"].fill.fgColor.rgb == "00FFFF00"
    assert sheet["D3"].fill.fgColor.rgb == "00DDEBF7"
    summary = wb["汇总"]
    row = next(r for r in range(4, 20) if summary.cell(r, 2).value == unit_row)
    assert all(summary.cell(row, col).fill.fgColor.rgb == "00FFFF00" for col in range(1, 27))


def test_notes_on_evidence_stay_on_their_row_when_the_same_file_comes_back(
        office_dir: Path, tmp_path: Path) -> None:
    zs = issue(office_dir, tmp_path / "zs.sqlite")
    photo = tmp_path / "公示栏.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 10)
    with WorkFile.open(zs) as wf:
        wf.add_evidence(UNIT, photo, item_no=3, kind="图片")
    do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))
    book = office_dir / "master.xlsx"
    wb = load_workbook(book)
    evidence = wb["证据目录"]
    assert evidence["C4"].value == "公示栏.jpg"
    evidence["J3"] = "办公室核验"
    evidence["J4"] = "已核，照片清晰"
    evidence["C4"].comment = Comment("照片模糊，需重拍", "办公室")
    wb.save(book)

    for n in (2, 3):      # the same work file handed back again, twice
        rate_all(zs, UNIT, "达标", items=[n])
        do_import(office_dir, hand_back(zs, tmp_path / f"zs{n}.sqlite"))

    evidence = load_workbook(book)["证据目录"]
    assert evidence.max_row == 4                       # no rows of notes left behind
    assert (evidence["C4"].value, evidence["J4"].value) == ("公示栏.jpg", "已核，照片清晰")
    assert evidence["C4"].comment.text == "照片模糊，需重拍"
    assert "zs3.sqlite" in evidence["H4"].value


def test_hidden_rows_and_the_offices_heights_follow_their_row(office_dir: Path,
                                                              tmp_path: Path) -> None:
    zs = _disagree_on_12_and_30(office_dir, tmp_path)
    with Office.open(office_dir) as office:
        conflicts.resolve(office, UNIT, 12, "达标", "以现场查看为准")
        assert office.refresh_workbook() == ""
    book = office_dir / "master.xlsx"
    wb = load_workbook(book)
    sheet = wb["冲突"]
    assert [sheet.cell(r, 2).value for r in (4, 5)] == [12, 30]
    sheet.auto_filter.add_filter_column(4, ["待解决"])
    sheet.row_dimensions[4].hidden = True                       # the resolved one
    sheet.row_dimensions[5].height = 120                        # the office's own height
    unit = wb[UNIT]
    fitted = unit.row_dimensions[5].height
    unit.row_dimensions[5].height = 408.75     # a height of the program's, gone stale
    wb.save(book)

    _disagree_on_5(office_dir, tmp_path, zs)

    wb = load_workbook(book)
    sheet = wb["冲突"]
    rows = {sheet.cell(r, 2).value: r for r in range(4, sheet.max_row + 1)}
    assert list(rows) == [5, 12, 30]
    hidden = {no: bool(sheet.row_dimensions[r].hidden) for no, r in rows.items()}
    assert hidden == {5: False, 12: True, 30: False}
    assert sheet.row_dimensions[rows[30]].height == 120
    assert sheet.row_dimensions[rows[5]].height != 120
    assert wb[UNIT].row_dimensions[5].height == fitted


def test_which_fills_and_heights_are_the_programs() -> None:
    from zhashui_inspector.exchange.workbook_kept import is_office_fill, is_program_height

    assert not is_office_fill(PatternFill())
    assert not is_office_fill(PatternFill("solid", fgColor="FFC7CE"))
    assert not is_office_fill(PatternFill("solid", fgColor="FFDDEBF7"))   # as LibreOffice saves it
    assert is_office_fill(PatternFill("solid", fgColor="FFFF00"))
    assert is_office_fill(PatternFill("lightGray", fgColor="FFC7CE"))
    assert [h for h in (None, 30, 43.5, 44, 57.75, 408.75, 409) if not is_program_height(h)] == []
    assert [h for h in (15, 20, 25, 40, 60, 90) if is_program_height(h)] == []


def test_a_height_saved_by_libreoffice_still_grows_with_a_longer_text(office_dir: Path,
                                                                     tmp_path: Path) -> None:
    """LibreOffice and WPS save a height on every row, a one-line one on most: kept as the
    office's, it must not hold a row to one line when a long comment arrives later."""
    zs = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(zs, UNIT, "达标", items=[3])
    do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))
    book = office_dir / "master.xlsx"
    wb = load_workbook(book)
    unit = wb[UNIT]
    row = next(r for r in range(4, unit.max_row + 1) if unit.cell(r, 3).value == 3)
    unit.row_dimensions[row].height = 12.8          # as LibreOffice writes a one-line row
    unit.row_dimensions[row].hidden = False
    wb.save(book)

    with WorkFile.open(zs) as wf:
        wf.update_item(UNIT, 3, comment="台账齐全，抽查三卷，" * 40)
    do_import(office_dir, hand_back(zs, tmp_path / "zs2.sqlite"))
    height = load_workbook(book)[UNIT].row_dimensions[row].height
    assert height is not None and height > 100        # the comment's lines, not one


def test_the_offices_merged_cells_stay_where_they_hide_nothing_of_the_programs(
        office_dir: Path, tmp_path: Path) -> None:
    book, wb, sheet = _items_1_and_2_rated(office_dir, tmp_path)
    last = sheet.max_row
    sheet.merge_cells("A1:L1")                       # the title centred over the table
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.merge_cells("A2:L2")
    sheet["M5"] = "复核：合格"
    sheet.merge_cells("M5:O5")                       # in its own columns, on item 2's row
    sheet.cell(last + 3, 1, "说明：本表经办公室复核")
    sheet.merge_cells(start_row=last + 3, start_column=1, end_row=last + 5, end_column=8)
    sheet.merge_cells("L3:N3")                       # a header of the program's, widened
    sheet.merge_cells("E4:F4")                       # would hide item 1's values
    wb.save(book)

    ls = issue(office_dir, tmp_path / "ls.sqlite", holder="李四")
    rate_all(ls, UNIT, "达标", items=[3])
    do_import(office_dir, hand_back(ls, tmp_path / "ls1.sqlite"))

    sheet = load_workbook(book)[UNIT]
    merged = {str(m) for m in sheet.merged_cells.ranges}
    assert merged == {"A1:L1", "A2:L2", "M5:O5", f"A{last + 3}:H{last + 5}"}
    assert sheet["A1"].value.startswith(UNIT) and sheet["M5"].value == "复核：合格"
    assert sheet["A1"].alignment.horizontal == "center"
    assert sheet["A2"].alignment.horizontal != "center"
    assert sheet.cell(last + 3, 1).value == "说明：本表经办公室复核"
    assert sheet["L3"].value and sheet["F4"].value is not None


def test_a_merge_in_the_offices_columns_moves_with_its_rows(office_dir: Path,
                                                            tmp_path: Path) -> None:
    zs = _disagree_on_12_and_30(office_dir, tmp_path)
    book = office_dir / "master.xlsx"
    wb = load_workbook(book)
    sheet = wb["冲突"]
    assert [sheet.cell(r, 2).value for r in (4, 5)] == [12, 30]
    office_col = sheet.max_column + 1
    sheet.cell(4, office_col, "同一问题，合并处理")
    sheet.merge_cells(start_row=4, start_column=office_col, end_row=5, end_column=office_col)
    below = sheet.max_row + 2
    sheet.cell(below, 1, "制表：办公室")
    sheet.merge_cells(start_row=below, start_column=1, end_row=below, end_column=4)
    wb.save(book)

    _disagree_on_5(office_dir, tmp_path, zs)

    sheet = load_workbook(book)["冲突"]
    assert [sheet.cell(r, 2).value for r in (4, 5, 6)] == [5, 12, 30]
    letter = sheet.cell(5, office_col).column_letter
    note_row = next(r for r in range(7, sheet.max_row + 1)
                    if sheet.cell(r, 1).value == "制表：办公室")
    assert {str(m) for m in sheet.merged_cells.ranges} == {
        f"{letter}5:{letter}6", f"A{note_row}:D{note_row}"}
    assert sheet.cell(5, office_col).value == "同一问题，合并处理"


def test_the_offices_filter_is_applied_again_to_the_rewritten_rows(office_dir: Path,
                                                                   tmp_path: Path) -> None:
    """冲突 filtered to 待解决: a conflict resolved since hides, one found since shows, as
    the office program's 重新应用 would have them."""
    zs = _disagree_on_12_and_30(office_dir, tmp_path)
    book = office_dir / "master.xlsx"
    wb = load_workbook(book)
    wb["冲突"].auto_filter.add_filter_column(4, ["待解决"])        # 状态
    summary = wb["汇总"]
    summary.auto_filter.add_filter_column(10, ["100.0"])   # 得分率（%）, shown as 0.0
    wb.save(book)

    with Office.open(office_dir) as office:
        conflicts.resolve(office, UNIT, 12, "达标", "以现场查看为准")
        assert office.refresh_workbook() == ""
    _disagree_on_5(office_dir, tmp_path, zs)

    wb = load_workbook(book)
    sheet = wb["冲突"]
    assert _hidden_by_item(sheet) == {5: False, 12: True, 30: False}
    summary = wb["汇总"]
    shown = {summary.cell(r, 2).value: not summary.row_dimensions[r].hidden
             for r in range(4, summary.max_row + 1)}
    assert shown.pop(UNIT) is True          # only 12 scored (达标, as ruled): 100.0 %
    assert shown and not any(shown.values())                  # no score: blank


def test_a_filter_on_other_criteria_keeps_the_rows_the_office_hid(office_dir: Path,
                                                                 tmp_path: Path) -> None:
    from openpyxl.worksheet.filters import CustomFilter, CustomFilters, FilterColumn

    zs = _disagree_on_12_and_30(office_dir, tmp_path)
    book = office_dir / "master.xlsx"
    wb = load_workbook(book)
    sheet = wb["冲突"]
    sheet.auto_filter.add_filter_column(4, ["待解决"])   # alone it would show item 12 again
    sheet.auto_filter.filterColumn.append(FilterColumn(colId=1, customFilters=CustomFilters(
        customFilter=[CustomFilter(operator="greaterThan", val="20")])))
    sheet.row_dimensions[4].hidden = True                       # item 12, by that filter
    wb.save(book)

    _disagree_on_5(office_dir, tmp_path, zs)

    sheet = load_workbook(book)["冲突"]
    assert _hidden_by_item(sheet) == {5: False, 12: True, 30: False}


def test_a_filter_over_numbers_it_cannot_read_as_shown_hides_nothing_new() -> None:
    """A whole number is shown as itself, one of the program's formats as that format
    shows it; a fraction in General (its digits depend on the column's width) is not
    guessed: the rows stay as the office's program left them."""
    from openpyxl import Workbook

    from zhashui_inspector.exchange.workbook_filter import reapply

    ws = Workbook().active
    for row, value in enumerate((12, 85.0, 85.7142857, 3), 4):
        ws.cell(row, 1, value)
    ws.auto_filter.ref = "A3:A7"
    ws.auto_filter.add_filter_column(0, ["12", "3"])
    assert reapply(ws, 4, 5) is True
    assert [bool(ws.row_dimensions[r].hidden) for r in (4, 5)] == [False, True]
    assert reapply(ws, 4, 7) is False and not ws.row_dimensions[7].hidden
    ws.cell(6, 1).number_format = "0.0"
    ws.auto_filter.filterColumn[0].filters.filter = ["85.7", "3"]
    assert reapply(ws, 4, 7) is True
    assert [bool(ws.row_dimensions[r].hidden) for r in (4, 5, 6, 7)] == [True, True, False, False]
