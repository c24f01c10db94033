"""The master workbook prints readably: rows grow with their wrapped text."""

from __future__ import annotations

from pathlib import Path

from exchange_support import do_import, hand_back, issue
from openpyxl import load_workbook

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.exchange.office import Office
from zhashui_inspector.exchange.workbook import _lines, _units

UNIT = "县财政局"


def test_wrapped_lines_are_estimated_from_text_and_width() -> None:
    assert _lines("", 10) == 1
    assert _lines("abcdefghij", 10) == 1
    assert _lines("abcdefghijk", 10) == 2
    assert _lines("第一行\n第二行\n第三行", 40) == 3
    assert _lines("法" * 23, 47) == 1      # a CJK character is two units wide in 宋体
    assert _lines("法" * 24, 47) == 2
    assert _lines("（法）2026", 10) == 1    # full-width brackets too, digits one unit


def test_rows_grow_with_long_comments_and_headers(office_dir: Path, tmp_path: Path) -> None:
    zs = issue(office_dir, tmp_path / "zs.sqlite", holder="张三")
    with WorkFile.open(zs) as wf:
        wf.update_item(UNIT, 1, rating="基本达标", comment="台账不全。" * 60)
        wf.update_item(UNIT, 2, rating="达标", comment="好")
    do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))
    book = load_workbook(office_dir / "master.xlsx")
    sheet = book[UNIT]
    long_row, short_row = sheet.row_dimensions[4].height, sheet.row_dimensions[5].height
    assert long_row is not None and long_row > 100       # 300 characters in a 32-wide column
    assert short_row is not None and short_row < long_row  # item 2's own text needs less
    summary = book["汇总"]
    assert summary.row_dimensions[3].height >= 28          # wrapped area names in the header


def test_conflicts_left_pending_by_a_cut_off_import_are_refreshed_on_open(
        office_dir: Path, tmp_path: Path) -> None:
    from zhashui_inspector.exchange import conflicts

    zs = issue(office_dir, tmp_path / "zs.sqlite", holder="张三")
    ls = issue(office_dir, tmp_path / "ls.sqlite", holder="李四")
    for path, rating in ((zs, "达标"), (ls, "未达标")):
        with WorkFile.open(path) as wf:
            wf.update_item(UNIT, 3, rating=rating)
    do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"),
              hand_back(ls, tmp_path / "ls1.sqlite"))
    with Office.open(office_dir) as office:
        assert [(c.unit, c.item_no) for c in conflicts.list_conflicts(office)] == [(UNIT, 3)]
        # as if the process died after an import's transaction, before the batch refresh
        with office.ledger.tx() as conn:
            conn.execute("DELETE FROM conflict")
            conflicts.mark_pending(conn, [UNIT])
    with Office.open(office_dir) as office:
        assert [(c.unit, c.item_no) for c in conflicts.list_conflicts(office)] == [(UNIT, 3)]
        assert office.ledger.meta(conflicts.PENDING_KEY) == ""


def test_no_printed_text_runs_past_its_column(office_dir: Path, tmp_path: Path) -> None:
    """Text that does not wrap fits its column; text that wraps has the rows it needs
    (a printout shows neither text cut off by the next cell nor text over the border)."""
    zs = issue(office_dir, tmp_path / "zs.sqlite", holder="县气象局法规股股长")
    doc = tmp_path / "制度汇编.pdf"
    doc.write_bytes(b"%PDF-1.4 rules\n")
    ls = issue(office_dir, tmp_path / "ls.sqlite", holder="李四")
    with WorkFile.open(zs) as wf:
        wf.update_item(UNIT, 7, rating="达标", comment="资料齐全")
        wf.add_evidence(UNIT, doc, item_no=7, kind="文件", caption="制度汇编")
    first = hand_back(zs, tmp_path / "zs1.sqlite")
    with WorkFile.open(zs) as wf:
        wf.update_item(UNIT, 8, rating="基本达标", comment="台账不全")
    with WorkFile.open(ls) as wf:
        wf.update_item(UNIT, 7, rating="未达标", comment="未见公示")
    do_import(office_dir, first)
    do_import(office_dir, hand_back(zs, tmp_path / "zs2.sqlite"), first,  # replaces, then
              hand_back(ls, tmp_path / "ls1.sqlite"))                     # older; disagrees
    book = load_workbook(office_dir / "master.xlsx")
    assert book["冲突"]["A4"].value == UNIT
    assert {c.value for c in book["导入记录"]["D"]} >= {"已导入（替换较早交回）", "已忽略（较早交回）"}
    checked = 0
    for sheet in book:
        for row in sheet.iter_rows(min_row=3):   # the header row and below
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value:
                    continue
                width = sheet.column_dimensions[cell.column_letter].width
                where = f"{sheet.title}!{cell.coordinate}"
                if cell.alignment.wrap_text:
                    lines = _lines(cell.value, width - 1)
                    height = sheet.row_dimensions[cell.row].height or 15
                    assert height >= lines * 14, where
                else:
                    assert _units(cell.value) <= width, where
                checked += 1
    assert checked > 100   # every sheet's text was looked at, hashes and names included


def _margins(sheet: object) -> tuple[float, ...]:
    m = sheet.page_margins  # type: ignore[attr-defined]
    return (m.left, m.right, m.top, m.bottom, m.header, m.footer)


def test_the_page_footer_and_header_have_room_to_print(office_dir: Path) -> None:
    """The footer line (第 X 页，共 Y 页) prints between the footer margin and the bottom
    one; a sheet with the margins earlier versions set gets the new ones, a sheet whose
    margins the office set keeps them."""
    from openpyxl.worksheet.page import PageMargins


    book_path = office_dir / "master.xlsx"
    book = load_workbook(book_path)
    for sheet in book.worksheets:
        left, right, top, bottom, header, footer = _margins(sheet)
        assert bottom - footer >= 0.35 and top - header >= 0.25, sheet.title
    book[UNIT].page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6)  # earlier
    book["汇总"].page_margins = PageMargins(left=1, right=1, top=1, bottom=1.2, footer=0.6)
    book.save(book_path)
    with Office.open(office_dir) as office:
        with office.ledger.tx() as conn:
            office.mark_pending(conn)
        assert office.refresh_workbook() == ""
    book = load_workbook(book_path)
    assert _margins(book[UNIT]) == _margins(book["冲突"])
    assert _margins(book["汇总"]) == (1, 1, 1, 1.2, 0.5, 0.6)


def test_open_conflicts_and_provisional_suggestions_read_so_on_paper(office_dir: Path,
                                                                   tmp_path: Path) -> None:
    """Black-and-white print shows no fills: an open disagreement is written 待定, and the
    suggestion of a unit not fully rated is marked 暂定 and not painted as an outcome."""
    from exchange_support import rate_all

    zs = issue(office_dir, tmp_path / "zs.sqlite", holder="张三", units=[UNIT, "县气象局"])
    rate_all(zs, UNIT, "达标")                       # every item of 县财政局
    rate_all(zs, "县气象局", "达标", items=[1])        # one item of 县气象局
    do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))
    book = load_workbook(office_dir / "master.xlsx")
    summary = book["汇总"]
    header = [c.value for c in summary[3]]
    col = header.index("建议结果") + 1
    rows = {summary.cell(r, 2).value: r for r in range(4, summary.max_row + 1)}
    done, partial = summary.cell(rows[UNIT], col), summary.cell(rows["县气象局"], col)
    assert done.value in ("保留", "黄牌", "停牌", "摘牌") and done.fill.fgColor.rgb != "00000000"
    assert partial.value.endswith("（暂定）") and partial.fill.fgColor.rgb == "00000000"
    assert "（暂定，未评完）" in book["县气象局"]["A2"].value
    assert "暂定" not in book[UNIT]["A2"].value

    ls = issue(office_dir, tmp_path / "ls.sqlite", holder="李四")
    rate_all(ls, UNIT, "未达标", items=[30])
    do_import(office_dir, hand_back(ls, tmp_path / "ls1.sqlite"))
    book = load_workbook(office_dir / "master.xlsx")
    sheet = book[UNIT]
    assert sheet["C33"].value == 30 and sheet["E33"].value == "待定（评定分歧未裁定）"
    # every item rated, one disputed: 76 of 76 rated, provisional for the dispute
    assert sheet["A2"].value.startswith("已评 76/76 项")
    assert "（暂定，分歧未裁定）" in sheet["A2"].value
    summary = book["汇总"]
    assert summary.cell(rows[UNIT], col).value.endswith("（暂定）")


def test_text_longer_than_the_tallest_row_is_cut_visibly_with_the_whole_in_a_note(
        office_dir: Path, tmp_path: Path) -> None:
    """A row holds 409 pt (29 lines): beyond that Excel would cut the text off in print
    without a sign. The cell ends with a mark instead, its note holds the whole text."""
    from zhashui_inspector.exchange import workbook

    long_comment = "现场查看台账，" + "抽查案卷记录不全，" * 80
    zs = issue(office_dir, tmp_path / "zs.sqlite")
    with WorkFile.open(zs) as wf:
        wf.update_item(UNIT, 1, rating="基本达标", comment=long_comment)
        wf.update_item(UNIT, 2, rating="达标", comment="短评")
    do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"))
    for _ in range(2):     # the note is the program's: rewritten, not kept as the office's
        sheet = load_workbook(office_dir / "master.xlsx")[UNIT]
        shown = sheet["G4"].value
        assert shown.startswith("现场查看台账，") and shown.endswith("字，全文见本格批注）")
        omitted = int(shown.rsplit("以下省略 ", 1)[1].split(" ")[0])
        assert shown.index("……（以下省略") + omitted == len(long_comment)
        assert workbook._lines(shown, 31) <= workbook.MAX_LINES
        assert sheet["G4"].comment.text == long_comment
        assert sheet.row_dimensions[4].height == workbook.MAX_ROW_POINTS
        assert sheet["G5"].value == "短评" and sheet["G5"].comment is None
        with Office.open(office_dir) as office:
            with office.ledger.tx() as conn:
                office.mark_pending(conn)
            assert office.refresh_workbook() == ""


def test_the_longest_start_that_fits_is_found_across_paragraphs() -> None:
    from zhashui_inspector.exchange import workbook

    for text in ("法" * 900, "短\n" * 40, ("一段话。" * 7 + "\n") * 12, "a\n" + "法" * 500,
                 "法" * 300 + "\n" + "法" * 300):
        cut = workbook._fitting_start(text, 31, workbook.NOTE_MARK)
        shown = text[:cut] + workbook.NOTE_MARK.format(len(text) - cut)
        assert workbook._lines(shown, 31) <= workbook.MAX_LINES, text[:10]
        # at most a few characters short (the mark's count taken at its widest)
        longer = text[:cut + 3] + workbook.NOTE_MARK.format(len(text) - cut - 3)
        assert cut == len(text) or workbook._lines(longer, 31) > workbook.MAX_LINES \
            or "\n" in text[cut:cut + 3]
