"""Paging: no empty page where a section starts on a new one, and no heading left alone
at the foot of a page."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer
from reports_support import footers, page_count, pdf_text, squeeze

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.reports import layout
from zhashui_inspector.reports.county import county_summary, render_report
from zhashui_inspector.reports.data import CountyData
from zhashui_inspector.reports.layout import NewPage, Outline, Para, ReportDoc, para
from zhashui_inspector.reports.styles import FRAME_HEIGHT, esc
from zhashui_inspector.reports.unit_report import chinese_number, ratings_by_area
from zhashui_inspector.reports.workfile_data import county_data

HEADER = "页面测试"


@pytest.fixture
def demo_data(demo_file: Path):  # type: ignore[no-untyped-def]
    with WorkFile.open(demo_file, readonly=True) as wf:
        yield county_data(wf)


def pages_of(pdf: Path) -> list[str]:
    """Each page's text without whitespace and the page number."""
    pages = pdf_text(pdf).split("\f")[:page_count(pdf)]
    return [re.sub(r"第\d+页共\d+页", "", squeeze(page)) for page in pages]


def render(tmp_path: Path, story: list[Flowable], name: str = "p.pdf") -> list[str]:
    out = tmp_path / name
    ReportDoc(out, title="t", author="a", subject="s", header=HEADER).render(
        [Outline("测试", 0), *story])
    return [page.replace(HEADER, "") for page in pages_of(out)]


def test_a_new_page_after_a_page_filled_to_its_foot_leaves_no_empty_page(
        tmp_path: Path) -> None:
    first = para("第一部分", "body")
    height = first.wrap(100, 100)[1]
    # the first part ends exactly at the foot of the page; the space after it spills over
    story = [first, Spacer(1, FRAME_HEIGHT - height), Spacer(1, 2 * mm), NewPage(),
             para("第二部分", "body"), NewPage(), NewPage(), para("第三部分", "body")]
    assert render(tmp_path, story) == ["第一部分", "第二部分", "第三部分"]


def test_no_page_of_the_county_report_is_empty(demo_data: CountyData, tmp_path: Path) -> None:
    out = render_report(demo_data, tmp_path / "county.pdf")
    # unsigned, so a draft: every page's header says so
    title = "柞水县法治政府建设示范单位复查验收评估报告" + squeeze(layout.DRAFT_MARK)
    pages = pages_of(out)
    assert all(page.startswith(title) for page in pages)
    names = "|".join(re.escape(u.name) for u in demo_data.units)
    empty = [n for n, page in enumerate(pages, 1)
             if not re.sub(f"{re.escape(title)}|全县汇总|{names}", "", page)]
    assert empty == []
    # each unit still starts on a page of its own: header, title, its first section
    # (the first under the heading of the units' part), numbered （一）, （二）…
    for index, unit in enumerate(demo_data.units, 1):
        lead = "四、各单位评估情况" if index == 1 else ""
        number = f"（{chinese_number(index)}）"
        assert sum(page.startswith(f"{title}{unit.name}{lead}{number}{unit.name}")
                   for page in pages) == 1


def page_with(pages: list[str], text: str) -> int:
    found = [n for n, page in enumerate(pages) if text in page]
    assert len(found) == 1, (text, found)
    return found[0]


def test_the_charts_heading_moves_to_the_page_of_the_chart(demo_data: CountyData,
                                                          tmp_path: Path) -> None:
    def charts() -> list[Flowable]:  # fresh flowables: a layout changes them
        story = county_summary(demo_data)
        return story[next(i for i, f in enumerate(story)
                          if isinstance(f, Outline) and f.title == "二、得分图表"):]

    chart_height = charts()[2].wrap(500, 800)[1]
    # the room left above the heading: enough for heading and chart only without the
    # space before the heading, around it, and enough with it
    for room in range(int(chart_height) + 20, int(chart_height) + 44, 4):
        pages = render(tmp_path, [Spacer(1, FRAME_HEIGHT - room), *charts()], f"c{room}.pdf")
        assert page_with(pages, "二、得分图表") == page_with(pages, "各单位总得分率"), room


def test_an_area_heading_moves_to_the_page_of_its_first_item(demo_data: CountyData,
                                                            tmp_path: Path) -> None:
    unit = next(u for u in demo_data.units if u.name == "县气象局")
    items = tuple(dataclasses.replace(r, comment="台账记录不完整，部分会议纪要缺少签字。" * 15)
                  if r.no == 1 else r for r in unit.items)
    unit = dataclasses.replace(unit, items=items)
    cat = demo_data.catalogue
    first = squeeze(cat.item(1).text)[:10]
    for room in (100, 160, 220):
        story = [Spacer(1, FRAME_HEIGHT - room), *ratings_by_area(unit, cat, 1)]
        pages = render(tmp_path, story, f"a{room}.pdf")
        assert page_with(pages, "（一）依法全面履行职能（得分率") == page_with(pages, first), room


def test_a_paragraph_breaks_its_lines_once_for_each_width(
        monkeypatch: pytest.MonkeyPatch) -> None:
    text = esc("县司法局报送的行政执法案卷评查台账，") * 40
    ours = para(text, "cell")
    broken: list[float] = []
    real = Para.breakLinesCJK

    def counting(self: Para, widths: list[float]) -> object:
        if self is ours:
            broken.append(widths[0])
        return real(self, widths)
    monkeypatch.setattr(Para, "breakLinesCJK", counting)
    for width in (200.0, 200.0, 120.0, 120.0, 200.0):
        plain = _Uncached(text, ours.style)
        assert ours.wrap(width, 1000) == plain.wrap(width, 1000)
        assert ours.blPara.lines == plain.blPara.lines
    assert broken == [200.0, 120.0, 200.0]


class _Uncached(Para):
    """The same line breaking, done again at every wrap as reportlab does."""

    wrap = Paragraph.wrap


def test_tables_over_many_pages_lay_out_as_with_lines_broken_at_every_wrap(
        demo_data: CountyData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows taller than half a page split inside, the rest between rows: every page holds
    what it held before line breaks were kept."""
    unit = next(u for u in demo_data.units if u.name == "县气象局")
    items = tuple(dataclasses.replace(r, comment="台账记录不完整，部分会议纪要缺少签字。" * (
        8 * (r.no % 7))) for r in unit.items)
    unit = dataclasses.replace(unit, items=items)
    ours = render(tmp_path, ratings_by_area(unit, demo_data.catalogue, 1), "ours.pdf")
    monkeypatch.setattr(layout, "Para", _Uncached)
    theirs = render(tmp_path, ratings_by_area(unit, demo_data.catalogue, 1), "theirs.pdf")
    assert len(ours) > 20 and ours == theirs


def test_a_report_that_cannot_be_written_says_why_and_leaves_no_half_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from zhashui_inspector.core.catalogue import Catalogue
    from zhashui_inspector.reports.checklist import render_checklist
    from zhashui_inspector.reports.output import ReportNotWritten

    missing = tmp_path / "没有的文件夹" / "核查表.pdf"
    with pytest.raises(ReportNotWritten) as caught:
        render_checklist(missing, Catalogue.load())
    assert caught.value.message == f"无法写出报告：文件夹“{missing.parent}”不存在"

    out = tmp_path / "核查表.pdf"

    def full(self, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        Path(self.filename).write_bytes(b"%PDF-1.4 half")
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(ReportDoc, "build", full)
    with pytest.raises(ReportNotWritten) as caught:
        render_checklist(out, Catalogue.load())
    assert caught.value.message == "磁盘空间不足，未能写出报告“核查表.pdf”"
    assert not out.exists()
    # an earlier report of the same name is left as it was, though the new one had begun
    out.write_bytes(b"an earlier checklist")
    with pytest.raises(ReportNotWritten):
        render_checklist(out, Catalogue.load())
    assert out.read_bytes() == b"an earlier checklist"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["核查表.pdf"]   # nothing left over
    monkeypatch.undo()
    render_checklist(out, Catalogue.load())          # and a good write replaces it
    assert out.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["核查表.pdf"]


class _Unbreakable(Flowable):
    """Something taller than a page that cannot be split (what a layout bug would make)."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, FRAME_HEIGHT * 2

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        pass


def test_a_report_that_cannot_be_laid_out_says_so_in_chinese_and_leaves_no_file(
        tmp_path: Path) -> None:
    from zhashui_inspector.reports.output import ReportNotWritten

    out = tmp_path / "报告.pdf"
    with pytest.raises(ReportNotWritten) as caught:
        ReportDoc(out, title="t", author="a", subject="s", header=HEADER).render(
            [para("前文", "body"), _Unbreakable()])
    assert caught.value.message.startswith("“报告.pdf”未能排版")
    assert "LayoutError" not in caught.value.message and "too large" in caught.value.detail
    assert list(tmp_path.iterdir()) == []


PUNCTUATED = ("依法公开“双随机、一公开”监管结果；对发现的问题，应当及时整改。是否到位？"
              "请说明！（详见《行政处罚法》第三十条）：台账、记录齐全。")


def _lines(paragraph: Para) -> list[tuple[str, float]]:
    """Each line's text and the room left on it, from either kind of reportlab lines."""
    lines = paragraph.blPara.lines
    if paragraph.blPara.kind == 0:
        return [(text[0], extra) for extra, text in lines]
    return [("".join(w.text for w in line.words), line.extraSpace) for line in lines]


@pytest.mark.parametrize("markup", [PUNCTUATED * 3, f"<b>{PUNCTUATED}</b>{PUNCTUATED}<br/>"
                                    f'<font size="8">{PUNCTUATED}</font>'])
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(markup: str) -> None:
    from zhashui_inspector.reports.linebreak import NO_LINE_END, NO_LINE_START

    checked = 0
    for width in range(40, 400, 3):   # every break position the text offers
        paragraph = para(markup, "cell")
        paragraph.wrap(width, 10_000)
        lines = _lines(paragraph)
        for n, (text, room) in enumerate(lines):
            assert room >= -0.01, (width, text)          # nothing hangs past the edge
            if text:
                assert n == 0 or text[0] not in NO_LINE_START, (width, text)
                assert text[-1] not in NO_LINE_END, (width, text)
        checked += len(lines)
    assert checked > 500


def test_the_blank_checklist_has_no_line_starting_with_a_comma(tmp_path: Path) -> None:
    from zhashui_inspector.core.catalogue import Catalogue
    from zhashui_inspector.reports.checklist import render_checklist

    out = render_checklist(tmp_path / "b.pdf", Catalogue.load())
    text = pdf_text(out)   # pdftotext's layout mode: each printed line as a line
    starts = [line for line in text.splitlines() if re.match(r"\s*[，。、；：？！）》]", line)]
    assert starts == []


def test_headings_follow_the_official_hierarchy(demo_data: CountyData, tmp_path: Path) -> None:
    unit = next(u for u in demo_data.units if u.name == "县气象局")
    single = squeeze(pdf_text(render_report(dataclasses.replace(demo_data, units=(unit,)),
                                            tmp_path / "u.pdf")))
    sections = ["一、评估结果", "二、整改清单", "三、评定明细", "（一）依法全面履行职能",
                "（九）强组织领导", "四、单位自评报告", "五、签字确认", "六、数据来源"]
    assert [single.find(s) for s in sections] == sorted(single.find(s) for s in sections)
    assert all(s in single for s in sections)
    assert "三、评定明细（一）依法全面履行职能（得分率" in single   # an area under its section
    county = squeeze(pdf_text(render_report(demo_data, tmp_path / "c.pdf")))
    # once as the heading, once in the contents
    assert "三、评分规则" in county and county.count("四、各单位评估情况") == 2
    for s in ("（一）县发改局", "1.评估结果", "2.整改清单", "3.评定明细", "（1）依法全面履行职能"):
        assert s in county, s
    assert "一、评估结果" not in county and "（一）依法全面履行职能" not in county
    assert [chinese_number(n) for n in (1, 10, 12, 20, 21)] == ["一", "十", "十二", "二十", "二十一"]



def test_new_numbering_numbers_from_the_page_where_it_lands(tmp_path: Path) -> None:
    out = tmp_path / "n.pdf"
    first = para("甲", "body")
    room = FRAME_HEIGHT - first.wrap(100, 100)[1] - 1   # the page is full after it
    story: list[Flowable] = [
        layout.NewNumbering(),  # on the first page: no section of no pages before it
        first, Spacer(1, room), para("甲二", "body"),  # runs over onto the next page
        NewPage(), para("甲三", "body"),
        NewPage(), layout.NewNumbering(), para("乙", "body"),
        NewPage(), layout.NewNumbering(), para("丙", "body"), NewPage(), para("丙二", "body")]
    ReportDoc(out, title="t", author="a", subject="s", header=HEADER).render(story)
    assert [p.replace(HEADER, "") for p in pages_of(out)] == [
        "甲", "甲二", "甲三", "乙", "丙", "丙二"]
    assert footers(out) == [(1, 3), (2, 3), (3, 3), (1, 1), (1, 2), (2, 2)]


def test_the_county_report_is_numbered_as_one_document(demo_data: CountyData,
                                                      tmp_path: Path) -> None:
    out = render_report(demo_data, tmp_path / "county.pdf")
    pages = page_count(out)
    assert footers(out) == [(n, pages) for n in range(1, pages + 1)]


def test_a_rectification_lists_closing_never_stands_alone_on_its_last_page(
        demo_data: CountyData, tmp_path: Path) -> None:
    """However the items fall, the page with the lines for signing and the office's stamp
    carries the table's last row: a last page with only the stamp on it is no use."""
    from zhashui_inspector.reports.rectification import render_rectification

    unit = demo_data.units[0]
    for count in range(4, 16):
        fix = set(range(1, count + 1))
        items = tuple(dataclasses.replace(r, rating="未达标" if r.no in fix else "达标",
                                          comment="台账不全，" * 12) for r in unit.items)
        box: dict[str, object] = {}
        out = render_rectification(demo_data, dataclasses.replace(unit, items=items),
                                   tmp_path / f"r{count}.pdf", signature_box=box)
        pages = pages_of(out)
        last = pages[-1]
        assert box["page"] == len(pages) - 1 and "发布单位" in last
        assert "被评估单位（盖章）" in last and "序号" in last, (count, last)


def test_a_reports_release_note_never_stands_alone_on_its_last_page(
        demo_data: CountyData, tmp_path: Path) -> None:
    """However long the evidence index it ends with, the unit report's last rows go onto
    the page of the release note and the stamp."""
    unit = next(u for u in demo_data.units if u.evidence)
    for count in range(1, 14):
        grown = dataclasses.replace(unit, evidence=tuple(
            unit.evidence[i % len(unit.evidence)] for i in range(count)))
        box: dict[str, object] = {}
        out = render_report(dataclasses.replace(demo_data, units=(grown,)),
                            tmp_path / f"u{count}.pdf", signature_box=box)
        pages = pdf_text(out).split("\f")[:page_count(out)]
        assert box["page"] == len(pages) - 1
        lines = [line.strip() for line in pages[-1].splitlines() if line.strip()]
        end = next(n for n, line in enumerate(lines) if line.startswith("发布单位"))
        body = [line for line in lines[:end] if line not in (unit.name, f"{unit.name}复查验收评估报告")]
        assert body, (count, lines)            # more than the running header above it
