"""The printed contents (目录) of a report: its sections, each with the page it starts on,
dotted leaders to the page numbers at the right.

The numbers are the pages where the report's own layout puts the sections, known only
once it is laid out. `passes` gives the story to lay out again and again, each time made
afresh (a layout changes reportlab's flowables: `Para` keeps its lines, a table its
split parts), the contents printing the pages the layout before found, until they are
the pages its entries land on. The contents takes the same room whatever numbers it
prints (a line's number has a fixed room at its right, wide enough for four digits), so
the layout around it, and with it every page number, stays as it was: the second layout
is the last. Each line links to its section on screen as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from zhashui_inspector.reports.fonts import SANS
from zhashui_inspector.reports.layout import Outline, Para, para
from zhashui_inspector.reports.output import ReportNotWritten
from zhashui_inspector.reports.styles import INK, esc

NUMBER_ROOM = 14 * mm   # at the right of a line: its page number, up to four digits
LEADER = "."
LEADER_PITCH = 4.0      # points from one dot to the next
LEADER_GAP = 3.0        # points clear of the text before and of the number after
MAX_PASSES = 4


@dataclass(frozen=True)
class Entry:
    text: str          # as printed: 一、全县汇总, （一）县发改局
    level: int         # 0 a section, 1 a part of one (a unit under 四、)
    mark: Outline      # the outline mark at the start of the section


class Contents:
    """The entries of a report's contents, and its lines with the pages of an earlier
    layout (`pages`; none before the first, when the lines have no number)."""

    def __init__(self, pages: Sequence[int] | None = None) -> None:
        self.printed = tuple(pages) if pages is not None else None
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
        printed = self.printed if self.printed is not None and \
            len(self.printed) == len(self.entries) else (None,) * len(self.entries)
        return [para("目　录", "toc_title"),
                *(ContentsLine(e, page) for e, page in zip(self.entries, printed, strict=True))]

    def pages(self) -> tuple[int, ...]:
        """The page each entry's mark landed on in the layout just made."""
        missing = [e.text for e in self.entries if e.mark.page is None]
        if missing:
            raise RuntimeError(f"contents entries never laid out: {missing}")
        return tuple(e.mark.page for e in self.entries if e.mark.page is not None)


def passes(make_story: Callable[[Contents], list[Flowable]]) -> Iterator[list[Flowable]]:
    """The stories to lay out one after the other (`ReportDoc.render_passes`):
    `make_story` makes a story afresh with the contents it is given, each time with the
    pages the layout before found, until a layout finds the pages its contents printed."""
    printed: tuple[int, ...] | None = None
    for _ in range(MAX_PASSES):
        contents = Contents(printed)
        yield make_story(contents)
        found = contents.pages()
        if found == printed:
            return
        printed = found
    raise ReportNotWritten("报告目录的页码未能确定，未写出文件。",
                           detail=f"page numbers still changing after {MAX_PASSES} layouts")


class ContentsLine(Flowable):
    """One line of the contents: the entry's text (on more lines if it is long), dots
    from its end to the page number, set at the right edge on the text's last line."""

    def __init__(self, entry: Entry, page: int | None) -> None:
        super().__init__()
        self.entry = entry
        self.page = page
        self.text = para(esc(entry.text), "toc" if entry.level == 0 else "toc_sub")

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        _w, self.height = self.text.wrap(availWidth - NUMBER_ROOM, availHeight)
        return availWidth, self.height

    def draw(self) -> None:
        canv = self.canv
        self.text.drawOn(canv, 0, 0)
        style = self.text.style
        lines = len(self.text.blPara.lines)
        baseline = self.height - style.fontSize - (lines - 1) * style.leading
        end = _last_line_end(self.text)
        canv.saveState()
        canv.setFillColor(INK)
        canv.setFont(SANS, style.fontSize)
        number = "" if self.page is None else str(self.page)
        canv.drawRightString(self.width, baseline, number)
        last_dot = self.width - canv.stringWidth(number or "0", SANS, style.fontSize) \
            - LEADER_GAP - canv.stringWidth(LEADER, SANS, style.fontSize)
        # on one grid from the right edge, so the dots of every line stand in columns
        x = self.width - LEADER_PITCH * int((self.width - end - LEADER_GAP) / LEADER_PITCH)
        dots = []
        while x <= last_dot:
            dots.append(x)
            x += LEADER_PITCH
        text = canv.beginText()
        text.setFont(SANS, style.fontSize)
        for dot in dots:
            text.setTextOrigin(dot, baseline)
            text.textOut(LEADER)
        canv.drawText(text)
        canv.restoreState()
        canv.linkRect("", self.entry.mark.key, (0, 0, self.width, self.height), relative=1,
                      thickness=0)


def _last_line_end(paragraph: Para) -> float:
    """Where the text of the paragraph's last line ends (left-aligned, drawn at 0)."""
    last = paragraph.blPara.lines[-1]
    extra = last[0] if paragraph.blPara.kind == 0 else last.extraSpace
    return float(paragraph.width - paragraph.style.rightIndent - extra)
