"""The checklist (指标核查表): blank for filling in by hand, or filled from a work file.

All 76 items appear under their areas and sub-areas with the full published text; each
row has boxes for the four ratings and the three methods and room for a note. Filled
checklists tick the boxes (■) and print comments, N/A reasons and the sign-off.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Spacer, Table

from zhashui_inspector.core.catalogue import Area, Catalogue, Item
from zhashui_inspector.core.errors import ValidationError
from zhashui_inspector.core.records import ItemState
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.reports.fonts import KAI
from zhashui_inspector.reports.layout import (
    ItemTable,
    NewNumbering,
    NewPage,
    Outline,
    ReportDoc,
    Rule,
    RunningHeader,
    grid_style,
    keep_with_table,
    para,
)
from zhashui_inspector.reports.styles import (
    FRAME_WIDTH,
    SUB_FILL,
    esc,
    esc_cell,
    human_date,
    human_time,
)

OFFICE = "柞水县委依法治县办"
TITLE = "法治政府建设示范单位复查验收评估指标核查表"
KICKER = "柞水县法治政府建设示范单位复查验收评估"
BLANK_WIDTHS = (9 * mm, 79 * mm, 24 * mm, 23 * mm, 30 * mm)
FILLED_WIDTHS = (9 * mm, 66 * mm, 22 * mm, 22 * mm, 46 * mm)
UNCHECKED = "□"
WORK_FILE = "工作文件"  # where the whole of a comment cut in the filled checklist is
CHECKED = "■"


def render_checklist(out: Path, catalogue: Catalogue, *, unit: str | None = None,
                     workfile: WorkFile | None = None) -> Path:
    """Write the checklist PDF: blank when `workfile` is None, else filled from it.

    A filled checklist covers `unit`, or every unit of the work file when unit is None;
    each unit's pages are numbered on their own (第 1 页 共 N 页), as it is handed to it.
    """
    out = Path(out)
    if workfile is not None:
        units = [unit] if unit else list(workfile.units)
        if unit and unit not in workfile.units:
            raise ValidationError(f"工作文件中没有“{unit}”")
    else:
        units = [unit or ""]
    if unit and not catalogue.has_unit(unit):
        raise ValidationError(f"“{unit}”不是本次复查验收评估的单位")
    filled = workfile is not None
    office = workfile.identity.office_name if workfile is not None else ""
    doc = ReportDoc(
        out, title=f"{TITLE}（{'已填写' if filled else '空白'}）",
        author=office or OFFICE,
        subject=f"{catalogue.title}；{'、'.join(u for u in units if u) or '空白表'}",
        header=TITLE, unit=units[0], keywords=("指标核查表", catalogue.source))
    story: list[Flowable] = []
    for index, name in enumerate(units):
        if index:  # each unit's checklist is handed to it: its pages are 第 1 页 on
            story += [NewPage(), RunningHeader(name), NewNumbering()]
        if name:
            story.append(Outline(name, 0))
        story += unit_checklist(catalogue, name, workfile, level=1 if name else 0)
    doc.render(story)
    return out


def unit_checklist(catalogue: Catalogue, unit: str, workfile: WorkFile | None,
                   level: int = 0) -> list[Flowable]:
    """The flowables of one unit's checklist (title block, areas, signature block)."""
    states = {s.item_no: s for s in workfile.unit_items(unit)} if workfile else {}
    story: list[Flowable] = title_block(catalogue, unit, workfile)
    for area in catalogue.areas:
        last = area is catalogue.areas[-1]
        story += area_section(catalogue, area, states, filled=workfile is not None,
                              outline=Outline(f"{area.numeral}、{area.title}", level),
                              closing=signature_block(unit, workfile) if last else None)
    return story


def title_block(catalogue: Catalogue, unit: str, workfile: WorkFile | None) -> list[Flowable]:
    story: list[Flowable] = [
        para(esc(KICKER), "kicker"),
        para("指标核查表", "title"),
        para(esc(f"依据《{catalogue.title}》（{catalogue.source}）"), "doc_no"),
        Rule(),
    ]
    blank = "&nbsp;" * 24
    if workfile is None:
        date = "&nbsp;" * 8 + "年" + "&nbsp;" * 5 + "月" + "&nbsp;" * 5 + "日"
        team = blank * 2
        rows = [
            ["被评估单位", para(esc(unit) if unit else blank, "cell"), "评估日期", para(date, "cell")],
            ["评估组成员", para(team, "cell"), "", ""],
        ]
    else:
        score = workfile.score(unit)
        signoff = workfile.active_signoff(unit)
        date = human_date(signoff.signed_at if signoff else datetime.date.today().isoformat())
        overall = "—" if score.overall is None else f"{score.overall:.1f}%"
        rows = [
            ["被评估单位", para(esc(unit), "cell"), "评估日期", para(esc(date), "cell")],
            ["评估组成员", para(esc(workfile.identity.holder), "cell"), "", ""],
            ["评定进度", para(esc(f"已评定 {score.rated} / {score.total} 项；得分率 {overall}；"
                              f"建议结果 {score.suggested or '—'}（供参考，以县委依法治县办决定为准）"),
                          "cell"), "", ""],
        ]
    cells = [[para(esc(r[0]), "head"), r[1], para(esc(r[2]), "head") if r[2] else "", r[3]]
             for r in rows]
    info = Table(cells, colWidths=(24 * mm, 71 * mm, 24 * mm, 46 * mm))
    style = grid_style(0) + [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    style += [("SPAN", (1, i), (3, i)) for i in range(1, len(rows))]
    style += [("BACKGROUND", (0, 0), (0, -1), SUB_FILL), ("BACKGROUND", (2, 0), (2, 0), SUB_FILL),
              ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]
    info.setStyle(style)
    legend = ("填写说明：评定结果在对应方框内打“√”，四项择一；核查方式可多选；评为“不适用”的，"
              "须在备注栏说明理由（说明即可，不计分）。指标原文照录，原文疑误之处另加“校注”，不改原文。")
    return story + [Spacer(1, 2 * mm), info, Spacer(1, 3 * mm), para(esc(legend), "small"),
                    Spacer(1, 2 * mm)]


def item_markup(catalogue: Catalogue, item: Item) -> str:
    """An item's full text as published, and below it each erratum note (校注) on it."""
    text = esc(item.text)
    for erratum in catalogue.errata_for("item", item.no):
        text += f'<br/><font size="8" color="#555555">校注：{esc(erratum.note)}</font>'
    return text


def _boxes(options: Sequence[str], chosen: Sequence[str]) -> Any:
    lines = [f'<font name="{KAI}">{CHECKED if o in chosen else UNCHECKED}</font>&nbsp;{esc(o)}'
             for o in options]
    return para("<br/>".join(lines), "cell")


def _note(state: ItemState | None, filled: bool) -> Any:
    if not filled or state is None:
        return ""
    parts = []
    if state.reason:
        parts.append(f"<b>不适用理由：</b>{esc_cell(state.reason, WORK_FILE)}")
    if state.comment:
        parts.append(esc_cell(state.comment, WORK_FILE))
    return para("<br/>".join(parts), "cell") if parts else ""


def area_section(catalogue: Catalogue, area: Area, states: dict[int, ItemState],
                 *, filled: bool, outline: Flowable | None = None,
                 closing: list[Flowable] | None = None) -> list[Flowable]:
    """One area's heading and its table (header row repeated on every page); the heading
    stays with the first sub-area and its first item, and so does each sub-area row.
    `closing` (the sign-off) is the table's last row, kept with the last item's row."""
    heading: list[Flowable] = [*([outline] if outline else []),
                               para(esc(f"{area.numeral}、{area.title}"), "h1")]
    for erratum in catalogue.errata_for("area", area.no):
        heading.append(para(esc(f"校注：{erratum.note}"), "small"))
    head = [para(esc(t), "head") for t in ("序号", "指标内容", "评定", "核查方式",
                                          "意见及说明" if filled else "备注")]
    rows: list[list[Any]] = [head]
    style = grid_style(1)
    titles = []
    for sub in area.subareas:
        style += [("SPAN", (0, len(rows)), (-1, len(rows))),
                  ("BACKGROUND", (0, len(rows)), (-1, len(rows)), SUB_FILL)]
        titles.append(len(rows))
        rows.append([para(esc(f"（{sub.no}）{sub.display_title}"), "sub"), "", "", "", ""])
        for item in sub.items:
            text = item_markup(catalogue, item)
            state = states.get(item.no)
            rating = [state.rating] if state and state.rating else []
            methods = list(state.methods) if state else []
            rows.append([para(str(item.no), "cell_c"), para(text, "cell"),
                         _boxes(catalogue.ratings, rating), _boxes(catalogue.methods, methods),
                         _note(state, filled)])
    if closing:
        titles.append(len(rows) - 1)
        style += [("SPAN", (0, len(rows)), (-1, len(rows))),
                  ("TOPPADDING", (0, len(rows)), (-1, len(rows)), 6)]
        rows.append([closing, "", "", "", ""])
    table = ItemTable(rows, colWidths=FILLED_WIDTHS if filled else BLANK_WIDTHS,
                      repeatRows=1, style=style, keep_with_next=titles)
    return keep_with_table(heading + [Spacer(1, 1)], table, rows=2)


def signature_block(unit: str, workfile: WorkFile | None) -> list[Flowable]:
    """The sign-off: the electronic one of a filled checklist (or that there is none
    yet), and in every checklist the lines for signing the printed form by hand."""
    line = "_" * 18
    paper = para(f"评估组成员（签字）：{line}&nbsp;&nbsp;{line}&nbsp;&nbsp;{line}<br/>"
                 f"被评估单位负责人（签字）：{line}"
                 "&nbsp;&nbsp;&nbsp;&nbsp;日期：&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;年"
                 "&nbsp;&nbsp;&nbsp;&nbsp;月&nbsp;&nbsp;&nbsp;&nbsp;日", "sign")
    if workfile is None:
        return [paper]
    signoff = workfile.active_signoff(unit)
    if signoff is None:
        return [para(esc("签字确认：尚未在程序中签字确认（本表为工作过程记录）。"), "sign"), paper]
    cells: list[Any] = [para(esc(f"签字确认：{signoff.signer}　{human_time(signoff.signed_at)}"),
                             "sign")]
    png = workfile.signature_png(signoff)
    if png:
        cells.append(signature_image(png))
    width = FRAME_WIDTH - 8  # inside the table's last row
    table = Table([cells], colWidths=(width - 60 * mm, 60 * mm) if png else None,
                  hAlign="LEFT")
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)])
    return [table, paper]


def signature_image(png: bytes, width: float = 50 * mm, height: float = 17 * mm) -> Flowable:
    """A sign-off's signature picture, scaled to fit the box (aspect ratio kept)."""
    img = Image(io.BytesIO(png))
    scale = min(width / img.imageWidth, height / img.imageHeight)
    img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
    return img
