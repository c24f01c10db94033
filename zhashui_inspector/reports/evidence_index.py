"""The appendix of a unit report: every piece of evidence, with a thumbnail for photos."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Spacer

from zhashui_inspector.core.images import is_image
from zhashui_inspector.reports.data import EvidenceRow
from zhashui_inspector.reports.layout import ItemTable, grid_style, para
from zhashui_inspector.reports.styles import esc, esc_cell
from zhashui_inspector.reports.thumbnails import thumbnails_for

THUMB_BOX = (44 * mm, 33 * mm)
WIDTHS = (48 * mm, 12 * mm, 105 * mm)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _thumb_flowable(jpeg: bytes | None, label: str) -> Any:
    if not jpeg:
        return para(esc_cell(label), "cell_c")
    img = Image(io.BytesIO(jpeg))
    scale = min(THUMB_BOX[0] / img.imageWidth, THUMB_BOX[1] / img.imageHeight)
    img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
    return img


def evidence_table(evidence: Sequence[EvidenceRow],
                   thumbnails: Sequence[bytes | None] | None = None) -> list[Flowable]:
    """Index of evidence, ordered by item; photos get thumbnails (made here if not given)."""
    if not evidence:
        return [para(esc("未提交佐证材料。"), "body")]
    ordered = sorted(evidence, key=lambda e: (e.item_no is None, e.item_no or 0, e.name))
    if thumbnails is None:
        thumbnails = thumbnails_for(ordered)
    else:
        by_key = dict(zip([id(e) for e in evidence], thumbnails, strict=True))
        thumbnails = [by_key[id(e)] for e in ordered]
    head = [para(esc(t), "head") for t in ("缩略图", "指标", "材料说明")]
    rows: list[list[Any]] = [head]
    for ev, thumb in zip(ordered, thumbnails, strict=True):
        kind_label = "图片（无法生成缩略图）" if is_image(ev.mime, ev.name) else \
            f"{ev.kind}（{ev.name.rsplit('.', 1)[-1].upper() if '.' in ev.name else '文件'}）"
        details = [
            f"<b>{esc_cell(ev.caption or ev.name)}</b>",
            f"文件名：{esc_cell(ev.name)}",
            f"类别：{esc_cell(ev.kind)}　大小：{esc(human_size(ev.size))}",
            f"SHA-256：{esc(ev.sha256[:32])}…" if ev.sha256 else "",
            f"来源：{esc_cell(ev.source)}",
        ]
        rows.append([
            _thumb_flowable(thumb, kind_label),
            para(str(ev.item_no) if ev.item_no else "整体", "cell_c"),
            para("<br/>".join(d for d in details if d), "cell"),
        ])
    style = grid_style(1) + [("ALIGN", (0, 1), (0, -1), "CENTER"),
                             ("VALIGN", (0, 1), (0, -1), "MIDDLE")]
    return [ItemTable(rows, colWidths=WIDTHS, repeatRows=1, style=style), Spacer(1, 2 * mm)]
