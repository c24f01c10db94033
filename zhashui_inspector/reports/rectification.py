"""整改清单: the items a unit must fix (rated 未达标 or 基本达标), numbered as in the
standards, with the inspectors' comments and the office's resolution, and blank
columns for following it up at the next review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.policy import PENDING
from zhashui_inspector.reports.checklist import item_markup
from zhashui_inspector.reports.completeness import gaps, is_provisional, is_unassessed
from zhashui_inspector.reports.data import CountyData, ItemRow, UnitData
from zhashui_inspector.reports.layout import (
    DRAFT_MARK,
    ItemTable,
    Outline,
    ReportDoc,
    grid_style,
    para,
    with_closing,
)
from zhashui_inspector.reports.office_title import office_title
from zhashui_inspector.reports.styles import RATING_COLOURS, esc, esc_cell, esc_each

TO_FIX = ("未达标", "基本达标")
TITLE = "法治政府建设示范单位复查验收评估整改清单"
WIDTHS = (9 * mm, 50 * mm, 15 * mm, 39 * mm, 30 * mm, 22 * mm)


def items_to_fix(data: UnitData) -> list[ItemRow]:
    """The unit's items rated 未达标 or 基本达标, in the standards' order, and the items
    still in dispute where some inspector rated them so (listed as 待定)."""
    return sorted((row for row in data.items if row.rating in TO_FIX or _disputed(row)),
                  key=lambda r: r.no)


def _disputed(row: ItemRow) -> bool:
    return row.conflict and row.rating not in TO_FIX and any(
        rating in row.conflict_detail for rating in TO_FIX)


def rating_cell(row: ItemRow) -> str:
    """The rating an item's row shows, the same in every table: an item the inspectors
    still disagree on is 待定 (disputed, for the office to resolve), never 未评."""
    if row.conflict and row.rating not in TO_FIX:
        return (f'<font color="#A61B1B"><b>{PENDING[:2]}</b></font><br/>'
                f'<font size="7.5" color="#A61B1B">{PENDING[2:]}</font>')
    return rating_markup(row.rating)


def rating_markup(rating: str | None) -> str:
    if not rating:
        return "未评"
    colour = RATING_COLOURS.get(rating)
    if colour is None:
        return esc(rating)
    return f'<font color="#{colour.hexval()[2:]}">{esc(rating)}</font>'


def rectification_table(data: UnitData, catalogue: Catalogue) -> list[Flowable]:
    """The table of items to fix, or one line saying there is nothing to fix."""
    rows_to_fix = items_to_fix(data)
    if not rows_to_fix:
        return [para(esc(nothing_to_fix(data)), "body")]
    head = [para(esc(t), "head") for t in
            ("序号", "指标", "评定", "评估组意见", "县委依法治县办处理意见", "整改落实情况")]
    rows: list[list[Any]] = [head]
    for row in rows_to_fix:
        item = catalogue.item(row.no)
        area = catalogue.area(item.area_no)
        comment = esc_each(row.comment, row.comments) if row.comment else "（未填写意见）"
        if row.conflict:
            comment += f'<br/><font color="#A61B1B">评定分歧未处理：{esc_cell(row.conflict_detail)}</font>'
        rows.append([
            para(str(row.no), "cell_c"),
            para(f"{item_markup(catalogue, item)}<br/>"
                 f'<font size="7.5" color="#555555">{esc(area.numeral)}、{esc(area.title)}</font>',
                 "cell"),
            para(rating_cell(row), "cell_c"),
            para(comment, "cell"),
            para(esc_cell(row.resolution) if row.resolution else "", "cell"),
            "",
        ])
    failed = sum(1 for r in rows_to_fix if r.rating == "未达标")
    partly = sum(1 for r in rows_to_fix if r.rating == "基本达标")
    summary = f"共 {len(rows_to_fix)} 项：未达标 {failed} 项，基本达标 {partly} 项"
    pending = len(rows_to_fix) - failed - partly
    summary += f"，评定分歧待处理 {pending} 项。" if pending else "。"
    if is_provisional(data):
        summary += f"评定尚未完成（{gaps(data)}），本清单为暂定，待评定完成后确定。"
    return [para(esc(summary), "body"), Spacer(1, 2 * mm),
            ItemTable(rows, colWidths=WIDTHS, repeatRows=1, style=grid_style(1))]


def nothing_to_fix(data: UnitData) -> str:
    """What the 整改清单 says when it lists nothing: only a finished assessment can say
    that nothing needs fixing."""
    if is_unassessed(data):
        return "本单位尚未评定，整改清单待评定后生成。"
    if is_provisional(data):
        return (f"已评定的 {data.score.rated} 项中没有评为“未达标”或“基本达标”的指标；"
                f"评定尚未完成（{gaps(data)}），整改清单为暂定，待评定完成后确定。")
    return "本单位没有评为“未达标”或“基本达标”的指标，无需整改。"


def render_rectification(county: CountyData, data: UnitData, out: Path, *,
                         signature_box: dict[str, Any] | None = None) -> Path:
    """Write the 整改清单 of `data`, one unit of `county`, as its own PDF, under the title
    block of the reports (round, when made); with room for the office's signature when
    `signature_box` is given (it receives the page and rectangle), else a draft, marked so
    in every page's header."""
    out = Path(out)
    catalogue = county.catalogue
    office_name = county.office_name
    doc = ReportDoc(out, title=f"{data.name}整改清单", author=office_name,
                    subject=f"{TITLE}：{data.name}",
                    header=TITLE + (DRAFT_MARK if signature_box is None else ""), unit=data.name,
                    keywords=("整改清单", data.name, county.round_name))
    story: list[Flowable] = [
        Outline(f"{data.name}整改清单", 0),
        *office_title(county, f"{data.name}整改清单",
                      basis=f"依据《{catalogue.title}》复查验收评估结果", document="清单"),
    ]
    line = "_" * 16
    closing: list[Flowable] = [KeepTogether([
        Spacer(1, 10 * mm),
        para(f"被评估单位（盖章）：{line}&nbsp;&nbsp;&nbsp;&nbsp;负责人（签字）：{line}<br/>"
             "整改完成时限：&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;年&nbsp;&nbsp;&nbsp;&nbsp;月"
             "&nbsp;&nbsp;&nbsp;&nbsp;日&nbsp;&nbsp;&nbsp;&nbsp;"
             f"复查人（签字）：{line}", "sign"),
    ])]
    if signature_box is not None:
        from zhashui_inspector.reports.county import release_note

        closing.append(release_note(office_name, signature_box, document="清单"))
    doc.render(with_closing(story + rectification_table(data, catalogue), closing))
    return out
