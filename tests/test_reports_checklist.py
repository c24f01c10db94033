"""The printed checklist: every item text, ratings of a filled one, escaping, paging."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from reports_support import footers, outline, page_count, pdf_text, squeeze

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.errors import ValidationError
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.reports.checklist import render_checklist


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load()


@pytest.fixture(scope="module")
def blank_pdf(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> Path:
    return render_checklist(tmp_path_factory.mktemp("blank") / "blank.pdf", catalogue)


def test_blank_checklist_contains_every_item_text_exactly(blank_pdf: Path,
                                                          catalogue: Catalogue) -> None:
    text = squeeze(pdf_text(blank_pdf, raw=True))  # raw: content order, cell by cell
    missing = [item.no for item in catalogue.items() if squeeze(item.text) not in text]
    assert missing == []
    for area in catalogue.areas:
        assert squeeze(f"{area.numeral}、{area.title}") in text
        for sub in area.subareas:
            assert squeeze(sub.display_title) in text
    assert "（原文缺标题）" in text  # sub-area 2's missing title shows as a gap


def test_blank_checklist_has_boxes_fields_and_signature_lines(blank_pdf: Path,
                                                              catalogue: Catalogue) -> None:
    text = pdf_text(blank_pdf, raw=True)
    for label in ("被评估单位", "评估日期", "评估组成员", "评估组成员（签字）", "被评估单位负责人（签字）"):
        assert label in text
    # one box per rating and per method on each of the 76 rows, nothing ticked
    boxes = re.findall(r"□\s*(达标|基本达标|未达标|不适用|听取汇报|查阅资料|实地查看)", text)
    for option in (*catalogue.ratings, *catalogue.methods):
        assert boxes.count(option) == 76
    assert "■" not in text


def test_blank_checklist_pages_header_footer_and_outline(blank_pdf: Path,
                                                         catalogue: Catalogue) -> None:
    pages = page_count(blank_pdf)
    assert 6 <= pages <= 20
    text = pdf_text(blank_pdf)
    assert f"第 1 页 共 {pages} 页" in text and f"第 {pages} 页 共 {pages} 页" in text
    # the table header repeats on every page that continues an area table
    assert text.count("指标内容") >= pages - 1
    entries = outline(blank_pdf)
    assert [t for _lvl, t, _p in entries] == [f"{a.numeral}、{a.title}" for a in catalogue.areas]
    assert all(0 <= p < pages for _lvl, _t, p in entries)
    assert [p for *_x, p in entries] == sorted(p for *_x, p in entries)


def test_no_area_or_sub_area_heading_is_left_alone_at_the_foot_of_a_page(
        blank_pdf: Path, catalogue: Catalogue) -> None:
    pages = [squeeze(page) for page in pdf_text(blank_pdf, raw=True).split("\f")]

    def page_of(text: str) -> int:
        return next(n for n, page in enumerate(pages) if text in page)

    for area in catalogue.areas:
        first = squeeze(area.subareas[0].items[0].text)
        assert page_of(squeeze(f"{area.numeral}、{area.title}")) == page_of(first), area.no
        for sub in area.subareas:
            first = squeeze(sub.items[0].text)
            assert page_of(squeeze(f"（{sub.no}）{sub.display_title}")) == page_of(first), sub.no


def test_named_blank_checklist_prints_the_unit(tmp_path: Path, catalogue: Catalogue) -> None:
    out = render_checklist(tmp_path / "u.pdf", catalogue, unit="杏坪镇")
    assert pdf_text(out).count("杏坪镇") >= page_count(out)  # in the header of every page
    assert outline(out)[0][:2] == (0, "杏坪镇")
    with pytest.raises(ValidationError):
        render_checklist(tmp_path / "x.pdf", catalogue, unit="不存在的单位")


def test_filled_checklist_ticks_each_rating_and_method(demo_file: Path, tmp_path: Path) -> None:
    with WorkFile.open(demo_file, readonly=True) as wf:
        out = render_checklist(tmp_path / "f.pdf", wf.catalogue, unit="县气象局", workfile=wf)
        states = wf.unit_items("县气象局")
        signer = wf.active_signoff("县气象局")
    text = pdf_text(out, raw=True)
    ticked = re.findall(r"■\s*(达标|基本达标|未达标|不适用)", text)
    assert ticked == [s.rating for s in states]  # in item order, one per row
    ticked_methods = re.findall(r"■\s*(听取汇报|查阅资料|实地查看)", text)
    assert len(ticked_methods) == sum(len(s.methods) for s in states)
    flat = squeeze(text)
    for s in states:
        if s.reason:
            assert squeeze(f"不适用理由：{s.reason}") in flat
        if s.comment:
            assert squeeze(s.comment) in flat
    assert signer is not None and f"签字确认：{signer.signer}" in flat


def test_filled_checklist_of_all_units_has_one_outline_entry_per_unit(
        demo_file: Path, tmp_path: Path) -> None:
    with WorkFile.open(demo_file, readonly=True) as wf:
        out = render_checklist(tmp_path / "all.pdf", wf.catalogue, workfile=wf)
        units = list(wf.units)
    top = [t for lvl, t, _p in outline(out) if lvl == 0]
    assert top == units


def test_filled_checklist_writes_the_date_as_officials_do(demo_file: Path, practice_file: Path,
                                                         tmp_path: Path) -> None:
    with WorkFile.open(demo_file, readonly=True) as wf:
        out = render_checklist(tmp_path / "f.pdf", wf.catalogue, unit="县气象局", workfile=wf)
        signoff = wf.active_signoff("县气象局")
    assert signoff is not None
    year, month, day = signoff.signed_at[:10].split("-")
    flat = squeeze(pdf_text(out, raw=True))
    assert f"评估日期{year}年{month}月{day}日" in flat
    with WorkFile.open(practice_file, readonly=True) as wf:  # not signed: today
        out = render_checklist(tmp_path / "p.pdf", wf.catalogue, unit="县财政局", workfile=wf)
    assert f"评估日期{datetime.date.today():%Y年%m月%d日}" in squeeze(pdf_text(out, raw=True))
    assert not re.search(r"\d{4}-\d{2}-\d{2}", pdf_text(out))


MARKUP = ["<b>加粗</b>不该生效", "A & B &amp; C", '<font color="red" size="30">大字</font>',
          "<br/>换行", "</para>结束"]


def test_text_from_work_files_prints_literally(practice_file: Path, tmp_path: Path) -> None:
    with WorkFile.open(practice_file) as wf:
        for no, comment in enumerate(MARKUP, start=1):
            wf.update_item("县财政局", no, rating="基本达标", methods=["查阅资料"], comment=comment)
        wf.update_item("县财政局", 9, rating="不适用", reason="<i>不属职能</i> & 说明")
        out = render_checklist(tmp_path / "m.pdf", wf.catalogue, unit="县财政局", workfile=wf)
    flat = squeeze(pdf_text(out))
    for comment in MARKUP:
        assert squeeze(comment) in flat
    assert squeeze("<i>不属职能</i> & 说明") in flat


FURNITURE = (r"第\d+页共\d+页", "法治政府建设示范单位复查验收评估指标核查表", "县财政局",
             "序号指标内容评定核查方式意见及说明")


def _without_furniture(flat: str) -> str:
    """The text without what lands between the two parts of a split row."""
    for furniture in FURNITURE:
        flat = re.sub(furniture, "", flat)
    return flat


def test_very_long_comment_wraps_and_splits_across_pages(practice_file: Path,
                                                         tmp_path: Path) -> None:
    lines = [f"第{i:03d}条" for i in range(95)]  # short lines: two pages tall
    with WorkFile.open(practice_file) as wf:
        wf.update_item("县财政局", 10, rating="未达标", methods=["实地查看"],
                       comment="\n".join(lines))
        wf.update_item("县财政局", 11, rating="达标", methods=["听取汇报"], comment="其后一项")
        out = render_checklist(tmp_path / "long.pdf", wf.catalogue, unit="县财政局", workfile=wf)
        blank = render_checklist(tmp_path / "b.pdf", wf.catalogue, unit="县财政局")
    assert page_count(out) >= page_count(blank) + 2
    flat = _without_furniture(squeeze(pdf_text(out, raw=True)))
    # nothing lost or repeated at the page breaks, and in order
    positions = [flat.find(line) for line in lines]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert all(flat.count(line) == 1 for line in lines)
    assert positions[-1] < flat.index("其后一项")


@pytest.mark.parametrize("item_no", [1, 30, 33])
def test_a_comment_taller_than_a_page_on_a_sub_areas_first_item_prints(
        practice_file: Path, tmp_path: Path, catalogue: Catalogue, item_no: int) -> None:
    lines = [f"第{i:02d}条" for i in range(80)]  # ~1,000 points: taller than a page
    with WorkFile.open(practice_file) as wf:
        wf.update_item("县财政局", item_no, rating="基本达标", methods=["查阅资料"],
                       comment="\n".join(lines))
        out = render_checklist(tmp_path / "tall.pdf", wf.catalogue, unit="县财政局",
                               workfile=wf)
    pages = [squeeze(page) for page in pdf_text(out, raw=True).split("\f")]
    item = catalogue.item(item_no)
    sub = next(s for a in catalogue.areas for s in a.subareas if s.no == item.subarea_no)
    assert sub.items[0].no == item_no
    title = squeeze(f"（{sub.no}）{sub.display_title}")
    # the sub-area's title stays with the start of the item, and the row runs on
    start = next(n for n, page in enumerate(pages) if title in page)
    assert lines[0] in pages[start] and lines[-1] not in pages[start]
    flat = _without_furniture("".join(pages))
    assert [flat.find(line) for line in lines] == sorted(flat.find(line) for line in lines)
    assert all(flat.count(line) == 1 for line in lines)


def test_a_very_long_comment_is_cut_with_a_visible_note(practice_file: Path,
                                                        tmp_path: Path) -> None:
    comment = "经查阅资料，台账记录存在缺失，" * 70   # 1,050 characters, on item 1
    with WorkFile.open(practice_file) as wf:
        wf.update_item("县财政局", 1, rating="基本达标", methods=["查阅资料"], comment=comment)
        wf.update_item("县财政局", 9, rating="不适用", reason="不属本单位职能。" * 100)
        out = render_checklist(tmp_path / "cut.pdf", wf.catalogue, unit="县财政局", workfile=wf)
    flat = squeeze(pdf_text(out))
    assert "……（以下省略450字，全文见工作文件）" in flat
    assert "……（以下省略200字，全文见工作文件）" in flat


@pytest.mark.parametrize("unit", ["县气象局", "县财政局", "下梁镇"])
def test_the_sign_off_stays_with_the_last_items_and_has_lines_for_paper(
        demo_file: Path, catalogue: Catalogue, tmp_path: Path, unit: str) -> None:
    with WorkFile.open(demo_file, readonly=True) as wf:
        out = render_checklist(tmp_path / "f.pdf", wf.catalogue, unit=unit, workfile=wf)
        signed = wf.active_signoff(unit) is not None
    pages = [squeeze(page) for page in pdf_text(out, raw=True).split("\f")[:page_count(out)]]
    last = pages[-1]
    assert ("签字确认：尚未在程序中签字确认" in last) != signed
    assert "评估组成员（签字）" in last and "被评估单位负责人（签字）" in last
    # on the page of the last item, never on a page of its own
    assert squeeze(catalogue.item(76).text) in last
    assert sum("评估组成员（签字）" in page for page in pages) == 1


def test_each_units_checklist_in_one_file_is_numbered_on_its_own(practice_file: Path,
                                                                 tmp_path: Path) -> None:
    # 下梁镇's checklist two pages longer than 县财政局's, so the totals differ
    with WorkFile.open(practice_file) as wf:
        wf.update_item("下梁镇", 10, rating="未达标", methods=["实地查看"],
                       comment="\n".join(f"第{i:03d}条" for i in range(95)))
        both = render_checklist(tmp_path / "both.pdf", wf.catalogue, workfile=wf)
        alone = [page_count(render_checklist(tmp_path / f"{n}.pdf", wf.catalogue, unit=unit,
                                             workfile=wf))
                 for n, unit in enumerate(wf.units)]
        units = list(wf.units)
    first, second = alone
    assert units == ["县财政局", "下梁镇"] and second > first
    assert page_count(both) == first + second
    # each as if printed alone: 第 1 页 共 N 页 … 第 N 页 共 N 页, then 第 1 页 again
    assert footers(both) == ([(n, first) for n in range(1, first + 1)]
                             + [(n, second) for n in range(1, second + 1)])
    pages = pdf_text(both).split("\f")
    assert "下梁镇" in pages[first] and f"第 1 页 共 {second} 页" in pages[first]
    # the outline still points at each unit's first page
    assert [(t, p) for lvl, t, p in outline(both) if lvl == 0] == [("县财政局", 0),
                                                                   ("下梁镇", first)]


def test_a_single_units_checklist_is_numbered_as_one_document(demo_file: Path,
                                                              tmp_path: Path) -> None:
    with WorkFile.open(demo_file, readonly=True) as wf:
        out = render_checklist(tmp_path / "one.pdf", wf.catalogue, unit="县财政局", workfile=wf)
    pages = page_count(out)
    assert footers(out) == [(n, pages) for n in range(1, pages + 1)]
