"""Paging: no empty page where a section starts on a new one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer
from reports_support import page_count, pdf_text, squeeze

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.reports.county import render_report
from zhashui_inspector.reports.data import CountyData
from zhashui_inspector.reports.layout import NewPage, Outline, ReportDoc, para
from zhashui_inspector.reports.styles import FRAME_HEIGHT
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
    title = "柞水县法治政府建设示范单位复查验收评估报告"
    pages = pages_of(out)
    names = "|".join(re.escape(u.name) for u in demo_data.units)
    empty = [n for n, page in enumerate(pages, 1)
             if not re.sub(f"{title}|全县汇总|{names}", "", page)]
    assert empty == []
    # each unit still starts on a page of its own: header, title, its first section
    for unit in demo_data.units:
        assert sum(page.startswith(f"{title}{unit.name}{unit.name}") for page in pages) == 1

