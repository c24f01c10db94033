"""Page geometry, colours and paragraph styles shared by every document.

The look follows Chinese official paperwork: A4, a wide left margin for binding, a
black-on-white body, a thin dark-red rule under the title block, grey table heads.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from zhashui_inspector.reports.fonts import (
    KAI,
    PLACEHOLDER,
    SANS,
    coverage,
    ensure_fonts,
    has_glyphs,
    invisible,
)

PAGE = A4
MARGIN_LEFT = 25 * mm    # binding side
MARGIN_RIGHT = 20 * mm
MARGIN_TOP = 24 * mm     # room for the running header
MARGIN_BOTTOM = 20 * mm  # room for the page number
FRAME_WIDTH = PAGE[0] - MARGIN_LEFT - MARGIN_RIGHT
FRAME_HEIGHT = PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM

RED = colors.HexColor("#A61B1B")
INK = colors.HexColor("#111111")
GREY_TEXT = colors.HexColor("#555555")
RULE = colors.HexColor("#333333")
HEAD_FILL = colors.HexColor("#E6E6E6")
SUB_FILL = colors.HexColor("#F3F3F3")
WARN_FILL = colors.HexColor("#FBEAEA")
RATING_COLOURS = {
    "达标": colors.HexColor("#2E7D32"),
    "基本达标": colors.HexColor("#B8860B"),
    "未达标": colors.HexColor("#B71C1C"),
    "不适用": colors.HexColor("#78909C"),
}


REPORT_TEXT_LIMIT = 10_000  # characters of one text: several printed pages, laid out in seconds
# characters of one text in a table cell: the narrowest such column (the 整改清单's comments,
# 39 mm) sets about 11 characters a line and 55 lines a page, so a text cut here fills at
# most about one page there and half a page in the wider columns
CELL_TEXT_LIMIT = 600
CELL_CUT_NOTE = "……（以下省略 {0} 字，全文见{1}）"
LEDGER = "台账和总表"   # where the whole of a text cut in a report from the ledger is


def esc(text: object) -> str:
    """Text from a work file made safe for Paragraph markup; line breaks kept.

    Text beyond REPORT_TEXT_LIMIT characters is cut with a visible note: a pasted 10 MB
    comment would take reportlab hours to lay out and fill thousands of pages. A character
    only the Kai font has is set in it; one neither font has prints as 〓 (`glyph_markup`).
    """
    text = str(text)
    if len(text) > REPORT_TEXT_LIMIT:
        text = f"{text[:REPORT_TEXT_LIMIT]}……（此处截断，原文共 {len(text)} 字）"
    return _markup(text)


def esc_cell(text: object, whole_in: str = LEDGER) -> str:
    """`esc` for a table cell: cut much shorter, at CELL_TEXT_LIMIT, saying how much was
    left out and where the whole text is (`whole_in`: the ledger, or the work file)."""
    text = str(text)
    if len(text) > CELL_TEXT_LIMIT:
        text = text[:CELL_TEXT_LIMIT] + CELL_CUT_NOTE.format(len(text) - CELL_TEXT_LIMIT,
                                                             whole_in)
    return _markup(text)


def esc_each(whole: str, parts: Sequence[tuple[str, str]]) -> str:
    """A cell's text joined from several writers' texts ("李四：……" per line), each cut on
    its own, so one very long comment never hides another's; `whole` when one wrote."""
    if len(parts) < 2:
        return esc_cell(whole)
    return "<br/>".join(f"{esc_cell(who)}：{esc_cell(text)}" if who else esc_cell(text)
                        for who, text in parts)


def _markup(text: str) -> str:
    return glyph_markup(escape(text)).replace("\r\n", "\n").replace("\n", "<br/>")


def glyph_markup(markup: str) -> str:
    """Paragraph markup in which every character prints: one only the Kai font has is set
    in Kai, an invisible one neither has is dropped, and any other one neither has (U+4DAE)
    becomes the placeholder 〓 instead of a blank gap that pdftotext reads as nothing."""
    sans = coverage(SANS)
    if all(ord(ch) in sans or ch.isspace() for ch in markup):
        return markup
    kai = coverage(KAI)
    out = []
    for ch in markup:
        if ord(ch) in sans or ch.isspace():
            out.append(ch)
        elif ord(ch) in kai:
            out.append(f'<font name="{KAI}">{ch}</font>')
        elif not invisible(ch):
            out.append(PLACEHOLDER)
    return "".join(out)


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The named paragraph styles (CJK line breaking everywhere)."""
    ensure_fonts()
    base = ParagraphStyle("body", fontName=SANS, fontSize=10.5, leading=16, textColor=INK,
                          wordWrap="CJK", alignment=TA_LEFT)

    def make(name: str, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)  # type: ignore[arg-type]

    return {
        "body": base,
        "title": make("title", fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4),
        "kicker": make("kicker", fontName=KAI, fontSize=13, leading=18, alignment=TA_CENTER,
                       spaceAfter=2),
        "doc_no": make("doc_no", fontSize=9.5, leading=13, alignment=TA_CENTER,
                       textColor=GREY_TEXT),
        "h1": make("h1", fontSize=14, leading=20, spaceBefore=10, spaceAfter=6, keepWithNext=1),
        "h2": make("h2", fontName=KAI, fontSize=12.5, leading=17, spaceBefore=8, spaceAfter=4,
                   keepWithNext=1),
        "small": make("small", fontSize=9, leading=13, textColor=GREY_TEXT),
        "cell": make("cell", fontSize=9, leading=12.5),
        "cell_kai": make("cell_kai", fontName=KAI, fontSize=10, leading=13),
        "cell_c": make("cell_c", fontSize=9, leading=12.5, alignment=TA_CENTER),
        "cell_r": make("cell_r", fontSize=9, leading=12.5, alignment=TA_RIGHT),
        "head": make("head", fontSize=9, leading=12, alignment=TA_CENTER),
        "sub": make("sub", fontName=KAI, fontSize=10.5, leading=14),
        "warn": make("warn", fontSize=11, leading=16, textColor=RED),
        "sign": make("sign", fontSize=10.5, leading=22),
        # the contents (目录): its title, a section's line, a unit's line under 四
        "toc_title": make("toc_title", fontSize=16, leading=24, alignment=TA_CENTER,
                          spaceBefore=6, spaceAfter=8, keepWithNext=1),
        "toc": make("toc", leading=21),
        "toc_sub": make("toc_sub", leading=21, leftIndent=21),
    }


def style_for(name: str, text: str) -> ParagraphStyle:
    """The named style for this text: a Kai style whose font lacks one of the text's
    characters gives way to the same style in SANS, so nothing prints as an empty box."""
    style = styles()[name]
    if style.fontName == KAI and not has_glyphs(KAI, text):
        return _sans_twin(name)
    return style


@cache
def _sans_twin(name: str) -> ParagraphStyle:
    return ParagraphStyle(f"{name}_sans", parent=styles()[name], fontName=SANS)


def human_date(iso: str) -> str:
    """The date of an ISO date or timestamp as officials write it: 2023年12月08日."""
    try:
        at = datetime.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    return f"{at.year}年{at.month:02d}月{at.day:02d}日"


def human_time(iso: str, *, seconds: bool = False) -> str:
    """An ISO timestamp as officials write it: 2023年12月08日 10:20 (local time as stored)."""
    try:
        at = datetime.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    text = f"{at.year}年{at.month:02d}月{at.day:02d}日 {at.hour:02d}:{at.minute:02d}"
    return text + (f":{at.second:02d}" if seconds else "")
