"""The page frame every document shares: running header, "第 X 页 共 Y 页" footer,
PDF outline, metadata, a table that splits only where a reader expects it, headings
that never stay behind at the foot of a page, and page breaks that never leave a page
empty.

The footer's total is a form XObject drawn on every page and defined once at the end,
so a document is laid out in one pass (a NumberedCanvas that replays saved pages would
break the outline's page references). A file that holds several documents handed out
one by one (the checklists of several units) numbers each on its own: a `NewNumbering`
mark starts a section, with a total form of its own. What else a page prints that only
the layout decides (the county report's contents: the page each section starts on) is
such a form too: `FooterCanvas.deferred_form`, which the footer's totals use as well.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.doctemplate import ActionFlowable, LayoutError
from reportlab.platypus.flowables import PageBreak, PageBreakIfNotEmpty
from reportlab.platypus.paragraph import _FUZZ as PARAGRAPH_FUZZ

from zhashui_inspector.reports.fonts import SANS, ensure_fonts, printable
from zhashui_inspector.reports.linebreak import frag_lines, single_frag_lines
from zhashui_inspector.reports.output import ReportNotWritten, check_folder, writing
from zhashui_inspector.reports.styles import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    GREY_TEXT,
    HEAD_FILL,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE,
    RED,
    RULE,
    style_for,
)

_TOTAL_FORM = "zsPageTotal{}"  # one form for each numbering section
_keys = itertools.count(1)


class FooterCanvas(Canvas):
    """Draws "第 X 页 共 Y 页" on every page: X counted from the first page of the page's
    numbering section, Y a form of that section, defined once at save time."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._starts: list[int] = []  # the first page of each numbering section
        self._deferred: list[tuple[str, tuple[float, float, float, float],
                                   Callable[[Canvas], None]]] = []
        self._start_numbering(1)

    def deferred_form(self, name: str, bbox: tuple[float, float, float, float],
                      draw: Callable[[Canvas], None]) -> None:
        """A form to use (`doForm(name)`) before what it shows is known, a page number of
        a later page: `draw` draws it when the file is saved, inside `bbox`."""
        self._deferred.append((name, bbox, draw))

    def new_numbering(self) -> None:
        """Number the pages from the current one on from 1 again, with their own total."""
        if self.getPageNumber() != self._starts[-1]:
            self._start_numbering(self.getPageNumber())

    def _start_numbering(self, page: int) -> None:
        """A numbering section from `page` on; its total, a deferred form, counts its
        pages up to the next section's first or the end."""
        section = len(self._starts)
        self._starts.append(page)

        def total(canv: Canvas) -> None:
            end = self._starts[section + 1] if section + 1 < len(self._starts) \
                else self.getPageNumber()
            canv.setFont(SANS, 9)
            canv.setFillColor(GREY_TEXT)
            canv.drawString(0, 0, f"{end - page} 页")
        self.deferred_form(_TOTAL_FORM.format(section + 1), (0, -3, 60, 12), total)

    def showPage(self) -> None:
        page = self.getPageNumber()
        width = PAGE[0]
        self.saveState()
        self.setFont(SANS, 9)
        self.setFillColor(GREY_TEXT)
        y = MARGIN_BOTTOM - 10 * mm
        self.drawRightString(width / 2, y, f"第 {page - self._starts[-1] + 1} 页 共 ")
        self.translate(width / 2, y)
        self.doForm(_TOTAL_FORM.format(len(self._starts)))
        self.restoreState()
        super().showPage()

    def save(self) -> None:
        for name, (x0, y0, x1, y1), draw in self._deferred:
            self.beginForm(name, lowerx=x0, lowery=y0, upperx=x1, uppery=y1)
            draw(self)
            self.endForm()
        super().save()


class Mark(Flowable):
    """An invisible flowable of no size that only records where it lands."""

    def __init__(self) -> None:
        super().__init__()
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass  # the marks that only mark are read by ReportDoc.afterFlowable


class Outline(Mark):
    """An invisible mark: a PDF outline entry pointing at the page where it lands."""

    def __init__(self, title: str, level: int = 0) -> None:
        super().__init__()
        self.title = title
        self.level = level
        self.key = f"o{next(_keys)}"
        self.page: int | None = None  # the page number it landed on, once drawn
        self.keepWithNext = True  # lands on the page of the heading that follows it

    def draw(self) -> None:
        self.page = self.canv.getPageNumber()
        self.canv.bookmarkHorizontal(self.key, 0, 0)
        self.canv.addOutlineEntry(self.title, self.key, self.level, closed=self.level > 0)


class RunningHeader(Mark):
    """An invisible mark: from this page on, the header names `unit`."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit


class NewNumbering(Mark):
    """An invisible mark: the page where it lands is 第 1 页 again, and it and the pages
    after it, up to the next such mark, have a total of their own. It goes right after a
    `NewPage`: it numbers the whole page it lands on."""


class ItemTable(Table):
    """A table that breaks between rows; only a row taller than ~half a page (a very long
    comment) is split inside, so ordinary item rows always stay whole. A tall row starts
    right where the previous row ended rather than behind a repeated header.

    The rows in `keep_with_next` (a sub-area's title row, the last item before a closing
    row) never end a page: the break goes before them instead, or, when the next row is a
    tall one that is split anyway, inside that row, so a title always has the start of
    its first item below it however long that item is."""

    tall_row = FRAME_HEIGHT * 0.45
    min_part = 48.0  # points: never leave a sliver of a split row at the foot of a page

    def __init__(self, data: Sequence[Sequence[Any]], *args: Any,
                 keep_with_next: Sequence[int] = (), **kw: Any) -> None:
        super().__init__(data, *args, **kw)  # reportlab makes the split parts this way too
        self._source = (list(data), kw.get("colWidths"), list(kw.get("style") or ()))
        self.keep_with_next = frozenset(keep_with_next)

    def start_height(self, availWidth: float, rows: int = 1) -> float:
        """The height of the header and the first `rows` rows: what must fit below a
        heading for the table to start under it (a tall row counts only its minimum part,
        since it may be split)."""
        data, widths, style = self._source
        heads = self._heads()
        n = min(len(data), heads + rows)
        probe = Table(data[:n], colWidths=widths,
                      style=[cmd for cmd in (_within(c, n) for c in style) if cmd])
        probe.wrap(availWidth, 1 << 24)
        height = 0.0
        for index, row_height in enumerate(probe._rowHeights):
            if index >= heads and row_height > self.tall_row:
                return height + self.min_part
            height += row_height
        return height

    def _heads(self) -> int:
        return self.repeatRows if isinstance(self.repeatRows, int) else len(self.repeatRows)

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        self._calc(availWidth, availHeight)
        heads = self._heads()
        heights = self._rowHeights
        n = self._getFirstPossibleSplitRowPosition(availHeight)
        if heads <= n < len(heights) and heights[n] > self.tall_row \
                and availHeight - sum(heights[:n]) >= self.min_part:
            parts = self._splitRows(availHeight, doInRowSplit=1)
            if parts:
                return self._carry_keeps(parts, n)
        cut = n
        while cut - 1 in self.keep_with_next and cut - 1 >= heads:
            cut -= 1
        if cut <= heads:
            return []  # nothing may stay here: the whole table goes on to the next page
        if cut < len(heights):  # a height that takes exactly the rows before `cut`
            availHeight = sum(heights[:cut]) + heights[cut] / 2
        return self._carry_keeps(self._splitRows(availHeight, doInRowSplit=0), cut)

    def _carry_keeps(self, parts: list[Any], cut: int) -> list[Any]:
        """Give the part that goes on (header rows, then the rows from `cut` on, or from
        the rest of row `cut` when it was split inside) its rows to keep with the next."""
        if len(parts) == 2 and isinstance(parts[1], ItemTable):
            heads = self._heads()
            parts[1].keep_with_next = frozenset(
                k - cut + heads for k in self.keep_with_next if k >= cut)
        return parts


def _within(cmd: tuple[Any, ...], rows: int) -> tuple[Any, ...] | None:
    """A table style command cut to the first `rows` rows (None if it lies below them)."""
    if len(cmd) < 3 or not isinstance(cmd[1], tuple) or not isinstance(cmd[2], tuple):
        return cmd
    (c0, r0), (c1, r1) = cmd[1], cmd[2]
    if r0 >= rows:
        return None
    return (cmd[0], (c0, r0), (c1, min(r1, rows - 1) if r1 >= 0 else r1), *cmd[3:])


class KeepTogetherAfterMarks(KeepTogether):
    """reportlab's KeepTogether, the group it makes for a heading with keepWithNext.

    The frame takes the group's space before from its first flowable, and reportlab
    measures the group without the space before of its first flowable that has a size:
    when the group starts with an outline mark, the heading's space before went uncounted,
    and a heading that fitted only without it stayed behind at the foot of the page while
    what follows it (a chart) went on to the next. Marks are skipped for the space before.
    """

    def getSpaceBefore(self, content: list[Flowable] | None = None) -> float:
        flowables = self._content if content is None else content
        return float(super().getSpaceBefore([f for f in flowables if not isinstance(f, Mark)]))


class NewPage(PageBreakIfNotEmpty):
    """A page break that does nothing on a page with nothing printed on it yet (one that
    has at most the space left over from the foot of the previous page)."""


class TableStart(CondPageBreak):
    """Goes before `lead` (headings, a line of text) and the `table` it introduces: moves
    them to the next page unless the lead and the start of the table fit below, so a
    heading is never left alone at the foot of a page. Unlike a group kept together, the
    table itself may still run on over as many pages as it needs."""

    def __init__(self, lead: Sequence[Flowable], table: ItemTable, rows: int = 1) -> None:
        super().__init__(0)
        self.lead = list(lead)
        self.table = table
        self.rows = rows
        for flowable in self.lead:  # no group of the heading and the whole table
            flowable.keepWithNext = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        height = 0.0
        for flowable in self.lead:
            _w, h = flowable.wrap(availWidth, 1 << 24)
            if h:
                height += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        height += self.table.start_height(availWidth, self.rows)
        self.height = min(height, FRAME_HEIGHT * 0.8)  # never a break on an empty page
        return super().wrap(availWidth, availHeight)


def keep_with_table(lead: Sequence[Flowable], table: ItemTable, rows: int = 1) -> list[Flowable]:
    """`lead` and `table`, the lead kept with the table's header and first `rows` rows."""
    return [TableStart(lead, table, rows), *lead, table]


class TableWithClosing(Flowable):
    """`table` and the `closing` block after it (lines for signing, the release note and
    the room for the stamp), the table's last row kept with the closing: never a closing
    alone on a last page. It is never drawn itself: asked to fit, it tells the frame it
    does not, and its split hands over the table and the closing, cut where they must."""

    def __init__(self, table: ItemTable, closing: Sequence[Flowable]) -> None:
        super().__init__()
        self.table = table
        self.closing = list(closing)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, availHeight + 1   # always split

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        table = self.table
        _w, height = table.wrap(availWidth, availHeight)
        closing = sum(_height_with_spaces(f, self.canv, availWidth) for f in self.closing)
        if height + closing <= availHeight:
            return [table, *self.closing]
        if height <= availHeight:   # the table fits, its closing does not: its last row
            availHeight = height - table._rowHeights[-1] / 2   # goes on with it
        parts = table.split(availWidth, availHeight)
        if len(parts) != 2:   # nothing of it may stay here: all of it on the next page,
            # or, on a page of its own already, as it comes
            return [table, *self.closing] if availHeight >= FRAME_HEIGHT - 1 else []
        if isinstance(parts[1], ItemTable):
            rest: Flowable = TableWithClosing(parts[1], self.closing)
        else:
            rest = KeepTogether([parts[1], *self.closing])
        return [parts[0], rest]


def with_closing(story: list[Flowable], closing: list[Flowable]) -> list[Flowable]:
    """`story`, then its `closing` (lines for signing, the release note and the stamp),
    never alone on a last page: the table the story ends with keeps its last row with the
    closing (`TableWithClosing`); anything else it ends with goes with it whole."""
    end = len(story)
    while end and isinstance(story[end - 1], (Spacer, Mark)):
        end -= 1
    if not end:
        return [*story, *closing]
    last, tail = story[end - 1], story[end:]
    if isinstance(last, ItemTable):
        return [*story[:end - 1], TableWithClosing(last, [*tail, *closing])]
    return [*story[:end - 1], KeepTogether([last, *tail, *closing])]


def _height_with_spaces(flowable: Flowable, canv: Canvas, width: float) -> float:
    if isinstance(flowable, KeepTogether):   # its wrap asks to be split: measure its parts
        return sum(_height_with_spaces(f, canv, width) for f in flowable._content)
    _w, height = flowable.wrapOn(canv, width, 1 << 24)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


# after the running header's title of a report made without the office's signature
DRAFT_MARK = "（草稿，未经签章，不作正式发布）"


class ReportDoc(BaseDocTemplate):
    """A4 document with the running header (document title, current unit) and footer."""

    filename: str

    def __init__(self, out: Path, *, title: str, author: str, subject: str,
                 header: str, unit: str = "", keywords: Sequence[str] = ()) -> None:
        ensure_fonts()
        super().__init__(
            str(out), pagesize=PAGE, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=title, author=author,
            subject=subject, creator="柞水县法治政府建设示范单位复查验收评估系统",
            keywords=list(keywords), lang="zh-CN", pageCompression=1,
            keepTogetherClass=KeepTogetherAfterMarks,
        )
        self.header_title = header
        self.header_unit = unit
        frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, FRAME_WIDTH, FRAME_HEIGHT, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("page", frames=[frame],
                                            onPageEnd=self._draw_header)])

    def beforePage(self) -> None:
        self._printed = False

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, RunningHeader):
            self.header_unit = flowable.unit
        elif isinstance(flowable, NewNumbering) and isinstance(self.canv, FooterCanvas):
            self.canv.new_numbering()
        elif not isinstance(flowable, (Mark, Spacer, ActionFlowable, PageBreak)):
            self._printed = True

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        if isinstance(flowables[0], NewPage) and not getattr(self, "_printed", True):
            del flowables[0]
            return
        super().handle_flowable(flowables)

    def _draw_header(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        width, height = PAGE
        y = height - MARGIN_TOP + 6 * mm
        canv.saveState()
        canv.setFont(SANS, 9)
        canv.setFillColor(GREY_TEXT)
        canv.drawString(MARGIN_LEFT, y, printable(self.header_title))
        if self.header_unit:
            canv.drawRightString(width - MARGIN_RIGHT, y, printable(self.header_unit))
        canv.setStrokeColor(RED)
        canv.setLineWidth(0.8)
        canv.line(MARGIN_LEFT, y - 2.5 * mm, width - MARGIN_RIGHT, y - 2.5 * mm)
        canv.restoreState()

    def render(self, story: list[Flowable]) -> None:
        """Lay `story` out and write the PDF."""
        out = Path(self.filename)
        check_folder(out)
        with writing(out) as tmp:
            self.filename = str(tmp)
            try:
                self.build(story, canvasmaker=FooterCanvas)
            except LayoutError as exc:  # the half-written file goes with `writing`
                raise ReportNotWritten(
                    f"“{out.name}”未能排版（有一处内容超出了一页的大小），未写出文件；"
                    "请缩短过长的意见或说明后重试。", detail=str(exc)) from exc
            finally:
                self.filename = str(out)


class Rule(Flowable):
    """A horizontal line across the frame (the red rule under a title block)."""

    def __init__(self, colour: Any = RED, thickness: float = 1.2, space: float = 4) -> None:
        super().__init__()
        self.colour = colour
        self.thickness = thickness
        self.space = space

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, self.thickness + 2 * self.space

    def draw(self) -> None:
        self.canv.setStrokeColor(self.colour)
        self.canv.setLineWidth(self.thickness)
        y = self.space + self.thickness / 2
        self.canv.line(0, y, self.width, y)


def grid_style(head_rows: int = 1) -> list[tuple[Any, ...]]:
    """Table style commands: thin grid, grey head, cells aligned to the top."""
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BOX", (0, 0), (-1, -1), 0.9, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if head_rows:
        commands += [("BACKGROUND", (0, 0), (-1, head_rows - 1), HEAD_FILL),
                     ("VALIGN", (0, 0), (-1, head_rows - 1), "MIDDLE")]
    return commands


class Para(Paragraph):
    """reportlab's Paragraph, its lines broken once for each width it is given.

    reportlab breaks a paragraph into lines again at every `wrap`, and a table that runs
    on over pages has every cell of the rows still to come wrapped again at each page:
    in a county report of 1,186 pages (50 inspectors' comments to an item) the same cells
    were broken dozens of times, and the report took 54 s instead of 20. The lines depend
    only on the text, the style and the width, none of which changes after the paragraph
    is made; the parts `split` makes are new paragraphs, laid out afresh.
    """

    _wrapped: tuple[float, list[float], Any, float] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        done = self._wrapped
        if done is not None and done[0] == availWidth:
            self.width = availWidth
            _width, self._wrapWidths, self.blPara, self.height = done
            return availWidth, self.height
        size = super().wrap(availWidth, availHeight)
        if availWidth >= PARAGRAPH_FUZZ:   # below it reportlab lays nothing out
            self._wrapped = (availWidth, self._wrapWidths, self.blPara, self.height)
        return size


    def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802 (reportlab's name)
        """reportlab's CJK line breaking with the Chinese rules of `linebreak`."""
        widths = list(maxWidths) if isinstance(maxWidths, (list, tuple)) else [maxWidths]
        frags = self.frags
        if not frags or self.bulletText or getattr(self, "_splitpara", 0) \
                or self.style.endDots:
            return super().breakLinesCJK(maxWidths)  # parts of a split paragraph: as broken
        self.height = 0
        if len(frags) == 1 and not hasattr(frags[0], "cbDefn"):
            f = frags[0]
            text = f.text if hasattr(f, "text") else "".join(getattr(f, "words", []))
            return f.clone(kind=0, lines=single_frag_lines(text, f.fontName, f.fontSize, widths),
                           ascent=f.fontSize, descent=-0.2 * f.fontSize)
        bounds = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        return frag_lines(frags, widths, bounds not in ("", "off"))


def para(text: str, style: str) -> Paragraph:
    """A Paragraph in one of the shared styles; `text` must already be escaped markup."""
    return Para(text, style_for(style, text))


class SignatureSpace(Flowable):
    """Empty room for the visible signature, right-aligned; records where it landed
    (0-based page index and rectangle in points) so the stamp goes exactly there."""

    def __init__(self, size: tuple[float, float], record: dict[str, Any]) -> None:
        super().__init__()
        self.box_size = size
        self.record = record

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, self.box_size[1]

    def draw(self) -> None:
        w, h = self.box_size
        x, y = self.canv.absolutePosition(self.width - w, 0)
        self.record["page"] = self.canv.getPageNumber() - 1
        self.record["rect"] = (x, y, x + w, y + h)
