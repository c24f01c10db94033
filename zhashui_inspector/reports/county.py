"""The county report (all units: summary, charts, then each unit) and the unit report
(the same for one unit), and the signed report the office publishes."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from zhashui_inspector.core.errors import ValidationError
from zhashui_inspector.reports.charts import area_chart, unit_chart
from zhashui_inspector.reports.completeness import (
    PROVISIONAL,
    is_provisional,
    is_unassessed,
    rated_count,
    short_gaps,
    unrated_count,
)
from zhashui_inspector.reports.contents import Contents
from zhashui_inspector.reports.data import CountyData, UnitData
from zhashui_inspector.reports.layout import (
    DRAFT_MARK,
    KeepTogetherAfterMarks,
    NewPage,
    Outline,
    ReportDoc,
    Rule,
    RunningHeader,
    SignatureSpace,
    grid_style,
    para,
    with_closing,
)
from zhashui_inspector.reports.office_title import office_title
from zhashui_inspector.reports.output import check_folder
from zhashui_inspector.reports.stamp import STAMP_SIZE
from zhashui_inspector.reports.styles import FRAME_WIDTH, RED, esc
from zhashui_inspector.reports.thumbnails import ThumbnailCache, thumbnails_for
from zhashui_inspector.reports.unit_report import (
    Numbering,
    chinese_number,
    pct,
    policy_section,
    unit_section,
)

COUNTY_TITLE = "法治政府建设示范单位复查验收评估报告"
UNITS_HEADING = "四、各单位评估情况"
RULES = ("三、", "评分规则")   # printed once, for every unit of the county report


def render_report(data: CountyData, out: Path, *,
                  signature_box: dict[str, Any] | None = None) -> Path:
    """Write the county report (several units) or a unit report (one unit) to `out`.

    With `signature_box`, the report ends with a release note and room for the office's
    visible signature; the dict receives its page and rectangle for `sign_pdf`. Without
    it the report is a draft, and every page's header says so (drafts get printed too).
    """
    out = Path(out)
    if not data.units:
        raise ValidationError("没有可写入报告的单位")
    single = len(data.units) == 1
    first = data.units[0]
    title = f"{first.name}复查验收评估报告" if single else f"柞水县{COUNTY_TITLE}"
    doc = ReportDoc(out, title=title, author=data.office_name,
                    subject=f"{data.round_name}：{'、'.join(u.name for u in data.units)}",
                    header=title + (DRAFT_MARK if signature_box is None else ""),
                    unit=first.name if single else "目录",
                    keywords=(COUNTY_TITLE, data.round_name, data.catalogue.source))
    thumbs = _all_thumbnails(data.units, data.thumbnail_cache)
    if single:
        story: list[Flowable] = title_block(data, title) + [Outline(first.name, 0)]
        story += unit_section(first, data.catalogue, data.policy, level=0, thumbnails=thumbs[0])
        if signature_box is not None:
            story = with_closing(story, [release_block(data, signature_box)])
        doc.render(story)
    else:
        doc.render(county_story(data, title, thumbs, Contents(), signature_box))
    return out


def county_story(data: CountyData, title: str, thumbs: list[list[bytes | None]],
                 contents: Contents, signature_box: dict[str, Any] | None) -> list[Flowable]:
    """The county report: title block, contents, summary, then each unit on new pages."""
    body = county_summary(data, contents)
    for index, (unit, unit_thumbs) in enumerate(zip(data.units, thumbs, strict=True), 1):
        body += [NewPage(), RunningHeader(unit.name)]
        if index == 1:
            body += [contents.entry(UNITS_HEADING, Outline(UNITS_HEADING, 0)),
                     para(UNITS_HEADING, "h1")]
        number = f"（{chinese_number(index)}）{unit.name}"
        body += [contents.entry(number, Outline(number, 1), level=1),
                 para(esc(number), "title"), Rule(thickness=0.8)]
        body += unit_section(unit, data.catalogue, data.policy, level=1, thumbnails=unit_thumbs,
                             numbering=Numbering(nested=True), rules_in="".join(RULES))
    if signature_box is not None:
        body = with_closing(body, [release_block(data, signature_box)])
    return [*title_block(data, title), *contents.flowables(), NewPage(),
            RunningHeader("全县汇总"), *body]


def _all_thumbnails(units: tuple[UnitData, ...],
                    cache_dir: Path | None = None) -> list[list[bytes | None]]:
    """Thumbnails of every unit's photos, made in one pass (one worker pool)."""
    flat = [e for u in units for e in u.evidence]
    thumbs = thumbnails_for(flat, ThumbnailCache(cache_dir) if cache_dir else None)
    out: list[list[bytes | None]] = []
    at = 0
    for unit in units:
        out.append(thumbs[at:at + len(unit.evidence)])
        at += len(unit.evidence)
    return out


def title_block(data: CountyData, title: str) -> list[Flowable]:
    """The report's title block, and the county report's warning under it."""
    story = office_title(data, title)
    if len(data.units) > 1 and any(is_provisional(u) for u in data.units):
        story += conflict_banner_text(county_notice(data))
    return story


def county_notice(data: CountyData) -> str:
    """The county report's warning: which units' results are provisional, and why."""
    clauses = []
    open_total = sum(u.open_conflicts for u in data.units)
    if open_total:
        units = "、".join(u.name for u in data.units if u.open_conflicts)
        clauses.append(f"尚有 {open_total} 处评定分歧未处理（{units}）")
    partly = [u.name for u in data.units if unrated_count(u) and not is_unassessed(u)]
    if partly:
        clauses.append(f"{'、'.join(partly)}尚未评完")
    unassessed = [u.name for u in data.units if is_unassessed(u)]
    if unassessed:
        clauses.append(f"{len(unassessed)} 个单位尚未评定（{'、'.join(unassessed)}）")
    return ("注意：" + "；".join(clauses) + "。相关单位的得分率与建议结果为暂定，"
            "在表和图中标“暂定”，不能作为最终结论。")


def conflict_banner_text(text: str) -> list[Flowable]:
    box = Table([[para(esc(text), "warn")]], colWidths=[FRAME_WIDTH])
    box.setStyle([("BOX", (0, 0), (-1, -1), 1.5, RED),
                  ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FBEAEA")),
                  ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
                  ("BOTTOMPADDING", (0, 0), (-1, -1), 6)])
    return [box, Spacer(1, 3 * mm)]


def county_summary(data: CountyData, contents: Contents | None = None) -> list[Flowable]:
    """The summary table of all units, the two charts and the policy used; its sections
    listed in `contents`."""
    story = _section("一、", "全县汇总", contents)
    head = [para(esc(t), "head") for t in
            ("序号", "单位", "命名年度", "评定进度", "得分率", "建议结果", "决定", "未处理分歧")]
    rows: list[list[Any]] = [head]
    style = grid_style(1) + [("VALIGN", (0, 1), (-1, -1), "MIDDLE")]
    for index, unit in enumerate(data.units, start=1):
        decision = f"<b>{esc(unit.decision)}</b>" if unit.decision else "未决定"
        if unit.decision and is_provisional(unit):
            decision += '<br/><font size="7.5" color="#A61B1B">须复核</font>'
        progress = f"{rated_count(unit)}/{unit.score.total}"
        if is_unassessed(unit):
            progress += '<br/><font size="7.5">尚未评定</font>'
        elif is_provisional(unit):
            progress += f'<br/><font size="7.5" color="#A61B1B">{esc(short_gaps(unit))}</font>'
        conflicts = str(unit.open_conflicts) if unit.open_conflicts else "—"
        if unit.open_conflicts:
            style.append(("TEXTCOLOR", (7, index), (7, index), RED))
            conflicts = f'<font color="#A61B1B"><b>{unit.open_conflicts}</b></font>'
        rows.append([
            para(str(index), "cell_c"),
            para(esc(f"{unit.name}（{unit.kind_label}）" if unit.kind_label else unit.name), "cell"),
            para(esc("、".join(str(y) for y in unit.years)), "cell_c"),
            para(progress, "cell_c"),
            para(pct(unit.score.overall) + (f"<br/>{PROVISIONAL}" if unit.score.overall is not None
                                            and is_provisional(unit) else ""), "cell_r"),
            para(esc(unit.suggested or "—") + (f"<br/>（{PROVISIONAL}）" if unit.suggested
                                               and is_provisional(unit) else ""), "cell_c"),
            para(decision, "cell_c"),
            para(conflicts, "cell_c"),
        ])
    table = Table(rows, colWidths=(10 * mm, 42 * mm, 22 * mm, 19 * mm, 18 * mm, 18 * mm,
                                   18 * mm, 18 * mm), repeatRows=1)
    table.setStyle(style)
    story += [table, Spacer(1, 1.5 * mm),
              para(esc("“暂定”：该单位尚有指标未评或评定分歧未裁定，得分率与建议结果还会改变；"
                       "已记录的决定“须复核”。"), "small"), Spacer(1, 4 * mm)]
    story += _section("二、", "得分图表", contents)
    story.append(unit_chart([u.name for u in data.units], [u.score.overall for u in data.units],
                            data.policy, FRAME_WIDTH, title="各单位总得分率（%）与建议结果分界线",
                            provisional=[is_provisional(u) for u in data.units]))
    story.append(Spacer(1, 4 * mm))
    cat = data.catalogue
    means = []
    for area in cat.areas:
        values = [u.score.areas.get(area.no) for u in data.units]
        scored = [v for v in values if v is not None]
        means.append(sum(scored) / len(scored) if scored else None)
    counted = [u for u in data.units if any(v is not None for v in u.score.areas.values())]
    provisional = sum(1 for u in counted if is_provisional(u))
    title = "全县各领域平均得分率（%）"
    if provisional:   # the averages take in scores that can still change: say so
        title += f"（含 {provisional} 个单位的{PROVISIONAL}得分）"
    story.append(area_chart([a.numeral for a in cat.areas], means, data.policy, FRAME_WIDTH,
                            title=title))
    story += [Spacer(1, 2 * mm), area_grid(data)]
    legend = "、".join(f"{a.numeral}{a.title}" for a in cat.areas)
    story += [Spacer(1, 4 * mm),
              KeepTogetherAfterMarks([*_section(*RULES, contents),
                                      *policy_section(data.policy),
                                      para(esc(f"领域：{legend}"), "small")])]
    return story


def _section(number: str, title: str, contents: Contents | None) -> list[Flowable]:
    """A section's outline mark and heading, listed in `contents`: the outline's top
    level names the report's numbered sections as its contents does."""
    mark = Outline(number + title, 0)
    if contents is not None:
        contents.entry(number + title, mark)
    return [mark, para(number + title, "h1")]


def area_grid(data: CountyData) -> Table:
    """Units × areas table of area scores, shaded by how far each is from the thresholds."""
    cat = data.catalogue
    head = [para("单位", "head")] + [para(esc(a.numeral), "head") for a in cat.areas]
    rows: list[list[Any]] = [head]
    style = grid_style(1) + [("VALIGN", (0, 1), (-1, -1), "MIDDLE")]
    minimums = sorted((t.area_min for t in data.policy.thresholds if t.area_min is not None),
                      reverse=True)
    shades = [colors.HexColor("#E3EFE3"), colors.HexColor("#FFF4D6"), colors.HexColor("#F6DADA")]
    for r, unit in enumerate(data.units, start=1):
        marked = is_provisional(unit) and not is_unassessed(unit)
        name = f"{unit.name}（{PROVISIONAL}）" if marked else unit.name
        row: list[Any] = [para(esc(name), "cell")]
        for c, area in enumerate(cat.areas, start=1):
            value = unit.score.areas.get(area.no)
            row.append(para("—" if value is None else f"{value:.0f}", "cell_c"))
            if value is not None and minimums:
                band = next((i for i, m in enumerate(minimums) if value >= m), len(minimums))
                style.append(("BACKGROUND", (c, r), (c, r), shades[min(band, len(shades) - 1)]))
        rows.append(row)
    width = (FRAME_WIDTH - 33 * mm) / len(cat.areas)
    table = Table(rows, colWidths=[33 * mm] + [width] * len(cat.areas), repeatRows=1)
    table.setStyle(style)
    return table


def release_block(data: CountyData, record: dict[str, Any]) -> Flowable:
    """The closing lines of a published report and the room for the signature stamp."""
    return release_note(data.office_name, record)


def release_note(office_name: str, record: dict[str, Any], document: str = "报告") -> Flowable:
    """发布单位, how to verify, and the room where `sign_pdf` puts the visible stamp;
    `document` is what the document calls itself (报告, 清单)."""
    text = (f"发布单位：{office_name}<br/>"
            f"本{document}以县委依法治县办数字证书签名（PAdES），签名后任何改动均可被检出。<br/>"
            f"核验方法：zhashui-inspector verify {document}文件.pdf --trust office-cert.pem")
    return KeepTogether([Spacer(1, 8 * mm), para(esc_lines(text), "small"), Spacer(1, 3 * mm),
                         SignatureSpace(STAMP_SIZE, record)])


def esc_lines(text: str) -> str:
    return "<br/>".join(esc(part) for part in text.split("<br/>"))


def build_signed_report(office_dir: Path, out: Path, *, unit: str | None = None,
                        passphrase: str, sign: bool = True) -> Path:
    """Render the county (or one unit's) report from the office ledger and sign it with
    the office's certificate (keys/office.p12; optional seal image DIR/seal.png)."""
    from zhashui_inspector.exchange.report_data import county_data

    data = county_data(Path(office_dir), unit)
    return _signed(lambda path, box: render_report(data, path, signature_box=box),
                   Path(office_dir), Path(out), data.office_name, passphrase, sign)


def build_signed_rectification(office_dir: Path, out: Path, *, unit: str, passphrase: str,
                               sign: bool = True) -> Path:
    """One unit's 整改清单 from the office ledger, signed like the reports."""
    from zhashui_inspector.exchange.report_data import county_data
    from zhashui_inspector.reports.rectification import render_rectification

    data = county_data(Path(office_dir), unit)
    units = [u for u in data.units if u.name == unit]
    if not units:
        raise ValidationError(f"台账中没有“{unit}”")

    def render(path: Path, box: dict[str, Any] | None) -> Path:
        return render_rectification(data, units[0], path, signature_box=box)

    return _signed(render, Path(office_dir), Path(out), data.office_name, passphrase, sign)


def _signed(render: Callable[[Path, dict[str, Any] | None], Path], office_dir: Path, out: Path,
            office_name: str, passphrase: str, sign: bool) -> Path:
    """Render to a temporary file, then sign into `out` at the room the document left."""
    from zhashui_inspector.reports.signing import sign_pdf

    if not sign:
        return render(out, None)
    check_folder(out)
    fd, tmp_name = tempfile.mkstemp(prefix=".unsigned-", suffix=".pdf", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        record: dict[str, Any] = {}
        render(tmp, record)
        seal = office_dir / "seal.png"
        sign_pdf(tmp, out, office_dir / "keys" / "office.p12", passphrase,
                 signer_name=office_name, seal=seal if seal.is_file() else None,
                 box=(record["page"], record["rect"]))
    finally:
        tmp.unlink(missing_ok=True)
    return out
