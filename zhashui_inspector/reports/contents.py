"""The printed contents (目录) of a report: its sections, each with the page it starts on,
dotted leaders to the page numbers at the right.

The numbers are the pages where the report's own layout puts the sections, known only
once it is laid out. Like the footer's page total, each line's number and its dots are
a form XObject drawn where the line stands and defined when the file is saved
(`FooterCanvas.deferred_form`), by when every section's mark has landed: the report is
laid out once, and the contents takes the same room whatever it prints. Each line links
to its section on screen as well.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from zhashui_inspector.reports.fonts import SANS
from zhashui_inspector.reports.layout import FooterCanvas, Outline, Para, para
from zhashui_inspector.reports.styles import INK, esc

NUMBER_ROOM = 14 * mm   # at the right of a line: its page number, up to four digits
LEADER = "."
LEADER_PITCH = 4.0      # points from one dot to the next
LEADER_GAP = 3.0        # points clear of the text before and of the number after
_forms = itertools.count(1)


@dataclass(frozen=True)
class Entry:
    text: str          # as printed: 一、全县汇总, （一）县发改局
    level: int         # 0 a section, 1 a part of one (a unit under 四、)
    mark: Outline      # the outline mark at the start of the section


class Contents:
    """The entries of a report's contents, and its lines."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self._made = False

    def entry(self, text: str, mark: Outline, level: int = 0) -> Outline:
        """Lists `text` at the page where `mark` lands; gives the mark back."""
        if self._made:
            raise RuntimeError("contents entry added after its lines were made")
        self.entries.append(Entry(text, level, mark))
        return mark

    def flowables(self) -> list[Flowable]:
        """The title 目录 and a line per entry (call it once every entry is in)."""
        self._made = True
        return [para("目　录", "toc_title"), *(ContentsLine(e) for e in self.entries)]


class ContentsLine(Flowable):
    """One line of the contents: the entry's text (on more lines if it is long), dots
    from its end to the page number, set at the right edge on the text's last line."""

    def __init__(self, entry: Entry) -> None:
        super().__init__()
        self.entry = entry
        self.text = para(esc(entry.text), "toc" if entry.level == 0 else "toc_sub")

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        _w, self.height = self.text.wrap(availWidth - NUMBER_ROOM, availHeight)
        return availWidth, self.height

    def draw(self) -> None:
        canv = self.canv
        if not isinstance(canv, FooterCanvas):
            raise TypeError("a contents line needs the report's FooterCanvas")
        self.text.drawOn(canv, 0, 0)
        style = self.text.style
        lines = len(self.text.blPara.lines)
        baseline = self.height - style.fontSize - (lines - 1) * style.leading
        # the dots and the number, drawn once the page is known, from the right edge
        dots_from = _last_line_end(self.text) + LEADER_GAP - self.width
        mark, size = self.entry.mark, style.fontSize
        name = f"zsToc{next(_forms)}"
        canv.deferred_form(name, (dots_from, -3, 0, size + 2),
                           lambda c: _leader_and_number(c, mark, dots_from, size))
        canv.saveState()
        canv.translate(self.width, baseline)
        canv.doForm(name)
        canv.restoreState()
        canv.linkRect("", self.entry.mark.key, (0, 0, self.width, self.height), relative=1,
                      thickness=0)


def _leader_and_number(canv: Canvas, mark: Outline, dots_from: float, size: float) -> None:
    """A line's page number ending at x = 0 and the dots from `dots_from` (< 0) up to it,
    on one grid from the right edge, so the dots of every line stand in columns."""
    if mark.page is None:
        raise RuntimeError(f"contents entry never laid out: {mark.title}")
    number = str(mark.page)
    canv.setFillColor(INK)
    canv.setFont(SANS, size)
    canv.drawRightString(0, 0, number)
    last_dot = -canv.stringWidth(number, SANS, size) - LEADER_GAP \
        - canv.stringWidth(LEADER, SANS, size)
    x = -LEADER_PITCH * int(-dots_from / LEADER_PITCH)
    text = canv.beginText()
    text.setFont(SANS, size)
    while x <= last_dot:
        text.setTextOrigin(x, 0)
        text.textOut(LEADER)
        x += LEADER_PITCH
    canv.drawText(text)


def _last_line_end(paragraph: Para) -> float:
    """Where the text of the paragraph's last line ends (left-aligned, drawn at 0)."""
    last = paragraph.blPara.lines[-1]
    extra = last[0] if paragraph.blPara.kind == 0 else last.extraSpace
    return float(paragraph.width - paragraph.style.rightIndent - extra)
