"""Unit and county reports, the 整改清单, and the signed office report."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest
from reports_support import make_p12, outline, page_count, pdf_text, squeeze

from zhashui_inspector.core.policy import score_unit
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.reports.completeness import nothing_to_list, progress_text
from zhashui_inspector.reports.county import build_signed_report, render_report
from zhashui_inspector.reports.data import CountyData, UnitData
from zhashui_inspector.reports.rectification import items_to_fix, render_rectification
from zhashui_inspector.reports.signing import verify_pdf
from zhashui_inspector.reports.unit_report import chinese_number
from zhashui_inspector.reports.workfile_data import county_data


@pytest.fixture
def demo_data(demo_file: Path):  # type: ignore[no-untyped-def]
    with WorkFile.open(demo_file, readonly=True) as wf:
        yield county_data(wf)


def _with_conflict(unit: UnitData, item_no: int, data: CountyData | None = None) -> UnitData:
    """`unit` with the inspectors in dispute over `item_no`; scored again if `data` is
    given (an item without a rating then counts as rated, as the merge counts it)."""
    items = tuple(dataclasses.replace(r, conflict=True, conflict_detail="张三：达标；李四：未达标")
                  if r.no == item_no else r for r in unit.items)
    score = unit.score if data is None else score_unit(
        data.catalogue, {r.no: r.rating for r in items}, data.policy, disputed=[item_no])
    return dataclasses.replace(unit, items=items, open_conflicts=1, score=score)


def test_county_report_summary_charts_and_units(demo_data: CountyData, tmp_path: Path) -> None:
    out = render_report(demo_data, tmp_path / "county.pdf")
    text = pdf_text(out)
    flat = squeeze(text)
    assert "全县汇总" in text and "各单位总得分率" in text and "全县各领域平均得分率" in text
    for unit in demo_data.units:
        assert unit.name in text
    assert squeeze(demo_data.policy.label) in flat  # the policy used is printed
    entries = outline(out)
    top = [t for lvl, t, _p in entries if lvl == 0]
    assert top == ["一、全县汇总", "二、得分图表", "三、评分规则", "四、各单位评估情况"]
    units = [t for lvl, t, _p in entries if lvl == 1]
    assert units == [f"（{chinese_number(n)}）{u.name}" for n, u in enumerate(demo_data.units, 1)]
    # the units are under 四, whose page is the first unit's
    assert entries[3][1:] == (top[3], entries[4][2]) and entries[4][:2] == (1, units[0])
    pages = page_count(out)
    assert all(0 <= p < pages for *_x, p in entries)
    # every unit with anything to list has its nine areas in the outline
    areas = [t for lvl, t, _p in entries if lvl == 3]
    listed = [u for u in demo_data.units if not nothing_to_list(u)]
    assert listed and len(areas) == 9 * len(listed)
    assert f"第 {pages} 页 共 {pages} 页" in text


def test_unit_report_parts(demo_data: CountyData, tmp_path: Path) -> None:
    unit = next(u for u in demo_data.units if u.name == "县气象局")
    data = dataclasses.replace(demo_data, units=(unit,))
    out = render_report(data, tmp_path / "unit.pdf")
    text = pdf_text(out)
    flat = squeeze(text)
    for part in ("评估结果", "整改清单", "评定明细", "单位自评报告", "签字确认", "数据来源",
                 "佐证材料索引", "各领域得分率"):
        assert part in text, part
    assert squeeze(unit.self_report[:40]) in flat
    assert f"{unit.score.overall:.1f}%" in text
    assert outline(out)[0][:2] == (0, "县气象局")
    # the evidence index embeds a thumbnail per photo (and the signature image)
    photos = sum(1 for e in unit.evidence if e.mime == "image/jpeg")
    listing = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, check=True)
    jpeg_rows = [ln for ln in listing.stdout.decode().splitlines() if " jpeg " in ln]
    assert len(jpeg_rows) == photos >= 2
    widths = [int(ln.split()[3]) for ln in jpeg_rows]
    assert max(widths) <= 360  # thumbnails, not the 1600-pixel originals


def test_open_conflicts_are_flagged_prominently(demo_data: CountyData, tmp_path: Path) -> None:
    unit = next(u for u in demo_data.units if u.name == "县气象局")
    data = dataclasses.replace(demo_data, units=(_with_conflict(unit, 3),))
    text = pdf_text(render_report(data, tmp_path / "c.pdf"))
    first_page = text.split("\f")[0]
    assert "1 处评估组成员之间的评定分歧未经县委依法治县办处理" in first_page
    assert "分歧未处理：张三：达标；李四：未达标" in squeeze(text)
    county = dataclasses.replace(demo_data, units=(_with_conflict(unit, 3),
                                                   *demo_data.units[:2]))
    county_text = pdf_text(render_report(county, tmp_path / "cc.pdf")).split("\f")[0]
    assert "尚有 1 处评定分歧未处理" in county_text


def test_decision_and_reason_are_printed(demo_data: CountyData, tmp_path: Path) -> None:
    unit = dataclasses.replace(demo_data.units[1], decision="黄牌",
                               decision_reason="第 8 项 <整改> & 复查", decided_at="2023-12-06T10:00:00+08:00")
    text = squeeze(pdf_text(render_report(dataclasses.replace(demo_data, units=(unit,)),
                                          tmp_path / "d.pdf")))
    assert squeeze("第 8 项 <整改> & 复查") in text
    assert "2023年12月06日10:00" in text and "黄牌" in text


def test_rectification_lists_exactly_the_items_to_fix(demo_data: CountyData,
                                                      tmp_path: Path) -> None:
    unit = next(u for u in demo_data.units if u.name == "县气象局")
    expected = [r.no for r in unit.items if r.rating in ("未达标", "基本达标")]
    assert [r.no for r in items_to_fix(unit)] == expected and expected
    out = render_rectification(demo_data, unit, tmp_path / "r.pdf")
    raw = pdf_text(out, raw=True)
    rows = re.findall(r"^(\d{1,2}) (.+)$", raw, flags=re.MULTILINE)
    numbers = [int(n) for n, rest in rows if int(n) in expected]
    assert numbers == expected
    flat = squeeze(raw)
    for row in items_to_fix(unit):
        assert squeeze(row.comment) in flat
    assert f"共{len(expected)}项" in flat


def _rated(unit: UnitData, data: CountyData, ratings: dict[int, str | None]) -> UnitData:
    """`unit` with exactly these ratings (every other item unrated), scored again."""
    items = tuple(dataclasses.replace(r, rating=ratings.get(r.no), conflict=False)
                  for r in unit.items)
    score = score_unit(data.catalogue, {r.no: r.rating for r in items}, data.policy)
    return dataclasses.replace(unit, items=items, score=score, open_conflicts=0)


def test_rectification_when_nothing_to_fix(demo_data: CountyData, tmp_path: Path) -> None:
    clean = _rated(demo_data.units[0], demo_data,
                   {i.no: "达标" for i in demo_data.catalogue.items()})
    text = pdf_text(render_rectification(demo_data, clean, tmp_path / "n.pdf"))
    assert "无需整改" in text and "暂定" not in text


def test_an_unassessed_unit_is_never_told_it_needs_no_fixing(demo_data: CountyData,
                                                            tmp_path: Path) -> None:
    unit = demo_data.units[0]
    unrated = _rated(unit, demo_data, {})
    partly = _rated(unit, demo_data, {no: "达标" for no in range(1, 23)})
    to_fix = _rated(unit, demo_data, {**{no: "达标" for no in range(1, 23)}, 5: "未达标"})
    text = squeeze(pdf_text(render_rectification(demo_data, unrated,
                                                 tmp_path / "u.pdf")))
    assert "本单位尚未评定，整改清单待评定后生成。" in text and "无需整改" not in text
    text = squeeze(pdf_text(render_rectification(demo_data, partly,
                                                 tmp_path / "p.pdf")))
    assert "已评定的22项中没有评为" in text and "尚有54项未评" in text
    assert "整改清单为暂定" in text and "无需整改" not in text
    text = squeeze(pdf_text(render_rectification(demo_data, to_fix,
                                                 tmp_path / "f.pdf")))
    assert "共1项：未达标1项" in text and "尚有54项未评），本清单为暂定" in text
    # the unit and county reports say the same
    county = dataclasses.replace(demo_data, units=(unrated, partly))
    text = squeeze(pdf_text(render_report(county, tmp_path / "c.pdf")))
    assert "无需整改" not in text and "本单位尚未评定，整改清单待评定后生成。" in text


def test_build_signed_report_signs_with_the_office_key(
        demo_data: CountyData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = tmp_path / "office"
    make_p12(office / "keys", "中共柞水县委全面依法治县委员会办公室", "office-pass")
    calls: list[tuple[Path, str | None]] = []

    def fake_county_data(office_dir: Path, unit: str | None = None) -> CountyData:
        calls.append((office_dir, unit))  # the ledger's data, here taken from a work file
        units = tuple(u for u in demo_data.units if unit is None or u.name == unit)
        return dataclasses.replace(demo_data, units=units)

    module = types.ModuleType("zhashui_inspector.exchange.report_data")
    module.county_data = fake_county_data  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "zhashui_inspector.exchange.report_data", module)
    out = build_signed_report(office, tmp_path / "signed.pdf", unit="县气象局",
                              passphrase="office-pass")
    assert calls == [(office, "县气象局")]
    result = verify_pdf(out, [office / "keys" / "office-cert.pem"])
    assert result.ok, result.problem
    assert "发布单位" in pdf_text(out).split("\f")[-2]  # the release note on the last page
    draft = build_signed_report(office, tmp_path / "draft.pdf", passphrase="", sign=False)
    assert not verify_pdf(draft, []).signed
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".unsigned")] == []


def _partly_rated(demo_data: CountyData) -> UnitData:
    """县财政局 as in the demo office: areas 一 to 三 rated (22 items), the rest not."""
    unit = next(u for u in demo_data.units if u.name == "县财政局")
    return _rated(unit, demo_data, {no: "基本达标" if no in (4, 6) else "达标"
                                    for no in range(1, 23)})


def test_a_partly_assessed_units_result_is_marked_provisional(demo_data: CountyData,
                                                             tmp_path: Path) -> None:
    unit = _partly_rated(demo_data)
    assert unit.suggested and not unit.score.complete
    one = dataclasses.replace(demo_data, units=(unit,))
    first = squeeze(pdf_text(render_report(one, tmp_path / "u.pdf")).split("\f")[0])
    assert "注意：本单位尚有54项未评（已评定22/76项），以下得分与建议结果均为暂定" in first
    assert "领域四、五、六、七、八、九尚无评定，建议结果的“各领域得分率”条件只检查了已评定的领域" in first
    assert f"建议结果{unit.suggested}（暂定）" in first
    # the county report: summary, chart and area table mark it alike
    other = next(u for u in demo_data.units if u.name == "下梁镇")
    complete = _rated(other, demo_data, {i.no: "达标" for i in demo_data.catalogue.items()})
    county = dataclasses.replace(demo_data, units=(unit, complete))
    pages = [squeeze(p) for p in
             pdf_text(render_report(county, tmp_path / "c.pdf"), raw=True).split("\f")]
    summary = pages[0] + pages[1]
    assert f"{unit.name}尚未评完" in pages[0]
    assert f"22/76未评54项{unit.score.overall:.1f}%暂定{unit.suggested}（暂定）" in summary
    assert f"{unit.score.overall:.1f}暂定" in summary      # the chart's value label
    assert f"{unit.name}（暂定）" in summary              # the area table
    assert f"{complete.name}（暂定）" not in summary and "100.0暂定" not in summary


def test_a_decision_recorded_while_an_item_is_disputed_says_so(demo_data: CountyData,
                                                              tmp_path: Path) -> None:
    unit = next(u for u in demo_data.units if u.name == "县气象局")
    ratings = {r.no: r.rating for r in unit.items if r.no != 30}
    unit = _rated(unit, demo_data, {**ratings, **{no: "达标" for no in range(1, 77)
                                                  if ratings.get(no) is None and no != 30}})
    unit = dataclasses.replace(_with_conflict(unit, 30, demo_data), decision="保留",
                               decision_reason="总体达标，限期整改第 30 项")
    na = unit.score.rated - unit.score.applicable
    first = squeeze(pdf_text(render_report(dataclasses.replace(demo_data, units=(unit,)),
                                           tmp_path / "q.pdf")).split("\f")[0])
    assert "1处评估组成员之间的评定分歧未经县委依法治县办处理（第30项）" in first
    assert "县委依法治县办已记录决定“保留”，但其依据的评定尚未完成，须在上述事项处理后复核。" in first
    assert "记录时评定尚未完成（第30项评定分歧未裁定），须复核" in first
    assert f"计分指标{unit.score.applicable}项（不适用{na}项；第30项评定分歧未裁定，未计入）" in first
    assert "76/76项（第30项评定分歧未裁定）" in first


def test_reports_quote_each_item_in_full_with_its_errata(demo_data: CountyData,
                                                        tmp_path: Path) -> None:
    unit = next(u for u in demo_data.units if u.name == "县气象局")
    unit = dataclasses.replace(unit, items=tuple(  # item 38 carries a 校注
        dataclasses.replace(r, rating="基本达标") if r.no == 38 else r for r in unit.items))
    cat = demo_data.catalogue
    listed = [r.no for r in items_to_fix(unit)]
    with_errata = [i.no for i in cat.items() if cat.errata_for("item", i.no)]
    assert set(listed) & set(with_errata)   # the list has an item with a 校注 to show
    rect = squeeze(pdf_text(render_rectification(demo_data, unit, tmp_path / "r.pdf"), raw=True))
    report = squeeze(pdf_text(render_report(dataclasses.replace(demo_data, units=(unit,)),
                                            tmp_path / "u.pdf"), raw=True))
    for no in listed:
        assert squeeze(cat.item(no).text) in rect, no
        for erratum in cat.errata_for("item", no):
            assert squeeze(f"校注：{erratum.note}") in rect, no
    for item in cat.items():                # the 评定明细 lists every item
        assert squeeze(item.text) in report, item.no
        for erratum in cat.errata_for("item", item.no):
            assert squeeze(f"校注：{erratum.note}") in report, item.no
    assert "…" not in rect.replace("……", "")


def test_a_unit_with_no_data_gets_one_statement_not_76_empty_rows(demo_data: CountyData,
                                                                 tmp_path: Path) -> None:
    names = ("县林业局", "县气象局")
    empty, rated = (next(u for u in demo_data.units if u.name == n) for n in names)
    empty = dataclasses.replace(_rated(empty, demo_data, {}), self_report="", evidence=(),
                                signoffs=(), sources=())
    county = dataclasses.replace(demo_data, units=(empty, rated))
    out = render_report(county, tmp_path / "c.pdf")
    pages = [squeeze(p) for p in pdf_text(out).split("\f")]
    at = next(n for n, page in enumerate(pages) if "（一）县林业局" in page and "目录" not in page)
    assert "本单位尚无评估数据" in pages[at] and "（二）县气象局" in pages[at + 1]
    entries = outline(out)
    start = entries.index(next(e for e in entries if e[:2] == (1, "（一）县林业局")))
    own = [t for _lvl, t, _p in entries[start + 1:next(
        i for i, (lvl, t, _p) in enumerate(entries) if lvl == 1 and t == "（二）县气象局")]]
    assert own == ["1. 评估结果"]
    # a unit whose file came back with nothing of it: the statement says so
    came_back = dataclasses.replace(empty, sources=rated.sources)
    text = squeeze(pdf_text(render_report(dataclasses.replace(demo_data, units=(came_back,)),
                                          tmp_path / "u.pdf")))
    assert "本单位尚无评定：工作文件中还没有" in text and "三、评定明细" not in text
    # anything at all of the unit (here one photo) and every item is listed
    photo = next(u for u in demo_data.units if u.evidence).evidence[:1]
    with_photo = dataclasses.replace(came_back, evidence=photo)
    text = squeeze(pdf_text(render_report(dataclasses.replace(demo_data, units=(with_photo,)),
                                          tmp_path / "p.pdf")))
    assert "本单位尚无" not in text and "三、评定明细" in text


def test_the_rectification_list_calls_itself_a_list_and_the_hash_is_named(
        demo_data: CountyData, tmp_path: Path) -> None:
    unit = next(u for u in demo_data.units if u.name == "县气象局")
    box: dict[str, object] = {}
    out = render_rectification(demo_data, unit, tmp_path / "r.pdf", signature_box=box)
    text = squeeze(pdf_text(out))
    assert "本清单以县委依法治县办数字证书签名" in text and "verify清单文件.pdf" in text
    assert "本报告" not in text
    assert box["page"] == page_count(out) - 1   # the room for the stamp, on the last page
    report = squeeze(pdf_text(render_report(demo_data, tmp_path / "c.pdf")))
    assert f"创建标准校验值：{demo_data.catalogue.hash[:16]}" in report
    assert "目录校验值" not in report


def test_the_demo_help_counts_the_units_the_demo_makes(capsys: pytest.CaptureFixture[str],
                                                      demo_file: Path) -> None:
    from zhashui_inspector.cli.main import main

    with pytest.raises(SystemExit):
        main(["--help"])
    with WorkFile.open(demo_file, readonly=True) as wf:
        units = len(wf.units)
    assert f"（{units} 个单位" in capsys.readouterr().out


def test_a_disputed_item_counts_as_rated_as_the_office_window_counts_it(
        demo_data: CountyData, tmp_path: Path) -> None:
    """Every item rated, the inspectors disagreeing on item 30: the reports say 76 / 76
    with the dispute named (the office window's 已评 says 76/76 too), not 75 / 76."""
    def disputed(unit: UnitData) -> UnitData:
        unit = dataclasses.replace(unit, items=tuple(
            dataclasses.replace(r, rating=None) if r.no == 30 else r for r in unit.items))
        return _with_conflict(unit, 30, demo_data)

    unit = disputed(_rated(demo_data.units[0], demo_data,
                           {i.no: "达标" for i in demo_data.catalogue.items() if i.no != 30}))
    assert progress_text(unit) == "76 / 76 项（第 30 项评定分歧未裁定）"
    partly = disputed(_rated(unit, demo_data, {no: "达标" for no in range(1, 23)}))
    assert progress_text(partly) == "23 / 76 项（未评完：尚有 53 项未评，第 30 项评定分歧未裁定）"
    alone = squeeze(pdf_text(render_report(dataclasses.replace(demo_data, units=(unit,)),
                                           tmp_path / "u.pdf")))
    assert "四规范行政执法1414" in alone          # item 30's area: 14 of 14 rated
    county = dataclasses.replace(demo_data, units=(unit, demo_data.units[1]))
    text = squeeze(pdf_text(render_report(county, tmp_path / "c.pdf")))
    assert "76/76" in text and "75/76" not in text   # the county summary


def test_the_county_area_averages_say_when_they_take_in_provisional_scores(
        demo_data: CountyData, tmp_path: Path) -> None:
    everything = {i.no: "达标" for i in demo_data.catalogue.items()}
    done = [_rated(u, demo_data, everything) for u in demo_data.units[:2]]
    partly = _rated(demo_data.units[2], demo_data, {no: "达标" for no in range(1, 23)})
    mixed = squeeze(pdf_text(render_report(dataclasses.replace(
        demo_data, units=(*done, partly)), tmp_path / "m.pdf")))
    assert "全县各领域平均得分率（%）（含1个单位的暂定得分）" in mixed
    final = squeeze(pdf_text(render_report(dataclasses.replace(demo_data, units=tuple(done)),
                                           tmp_path / "f.pdf")))
    assert "全县各领域平均得分率（%）" in final and "暂定得分" not in final


def test_the_rectification_list_names_its_round_and_when_it_was_made(
        demo_data: CountyData, tmp_path: Path) -> None:
    data = dataclasses.replace(demo_data, round_name="2026年度复查验收评估",
                               generated_at="2026-12-03T10:53:09")
    unit = next(u for u in data.units if u.name == "县气象局")
    out = render_rectification(data, unit, tmp_path / "r.pdf")
    first = squeeze(pdf_text(out, raw=True).split("\f")[0])
    title = (f"{data.office_name}县气象局整改清单2026年度复查验收评估"
             f"依据《{data.catalogue.title}》复查验收评估结果")
    assert squeeze(title) in first
    made = f"清单生成时间：2026年12月03日10:53创建标准校验值：{data.catalogue.hash[:16]}"
    assert made in first and first.index(made) < first.index("序号指标评定")
    # the same block as the unit report's, the round's schedule included
    report = squeeze(pdf_text(render_report(dataclasses.replace(data, units=(unit,)),
                                            tmp_path / "u.pdf"), raw=True).split("\f")[0])
    schedule = re.search(r"工作安排：[^报]*", report)
    assert schedule and data.stages[-1].name in schedule.group(0) and schedule.group(0) in first
    assert "报告生成时间：2026年12月03日10:53" in report


def test_the_county_report_prints_the_scoring_rules_once(demo_data: CountyData,
                                                        tmp_path: Path) -> None:
    """In 三、评分规则, each unit's result referring to it; a unit report handed out on its
    own keeps the rules in its section."""
    label = squeeze(demo_data.policy.label)
    pages = [squeeze(p) for p in pdf_text(render_report(demo_data, tmp_path / "c.pdf")).split("\f")]
    rules = [n for n, page in enumerate(pages) if "计分：" in page]
    assert len(rules) == 1 and f"三、评分规则{label}计分：" in pages[rules[0]]
    text = "".join(pages)
    assert text.count("计分：") == 1 and text.count(label) == 1
    assert text.count("（按“三、评分规则”，供参考）") == len(demo_data.units)
    assert "下列评分规则" not in text
    unit = next(u for u in demo_data.units if u.name == "县气象局")
    single = squeeze(pdf_text(render_report(dataclasses.replace(demo_data, units=(unit,)),
                                            tmp_path / "u.pdf")))
    assert single.count("计分：") == 1 and "（按下列评分规则，供参考）" in single
    assert single.index("各领域得分率") < single.index(f"评分规则{label}") < single.index("二、整改清单")
