"""The master workbook's writer spells out rows of plain cells itself: what it writes must
mean exactly what openpyxl writes for the same workbook, member for member."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from zhashui_inspector.exchange import workbook_writer


def _workbook() -> Any:
    """Every kind of cell a master workbook can hold: the program's and the office's."""
    wb = Workbook()
    ws = wb.active
    ws.title = "县财政局"
    texts = ["达标", "  前后有空格  ", "\u3000全角空格", "a & b < c > d \"e\" 'f'", "一\r\n二\n三\t四",
             "=SUM(A1:A2)", "", "很长的评估意见" * 600, "+86 0914", "@提及"]
    for row, text in enumerate(texts, 1):
        ws.cell(row, 1, text)
        ws.cell(row, 2, row * 1.5).font = Font(name="宋体", bold=row % 2 == 0)
        ws.cell(row, 3).fill = PatternFill("solid", fgColor="FFC7CE")   # styled, no value
    ws["A6"].data_type = "s"                     # text that looks like a formula
    ws["A6"].quotePrefix = True
    ws["D1"] = 10 ** 17
    ws["D2"] = -0.1
    ws["D3"] = float("nan")
    ws["D4"] = True
    ws["D5"] = False
    # rows with a cell that is not plain are openpyxl's to write: keep them apart
    ws["D11"] = "#N/A"
    ws["D11"].data_type = "e"
    ws["E11"] = "=D1*2"                          # the office's formula beside a row
    ws["E12"] = datetime.date(2026, 12, 1)
    ws["E13"] = datetime.datetime(2026, 12, 1, 9, 30)
    ws["E14"] = "办公室备注"
    ws["E14"].comment = Comment("请核实", "县委依法治县办")
    ws["E15"] = "链接"
    ws["E15"].hyperlink = "https://example.org/规定"
    ws["E16"] = CellRichText(["普通", TextBlock(InlineFont(b=True), "加粗")])
    ws["A16"] = "  与富文本同一行  "
    ws.merge_cells("F17:G18")
    ws["F17"] = "合并"
    ws.row_dimensions[3].height = 45
    ws.row_dimensions[4].hidden = True
    ws.row_dimensions[20].height = 30            # a row with a height and no cells
    ws.column_dimensions["A"].width = 40
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = "A1:D10"
    big = wb.create_sheet("证据目录")
    for row in range(1, 400):
        big.append([row, f"第{row}项", "现场查看照片", row * 1024, "" if row % 3 else None])
    wb.create_sheet("办公室自己的表")["B2"] = "办公室的内容"
    return wb


def _canonical(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), method="c14n")


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        # the core properties hold the moment of saving
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}


def test_the_file_means_what_openpyxl_writes(tmp_path: Path) -> None:
    # each writer gets a workbook of its own: openpyxl's save changes the workbook a little
    _workbook().save(tmp_path / "openpyxl.xlsx")
    workbook_writer.save(_workbook(), tmp_path / "ours.xlsx")
    theirs, ours = _members(tmp_path / "openpyxl.xlsx"), _members(tmp_path / "ours.xlsx")
    assert list(ours) == list(theirs)
    for name, data in theirs.items():
        if name.endswith((".xml", ".rels", ".vml")):
            assert _canonical(ours[name]) == _canonical(data), name
        else:
            assert ours[name] == data, name
    sheet = ours["xl/worksheets/sheet1.xml"]
    assert "很长的评估意见".encode() in sheet          # written directly, as UTF-8
    assert b"<f>D1*2</f>" in sheet                     # the office's formula by openpyxl


def test_a_character_xml_cannot_hold_is_refused_as_openpyxl_refuses_it(tmp_path: Path) -> None:
    errors = []
    for save in (lambda wb, path: wb.save(path), workbook_writer.save):
        wb = Workbook()
        wb.active["A1"] = "正常"
        wb.active["A1"]._value = "控制\x01字符"   # past openpyxl's own check on assignment
        with pytest.raises(ValueError) as caught:
            save(wb, tmp_path / "bad.xlsx")
        errors.append(str(caught.value))
    assert errors[0] == errors[1]
