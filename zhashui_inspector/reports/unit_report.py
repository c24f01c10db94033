"""One unit's part of a report: outcome and scores, its area chart, the ratings by area,
the 整改清单, the self-report, sign-offs, source files and the evidence index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table

from zhashui_inspector.core.catalogue import Catalogue, Policy
from zhashui_inspector.core.policy import describe_policy
from zhashui_inspector.reports.charts import area_chart
from zhashui_inspector.reports.checklist import item_markup, signature_image
from zhashui_inspector.reports.completeness import (
    gaps,
    is_provisional,
    nothing_to_list,
    progress_text,
    provisional_notice,
    scored_text,
    suggested_text,
)
from zhashui_inspector.reports.data import ItemRow, UnitData
from zhashui_inspector.reports.evidence_index import evidence_table
from zhashui_inspector.reports.layout import ItemTable, Outline, grid_style, keep_with_table, para
from zhashui_inspector.reports.rectification import rating_cell, rectification_table
from zhashui_inspector.reports.styles import (
    FRAME_WIDTH,
    RED,
    SUB_FILL,
    WARN_FILL,
    esc,
    esc_cell,
    esc_each,
    human_time,
)

RATING_WIDTHS = (9 * mm, 50 * mm, 16 * mm, 22 * mm, 68 * mm)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def provisional_banner(data: UnitData, catalogue: Catalogue, policy: Policy) -> list[Flowable]:
    """A boxed red warning while the unit's result is provisional: items unrated or
    inspectors' disagreements still open (and a decision recorded all the same)."""
    area_rule = any(t.area_min is not None for t in policy.thresholds)
    text = provisional_notice(data, catalogue, area_rule)
    if not text:
        return []
    box = Table([[para(esc(text), "warn")]], colWidths=[FRAME_WIDTH])
    box.setStyle([("BOX", (0, 0), (-1, -1), 1.5, RED), ("BACKGROUND", (0, 0), (-1, -1), WARN_FILL),
                  ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
                  ("BOTTOMPADDING", (0, 0), (-1, -1), 6)])
    return [box, Spacer(1, 3 * mm)]


def outcome_table(data: UnitData, policy: Policy, rules_in: str | None = None) -> Table:
    """The unit's result and the office's decision; the suggested result refers to the
    scoring rules below it, or to the section `rules_in` where the document prints them."""
    decision = f"<b>{esc(data.decision)}</b>" if data.decision else "<b>尚未决定</b>"
    if data.decision and is_provisional(data):
        decision += ('<br/><font size="8" color="#A61B1B">记录时评定尚未完成'
                     f"（{esc(gaps(data))}），须复核</font>")
    rules = f"“{esc(rules_in)}”" if rules_in else "下列评分规则"
    reason = esc_cell(data.decision_reason) if data.decision_reason else ""
    if data.decided_at:
        reason += f'<br/><font size="8" color="#555555">决定时间：{esc(human_time(data.decided_at))}</font>'
    years = "、".join(str(y) for y in data.years)
    rows = [
        ["单位", esc(f"{data.name}（{data.kind_label}，{years} 年命名）" if years else data.name),
         "评定进度", esc(progress_text(data))],
        ["总得分率", f"<b>{pct(data.score.overall)}</b>"
         + ("（暂定）" if is_provisional(data) and data.score.overall is not None else ""),
         "计分指标", esc(scored_text(data))],
        ["建议结果", f"<b>{esc(suggested_text(data))}</b>（按{rules}，供参考）",
         "县委依法治县办决定", decision],
        ["决定理由", reason or "—", "", ""],
    ]
    cells = [[para(esc(r[0]), "head"), para(r[1], "cell"),
              para(esc(r[2]), "head") if r[2] else "", para(r[3], "cell") if r[3] else ""]
             for r in rows]
    table = Table(cells, colWidths=(22 * mm, 62 * mm, 34 * mm, 47 * mm))
    table.setStyle(grid_style(0) + [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("SPAN", (1, 3), (3, 3)),
        ("BACKGROUND", (0, 0), (0, -1), SUB_FILL), ("BACKGROUND", (2, 0), (2, 2), SUB_FILL)])
    return table


def area_scores(data: UnitData, catalogue: Catalogue, policy: Policy) -> list[Flowable]:
    labels = [a.numeral for a in catalogue.areas]
    scores = [data.score.areas.get(a.no) for a in catalogue.areas]
    chart = area_chart(labels, scores, policy, FRAME_WIDTH,
                       title=f"{data.name}各领域得分率（%）与达标线")
    head = [para(esc(t), "head") for t in ("领域", "名称", "指标数", "已评", "得分率")]
    rows: list[list[Any]] = [head]
    by_no = {row.no: row for row in data.items}
    for area in catalogue.areas:
        # an item in dispute is rated, as the report's progress counts it
        rated = sum(1 for i in area.items
                    if (row := by_no.get(i.no)) is not None and (row.rating or row.conflict))
        rows.append([para(esc(area.numeral), "cell_c"), para(esc(area.title), "cell"),
                     para(str(len(area.items)), "cell_c"), para(str(rated), "cell_c"),
                     para(pct(data.score.areas.get(area.no)), "cell_r")])
    table = Table(rows, colWidths=(14 * mm, 95 * mm, 18 * mm, 16 * mm, 22 * mm), repeatRows=1)
    table.setStyle(grid_style(1))
    return [chart, Spacer(1, 2 * mm), table]


def _note(row: ItemRow) -> str:
    parts = []
    if row.reason:
        parts.append(f"<b>不适用理由：</b>{esc_each(row.reason, row.reasons)}")
    if row.comment:
        parts.append(esc_each(row.comment, row.comments))
    if row.unit_note:
        note = "；".join(esc_cell(t) for t in row.unit_notes) if len(row.unit_notes) > 1 \
            else esc_cell(row.unit_note)
        parts.append(f"<b>单位说明：</b>{note}")
    if row.conflict:
        parts.append(f'<font color="#A61B1B"><b>分歧未处理：</b>{esc_cell(row.conflict_detail)}</font>')
    elif row.conflict_detail:
        parts.append(f"<b>原分歧：</b>{esc_cell(row.conflict_detail)}")
    if row.resolution:
        parts.append(f"<b>处理意见：</b>{esc_cell(row.resolution)}")
    if row.inspectors:
        count = f"　佐证 {row.evidence_count} 件" if row.evidence_count else ""
        parts.append(f'<font size="7.5" color="#555555">评定人：{esc_cell("、".join(row.inspectors))}'
                     f"{count}</font>")
    return "<br/>".join(parts)


def ratings_by_area(data: UnitData, catalogue: Catalogue, level: int,
                    lead: Sequence[Flowable] = (),
                    numbering: Numbering | None = None) -> list[Flowable]:
    """The rating of every item, one table per area, each area in the outline; `lead`
    (the section's heading) goes before the first area and stays with it."""
    numbering = numbering or Numbering()
    by_no = {row.no: row for row in data.items}
    story: list[Flowable] = []
    head = [para(esc(t), "head") for t in ("序号", "指标", "评定", "核查方式", "意见及说明")]
    for area in catalogue.areas:
        rows: list[list[Any]] = [head]
        style = grid_style(1)
        for item in area.items:
            row = by_no.get(item.no) or ItemRow(no=item.no, rating=None)
            if row.conflict:
                style.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), WARN_FILL))
            rows.append([para(str(item.no), "cell_c"), para(item_markup(catalogue, item), "cell"),
                         para(rating_cell(row), "cell_c"),
                         para(esc("、".join(row.methods)) or "—", "cell"),
                         para(_note(row), "cell")])
        title = (f"{numbering.area(area.no)}{area.title}"
                 f"（得分率 {pct(data.score.areas.get(area.no))}）")
        heading = [Outline(f"{area.numeral}、{area.title}", level), para(esc(title), "h2")]
        story += keep_with_table([*(lead if not story else ()), *heading],
                                 ItemTable(rows, colWidths=RATING_WIDTHS, repeatRows=1,
                                           style=style))
    return story


def signoff_table(data: UnitData) -> list[Flowable]:
    if not data.signoffs:
        return [para(esc("评估组尚未签字确认。"), "body")]
    rows: list[list[Any]] = [[para(esc(t), "head") for t in ("签字人", "签字时间", "签名", "来源文件")]]
    for so in data.signoffs:
        rows.append([para(esc_cell(so.signer), "cell"),
                     para(esc(human_time(so.signed_at)), "cell"),
                     signature_image(so.signature_png, 40 * mm, 14 * mm) if so.signature_png
                     else para("（无签名图片）", "cell"),
                     para(esc_cell(so.source), "cell")])
    table = Table(rows, colWidths=(28 * mm, 38 * mm, 45 * mm, 54 * mm), repeatRows=1)
    table.setStyle(grid_style(1) + [("VALIGN", (0, 1), (-1, -1), "MIDDLE")])
    return [table]


def sources_table(data: UnitData) -> list[Flowable]:
    if not data.sources:
        return [para(esc("无。"), "body")]
    rows: list[list[Any]] = [[para(esc(t), "head") for t in
                              ("文件", "持有人", "角色", "交回次序", "导入时间", "SHA-256")]]
    roles = {"inspector": "评估组", "unit": "被评估单位"}
    for src in data.sources:
        rows.append([para(esc_cell(src.name), "cell"), para(esc_cell(src.holder), "cell"),
                     para(esc(roles.get(src.role, src.role)), "cell"),
                     para(esc(f"第 {src.handback_seq} 次" + ("（迟到，未采用）" if src.late else "")),
                          "cell"),
                     para(esc(human_time(src.imported_at)) if src.imported_at else "—", "cell"),
                     para(f'<font size="7">{esc(src.sha256[:16])}</font>' if src.sha256 else "—",
                          "cell")])
    table = Table(rows, colWidths=(40 * mm, 28 * mm, 18 * mm, 20 * mm, 31 * mm, 28 * mm),
                  repeatRows=1)
    table.setStyle(grid_style(1))
    return [table]


def self_report_section(data: UnitData, limit: int) -> list[Flowable]:
    if not data.self_report.strip():
        return [para(esc("单位未提交自评报告。"), "body")]
    over = "（超过字数限制）" if data.self_report_chars > limit else ""
    story: list[Flowable] = [para(esc(f"共 {data.self_report_chars} 字（不计空白，限 {limit} 字）{over}"),
                                  "small"), Spacer(1, 1.5 * mm)]
    for block in data.self_report.replace("\r\n", "\n").split("\n"):
        if block.strip():
            story.append(para("&nbsp;" * 4 + esc(block.strip()), "body"))
    return story


def policy_section(policy: Policy) -> list[Flowable]:
    return [para(esc(line), "small") for line in describe_policy(policy)]


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99)."""
    digits = "〇一二三四五六七八九"
    tens, ones = divmod(n, 10)
    if not tens:
        return digits[ones]
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")


@dataclass(frozen=True)
class Numbering:
    """Heading numbers by the official hierarchy 一、 → （一） → 1. → （1）: a unit report's
    sections are 一、 and its areas （一）; inside a county report, where the units are
    （一）, （二）…, a unit's sections are 1. and its areas （1）."""

    nested: bool = False

    def section(self, n: int) -> str:
        return f"{n}. " if self.nested else f"{chinese_number(n)}、"

    def area(self, n: int) -> str:
        return f"（{n}）" if self.nested else f"（{chinese_number(n)}）"


def unit_section(data: UnitData, catalogue: Catalogue, policy: Policy, *, level: int,
                 thumbnails: Sequence[bytes | None] | None = None,
                 numbering: Numbering | None = None,
                 rules_in: str | None = None) -> list[Flowable]:
    """Every part of one unit's report, with outline entries at `level` and below. The
    scoring rules follow the area scores, unless the document prints them once for all
    its units, in the section `rules_in` (the county report's 三、评分规则)."""
    sub = level + 1
    number = (numbering or Numbering()).section

    def heading(title: str) -> list[Flowable]:
        return [Outline(title, sub), para(esc(title), "h1")]

    def section(title: str, body: list[Flowable]) -> list[Flowable]:
        """A heading and its body: kept with the start of the body's long table, or (the
        heading style's keepWithNext) with what follows it."""
        at = next((i for i, f in enumerate(body) if isinstance(f, ItemTable)), None)
        if at is None:
            return [CondPageBreak(35 * mm), *heading(title), *body]
        return keep_with_table([*heading(title), *body[:at]], body[at]) + body[at + 1:]

    outcome = outcome_table(data, policy, rules_in)
    instead = nothing_to_list(data)
    if instead:  # one statement, not 76 rows of 未评
        return section(f"{number(1)}评估结果", [outcome, Spacer(1, 3 * mm),
                                               para(esc(instead), "body")])
    story: list[Flowable] = provisional_banner(data, catalogue, policy)
    story += section(f"{number(1)}评估结果", [outcome, Spacer(1, 3 * mm)])
    story += area_scores(data, catalogue, policy)
    if rules_in is None:
        story += [Spacer(1, 2 * mm),
                  KeepTogether([para(esc("评分规则"), "h2"), *policy_section(policy)])]
    story += section(f"{number(2)}整改清单", rectification_table(data, catalogue))
    story += ratings_by_area(data, catalogue, sub + 1, lead=heading(f"{number(3)}评定明细"),
                             numbering=numbering)
    story += section(f"{number(4)}单位自评报告",
                     self_report_section(data, catalogue.self_report_limit))
    story += section(f"{number(5)}签字确认", signoff_table(data))
    story += section(f"{number(6)}数据来源", sources_table(data))
    story += section("附录：佐证材料索引", evidence_table(data.evidence, thumbnails))
    return story
