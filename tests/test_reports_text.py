"""What the reports make of the texts they print: characters neither font has, and the
inspectors' comments, each shown however long another one is."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from exchange_support import do_import, hand_back, issue
from reports_support import page_count, pdf_text, squeeze

from zhashui_inspector.cli.main import main
from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.demo import signature_png
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.reports.charts import unit_chart
from zhashui_inspector.reports.checklist import render_checklist
from zhashui_inspector.reports.layout import ReportDoc, para
from zhashui_inspector.reports.styles import CELL_TEXT_LIMIT, FRAME_WIDTH, esc, esc_cell

UNIT = "县财政局"
# Outside GB 2312, outside WenQuanYi Micro Hei and outside the Kai subset: a holder's and
# a signer's given name as the ID card writes them.
HOLDER = "王䶮"      # U+4DAE, CJK extension A
SIGNER = "张喆𠮷"    # U+20BB7, CJK extension B; 喆 is in WenQuanYi


def load_subset_tool():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parent.parent / "tools" / "subset_kai_font.py"
    spec = importlib.util.spec_from_file_location("subset_kai_font", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_filled_checklist_prints_a_character_neither_font_has_as_a_placeholder(
        tmp_path: Path) -> None:
    path = tmp_path / "rare.sqlite"
    WorkFile.create(path, role="inspector", holder=HOLDER, units=[UNIT]).close()
    with WorkFile.open(path) as wf:
        for no in range(1, 77):
            wf.update_item(UNIT, no, rating="达标", methods=["查阅资料"])
        wf.update_item(UNIT, 3, comment=f"经办人{SIGNER}说明")
        wf.sign_off(UNIT, SIGNER, signature_png(SIGNER))
        out = render_checklist(tmp_path / "c.pdf", wf.catalogue, unit=UNIT, workfile=wf)
    flat = squeeze(pdf_text(out, raw=True))
    assert f"评估组成员{HOLDER[0]}〓" in flat          # was "王" and a blank gap
    assert f"签字确认：{SIGNER[:2]}〓" in flat
    assert f"经办人{SIGNER[:2]}〓说明" in flat


def test_a_unit_report_prints_a_character_neither_font_has_as_a_placeholder(
        office_dir: Path, tmp_path: Path) -> None:
    work = issue(office_dir, tmp_path / "w.sqlite", holder=HOLDER, units=[UNIT])
    with WorkFile.open(work) as wf:
        for no in range(1, 77):
            wf.update_item(UNIT, no, rating="未达标" if no == 4 else "达标", methods=["查阅资料"],
                           comment=f"{HOLDER}复核" if no == 4 else "")
        wf.sign_off(UNIT, SIGNER, signature_png(SIGNER))
    do_import(office_dir, hand_back(work, tmp_path / "back.sqlite"))
    out = tmp_path / "unit.pdf"
    assert main(["office", "report", str(office_dir), "-o", str(out), "--unit", UNIT,
                 "--no-sign"]) == 0
    flat = squeeze(pdf_text(out))
    assert f"评定人：{HOLDER[0]}〓" in flat                  # 评定明细
    assert flat.count(f"{HOLDER[0]}〓复核") == 2              # 整改清单 and 评定明细
    assert f"{SIGNER[:2]}〓" in flat                          # 签字确认
    assert HOLDER not in flat and SIGNER not in flat


def test_strings_drawn_on_the_canvas_print_a_placeholder_too(tmp_path: Path) -> None:
    out = tmp_path / "canvas.pdf"
    doc = ReportDoc(out, title="t", author="a", subject="s", header=f"{HOLDER}评估报告",
                    unit=SIGNER)
    doc.render([unit_chart([HOLDER], [50.0], Catalogue.load().policy, FRAME_WIDTH,
                           title=f"{SIGNER}得分率")])
    flat = squeeze(pdf_text(out))
    for text in (f"{HOLDER[0]}〓评估报告", f"{SIGNER[:2]}〓", f"{SIGNER[:2]}〓得分率"):
        assert text in flat, text
    assert flat.count(f"{HOLDER[0]}〓") == 2                  # the header and the bar's label


def test_text_in_gb2312_is_unchanged_and_a_kai_only_character_is_set_in_kai(
        tmp_path: Path) -> None:
    gb2312 = "".join(sorted(load_subset_tool().gb2312()))
    assert esc(gb2312) == escape(gb2312)
    assert esc_cell("资料齐全 <b>A & B</b>") == escape("资料齐全 <b>A & B</b>")
    # 〜 (wave dash) is in the Kai subset only; invisible selectors neither font has go
    assert esc("3〜5 次") == '3<font name="ZhKai">〜</font>5 次'
    assert esc("葛\U000E0100亮") == "葛亮"
    out = tmp_path / "kai.pdf"
    doc = ReportDoc(out, title="t", author="a", subject="s", header="h")
    doc.render([para(esc("每年 3〜5 次"), "body")])
    assert "每年3〜5次" in squeeze(pdf_text(out))


@pytest.fixture
def two_inspectors_one_very_long(office_dir: Path, tmp_path: Path) -> Path:
    """李堃 writes 50,000 characters on items 7 and 9; 王䶮 a few words on each."""
    long_comment = "".join(f"{i:05d}记录不全，" for i in range(50_000 // 10))
    long_reason = "本单位无此项职能，" * (50_000 // 9)
    for holder, comment, reason in (("李堃", long_comment, long_reason),
                                    (HOLDER, "资料齐全", "不属本单位职能")):
        work = issue(office_dir, tmp_path / f"{holder}.sqlite", holder=holder, units=[UNIT])
        with WorkFile.open(work) as wf:
            for no in range(1, 77):
                wf.update_item(UNIT, no, rating="达标", methods=["查阅资料"])
            wf.update_item(UNIT, 7, rating="未达标", comment=comment)
            wf.update_item(UNIT, 9, rating="不适用", reason=reason)
        do_import(office_dir, hand_back(work, tmp_path / f"{holder}-back.sqlite"))
    return office_dir


def test_every_inspectors_comment_shows_however_long_another_one_is(
        two_inspectors_one_very_long: Path, tmp_path: Path) -> None:
    out = tmp_path / "unit.pdf"
    assert main(["office", "report", str(two_inspectors_one_very_long), "-o", str(out),
                 "--unit", UNIT, "--no-sign"]) == 0
    flat = squeeze(pdf_text(out))
    mine = f"{HOLDER[0]}〓：资料齐全"
    assert flat.count(mine) == 2                              # 整改清单 and 评定明细
    assert flat.index("李堃：00000记录不全") < flat.index(mine)
    assert f"{HOLDER[0]}〓：不属本单位职能" in flat              # the N/A reasons alike
    # each side cut on its own: the note counts what was left out of 李堃's text alone
    left_out = re.findall(r"以下省略(\d+)字，全文见台账和总表", flat)
    assert left_out.count(str(50_000 - CELL_TEXT_LIMIT)) == 2
    assert str(50_000 // 9 * 9 - CELL_TEXT_LIMIT) in left_out


def test_a_very_long_comment_fills_at_most_about_a_page_of_a_table(
        two_inspectors_one_very_long: Path, tmp_path: Path) -> None:
    out = tmp_path / "unit.pdf"
    assert main(["office", "report", str(two_inspectors_one_very_long), "-o", str(out),
                 "--unit", UNIT, "--no-sign"]) == 0
    # was 40: ~25 for one comment (the items quoted in full take about 4 of the 16)
    assert page_count(out) <= 16
    rect = tmp_path / "rect.pdf"
    assert main(["office", "report", str(two_inspectors_one_very_long), "-o", str(rect),
                 "--unit", UNIT, "--rectification", "--no-sign"]) == 0
    assert page_count(rect) <= 3
    flat = squeeze(pdf_text(rect))
    # the note may run on to the next page, as any line of the row may
    assert re.search(f"以下省略.*?{50_000 - CELL_TEXT_LIMIT}字，全文见台账和总表", flat)
    assert f"{CELL_TEXT_LIMIT // 10 - 1:05d}记录不全" in flat       # the start is there
