"""The county report's contents (目录): its sections and every unit, each with the page
where it really starts, however long the sections before it grow."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest
from reports_support import make_p12, outline, page_count, pdf_text, squeeze

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.reports import signing
from zhashui_inspector.reports.completeness import nothing_to_list
from zhashui_inspector.reports.county import build_signed_report, render_report
from zhashui_inspector.reports.data import CountyData
from zhashui_inspector.reports.unit_report import chinese_number
from zhashui_inspector.reports.workfile_data import county_data

SECTIONS = ("一、全县汇总", "二、得分图表", "三、评分规则", "四、各单位评估情况")
# a line of the contents, whitespace removed: its text, the dots, the page number
LINE = re.compile(r"((?:[一二三四]、|（[一二三四五六七八九十]+）)[^.]+?)\.{4,}(\d+)")


@pytest.fixture
def demo_data(demo_file: Path):  # type: ignore[no-untyped-def]
    with WorkFile.open(demo_file, readonly=True) as wf:
        yield county_data(wf)


def entries(data: CountyData) -> list[str]:
    units = [f"（{chinese_number(n)}）{u.name}" for n, u in enumerate(data.units, 1)]
    return [*SECTIONS, *units]


def check_contents(data: CountyData, out: Path) -> dict[str, int]:
    """The contents' page of each entry, checked against the page (1-based) where its
    heading is printed; the contents pages are those before the first section's."""
    pages = [squeeze(p) for p in pdf_text(out).split("\f")[:page_count(out)]]
    # the running header of the contents names it, as each later page names its unit
    assert re.match(r"柞水县\w+报告(（草稿[^）]*）)?目录", pages[0])
    body = next(n for n, p in enumerate(pages) if re.search(r"一、全县汇总(?!\.)", p))
    listed: dict[str, int] = {}
    for page in pages[:body]:
        listed.update((m[1], int(m[2])) for m in LINE.finditer(page.partition("目录")[2] or page))
    assert list(listed) == entries(data)
    for text, number in listed.items():
        heading = re.compile(re.escape(text) + r"(?!\.)")   # the heading, not a contents line
        starts = [n for n, p in enumerate(pages, 1) if n > body and heading.search(p)]
        assert starts[:1] == [number], (text, number, starts)
    # the outline's top two levels are the contents: the same headings, at the same pages,
    # the units under 四、各单位评估情况
    top = [(level, title, page + 1) for level, title, page in outline(out) if level <= 1]
    assert [(title, page) for _level, title, page in top] == list(listed.items())
    units = [f"（{chinese_number(n)}）{unit.name}" for n, unit in enumerate(data.units, 1)]
    assert [title for level, title, _page in top if level == 1] == units
    return listed


def test_the_contents_lists_every_unit_at_the_page_its_section_starts(
        demo_data: CountyData, tmp_path: Path) -> None:
    listed = check_contents(demo_data, render_report(demo_data, tmp_path / "county.pdf"))
    assert listed["四、各单位评估情况"] == listed["（一）县发改局"] > listed["三、评分规则"]
    numbers = list(listed.values())
    assert numbers == sorted(numbers) and len(set(numbers)) > len(demo_data.units)


def test_the_contents_follows_a_unit_section_that_grows(demo_data: CountyData,
                                                       tmp_path: Path) -> None:
    before = check_contents(demo_data, render_report(demo_data, tmp_path / "before.pdf"))
    at = next(i for i, u in enumerate(demo_data.units) if u.name == "县财政局")
    unit = demo_data.units[at]
    long = "会议纪要未按规定归档，部分记录缺少签字，整改台账与实际情况不符。" * 9
    items = tuple(dataclasses.replace(r, comment=long) if r.rating else r for r in unit.items)
    grown = dataclasses.replace(demo_data, units=(
        *demo_data.units[:at], dataclasses.replace(unit, items=items), *demo_data.units[at + 1:]))
    after = check_contents(grown, render_report(grown, tmp_path / "after.pdf"))
    later = entries(demo_data)[len(SECTIONS) + at + 1:]
    assert later and all(after[e] > before[e] for e in later)
    assert all(after[e] == before[e] for e in entries(demo_data)[:len(SECTIONS) + at + 1])


def test_a_contents_longer_than_a_page_counts_its_own_pages(demo_data: CountyData,
                                                           tmp_path: Path) -> None:
    empty = next(u for u in demo_data.units if nothing_to_list(u))
    many = dataclasses.replace(demo_data, units=tuple(
        dataclasses.replace(empty, name=f"测试单位{n:02d}") for n in range(1, 41)))
    out = render_report(many, tmp_path / "many.pdf")
    listed = check_contents(many, out)
    assert listed["一、全县汇总"] == 3      # after two pages of contents


def test_the_signed_county_report_has_its_contents_and_the_stamp_in_its_room(
        demo_data: CountyData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = tmp_path / "office"
    make_p12(office / "keys", demo_data.office_name, "office-pass")
    ledger = types.ModuleType("zhashui_inspector.exchange.report_data")
    ledger.county_data = lambda _office, _unit=None: demo_data  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, ledger.__name__, ledger)
    boxes = []
    real = signing.sign_pdf

    def sign(*args, **kw):  # type: ignore[no-untyped-def]
        boxes.append(kw["box"])
        return real(*args, **kw)
    monkeypatch.setattr(signing, "sign_pdf", sign)
    out = build_signed_report(office, tmp_path / "signed.pdf", passphrase="office-pass")
    assert signing.verify_pdf(out, [office / "keys" / "office-cert.pem"]).ok
    check_contents(demo_data, out)
    ((page, (_x0, bottom, _x1, top)),) = boxes
    assert page == page_count(out) - 1   # the last page, below the release note's lines
    words = subprocess.run(["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1),
                            str(out), "-"], capture_output=True, check=True).stdout.decode()
    size = re.search(r'<page width="[\d.]+" height="([\d.]+)"', words)
    note = re.search(r'yMax="([\d.]+)"[^>]*>核验方法', words)   # top-down, in points
    assert size and note
    assert 0 < bottom < top <= float(size[1]) - float(note[1])
