"""The master workbook: the program's sheets rewritten from the ledger, the office's kept.

The program owns the sheets listed in workbook_sheets (by name) and, on each of them,
the values of the columns from A to its last column. Everything else is the office's
and survives a rewrite (workbook_kept): other sheets, columns to the right and the
properties of a row (they move with their row, matched by the row's key), notes and
fills on the program's cells, rows without a key such as notes under a table, merged
cells that hide none of the program's values, widths, print settings. Returned files'
text is always written as text (never a formula), cleaned of characters a worksheet
cannot hold, and shortened with a visible mark beyond what the tallest row prints (the
whole text then in the cell's note) and beyond Excel's 32,767 characters (the ledger
keeps it whole).

The new workbook goes to a temporary file in the same folder, is flushed, and replaces
the old one in one step; the previous version is kept in workbook-history/ (the last
ten). A workbook held open by Excel, or with the lock file of Excel, WPS or LibreOffice
beside it, is not replaced: the user is told, nothing changes, and the next write tries
again.
"""

from __future__ import annotations

import dataclasses
import datetime
import errno
import math
import os
import re
import zipfile
from copy import copy
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.errors import ZhashuiError
from zhashui_inspector.exchange import (
    workbook_filter,
    workbook_kept,
    workbook_reader,
    workbook_writer,
)
from zhashui_inspector.exchange.ledger import Ledger
from zhashui_inspector.exchange.workbook_kept import (
    FIRST_ROW,
    LINE_POINTS,
    MAX_ROW_POINTS,
    is_office_fill,
    is_program_height,
)
from zhashui_inspector.exchange.workbook_sheets import (
    Column,
    SheetSpec,
    build_sheets,
    empty_specs,
)

EXCEL_MAX_CHARS = 32767
TRUNCATED_MARK = "…（已截断，全文见台账）"
TITLE_ROW, SUBTITLE_ROW, HEADER_ROW = 1, 2, 3
KEEP_VERSIONS = 10
ORPHAN_MARK = "（此行已不在台账中，保留办公室附加的内容）"
FORMULA_START = ("=", "+", "-", "@")
FONT_NAME = "宋体"
OUTCOME_FILLS = {"保留": "C6EFCE", "黄牌": "FFEB9C", "停牌": "F8CBAD", "摘牌": "FFC7CE"}
RATING_COLOURS = {"未达标": "C00000", "基本达标": "9C5700"}


class WorkbookNotWritten(ZhashuiError):
    """The workbook was left as it was (locked, unreadable, or changed by hand)."""


def locked_message(target: Path) -> str:
    return (f"总表“{target.name}”正在被其他程序（如 Excel）打开，本次未能更新；"
            "台账已保存，关闭该文件后，下次导入或执行 office workbook 时会自动写入")


# ---- entry points ----------------------------------------------------------------------

def write(ledger: Ledger, target: Path, history_dir: Path) -> None:
    """Rewrite the program's sheets of `target` from the ledger (or create the workbook)."""
    target = Path(target)
    _check_unlocked(target)
    Path(f"{target}.part").unlink(missing_ok=True)
    specs = build_sheets(ledger)
    wb = _load(target, specs) if target.exists() else None
    created_book = wb is None
    if wb is None:
        wb = Workbook()
        wb.remove(wb.active)  # type: ignore[arg-type]
    for spec in specs:
        if spec.name in wb.sheetnames:
            _check_layout(wb[spec.name], spec)
    styles = _Styles(wb)
    previous: Worksheet | None = None
    for spec in specs:
        if spec.name in wb.sheetnames:
            ws, created = wb[spec.name], False
        else:
            # after the program's previous sheet; the first one after the office's sheets
            index = wb.sheetnames.index(previous.title) + 1 if previous is not None \
                else len(wb.sheetnames)
            ws, created = wb.create_sheet(spec.name, index), True
        _write_sheet(ws, spec, styles, created)
        previous = ws
    if created_book:
        wb.active = 0
    _save(wb, target, history_dir)


def check_adoptable(path: Path, catalogue: Catalogue) -> None:
    """An office's existing workbook can become the master: readable, and any sheet that
    has one of the program's names already has the program's layout."""
    if not path.is_file():
        raise WorkbookNotWritten(f"找不到工作簿：{path.name}")
    specs = empty_specs(catalogue)
    wb = _load(path, specs)
    for spec in specs:
        if spec.name in wb.sheetnames:
            _check_layout(wb[spec.name], spec, adopting=True)


# ---- reading and checking -----------------------------------------------------------------

def lock_files(target: Path) -> list[Path]:
    """The lock files an office program leaves beside a workbook it has open:
    LibreOffice and WPS `.~lock.NAME#`, Excel `~$NAME` (on a network share, or when
    the file is not locked itself, they are all that tells)."""
    return [lock for lock in (target.with_name(f".~lock.{target.name}#"),
                              target.with_name(f"~${target.name}")) if lock.exists()]


def open_elsewhere_message(target: Path, lock: Path) -> str:
    return (f"总表“{target.name}”正被 Excel、WPS 或 LibreOffice 打开（旁边有锁定文件“{lock.name}”），"
            "未作改动，台账已保存；请关闭该文件后点“立即写入总表”（或执行 office workbook）。"
            "如果并没有打开它（程序曾意外退出，留下了锁定文件），可在点“立即写入总表”时删除它，"
            f"或执行 office workbook --remove-stale-locks，或手动删除“{lock.name}”后重试")


def remove_lock_files(target: Path) -> list[Path]:
    """Delete the lock files beside `target` that an office program left when it ended
    without closing the workbook: only when the user says nothing has it open. A lock
    file that cannot be deleted is in use (Windows keeps an open one): WorkbookNotWritten,
    and nothing else is changed."""
    removed = []
    for lock in lock_files(target):
        try:
            lock.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise WorkbookNotWritten(
                f"锁定文件“{lock.name}”无法删除（{exc.strerror}）：总表“{target.name}”仍被打开，"
                "请先关闭它；台账已保存", detail=repr(exc)) from exc
        removed.append(lock)
    return removed


def _check_unlocked(target: Path) -> None:
    """Excel on Windows opens a workbook with a lock: writing to it fails right away.
    Elsewhere only the office program's lock file beside it tells that it is open."""
    if not target.exists():
        return
    for lock in lock_files(target):
        raise WorkbookNotWritten(open_elsewhere_message(target, lock))
    try:
        with open(target, "r+b"):
            pass
    except PermissionError:
        raise WorkbookNotWritten(locked_message(target)) from None
    except OSError as exc:
        raise WorkbookNotWritten(f"无法访问总表“{target.name}”（{exc.strerror}），未作改动") from exc


_SHAPE = re.compile(rb"<(?:xdr:)?(?:sp|grpSp|cxnSp)[ >]")


def _load(path: Path, specs: list[SheetSpec]) -> Any:
    """Open an existing workbook for an in-place update; refuse what a rewrite would lose.
    The cells of the program's sheets that a rewrite replaces are not read."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if any(n.endswith("vbaProject.bin") for n in names):
                raise WorkbookNotWritten(f"总表“{path.name}”含有宏，本程序无法保留；"
                                         "请另存为不含宏的 .xlsx 后重试（台账已保存）")
            for name in names:
                if name.startswith("xl/drawings/") and name.endswith(".xml") \
                        and _SHAPE.search(zf.read(name)):
                    raise WorkbookNotWritten(
                        f"总表“{path.name}”含有形状或文本框，本程序重写时无法保留；"
                        "请把它们移到另一个工作簿后重试（台账已保存）")
        return workbook_reader.load(path, {
            spec.name: workbook_reader.Layout(len(spec.columns), spec.key_columns, FIRST_ROW)
            for spec in specs}, kept_fill=is_office_fill)
    except WorkbookNotWritten:
        raise
    # SyntaxError: XML that does not parse (ElementTree's ParseError, lxml's XMLSyntaxError)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, SyntaxError) as exc:
        raise WorkbookNotWritten(
            f"总表“{path.name}”无法读取（文件损坏或不是 .xlsx），未作改动；"
            "可从 workbook-history 文件夹恢复上一版本", detail=repr(exc)) from exc


def _check_layout(ws: Worksheet, spec: SheetSpec, adopting: bool = False) -> None:
    for col, header in enumerate(spec.headers, 1):
        cell = ws._cells.get((HEADER_ROW, col))
        if (cell.value if cell is not None else None) != header:
            where = f"{get_column_letter(col)}{HEADER_ROW}"
            if adopting:
                raise WorkbookNotWritten(
                    f"工作簿中已有名为“{spec.name}”的工作表，且不是本程序的格式（{where} 应为“{header}”）；"
                    "请先改名该工作表")
            raise WorkbookNotWritten(
                f"总表中工作表“{spec.name}”的表头被改动（{where} 应为“{header}”），为免覆盖办公室的内容，"
                "本次未写入；请恢复表头，或把该工作表改名后重试（台账已保存）")


# ---- writing one sheet --------------------------------------------------------------------

def _key(values: list[Any], key_columns: tuple[int, ...]) -> tuple[str, ...]:
    """The key of a row about to be written, as its cells will hold it (so it matches
    the key of the same row read back next time)."""
    return tuple("" if values[c] is None else
                 _cell_text(values[c]) if isinstance(values[c], str) else str(values[c])
                 for c in key_columns)


def _write_sheet(ws: Worksheet, spec: SheetSpec, styles: _Styles, created: bool) -> None:
    ncols = len(spec.columns)
    merges = workbook_kept.take_merges(ws)
    moved: dict[int, int] = {}         # old row -> new, of the rows the office added to
    written_top = {(TITLE_ROW, 1), (SUBTITLE_ROW, 1),
                   *((HEADER_ROW, col) for col in range(1, ncols + 1))}
    taken = workbook_kept.take(ws, spec, written_top)
    put = styles.put
    put(ws, TITLE_ROW, 1, spec.title, styles.title)
    put(ws, SUBTITLE_ROW, 1, spec.subtitle, styles.subtitle)
    for col, column in enumerate(spec.columns, 1):
        put(ws, HEADER_ROW, col, column.header, styles.header)
    for row, top in taken.top.items():
        workbook_kept.put_back(ws, row, top)
    header_dims = ws.row_dimensions.get(HEADER_ROW)
    if header_dims is None or is_program_height(header_dims.ht):
        _fit_height(ws, HEADER_ROW, _wrap_widths(ws, [dataclasses.replace(c, wrap=True)
                                                      for c in spec.columns]),
                    [c.header for c in spec.columns], minimum=2)
    widths = _wrap_widths(ws, spec.columns)
    body = [styles.body(column) for column in spec.columns]
    row_no = FIRST_ROW
    for index, values in enumerate(spec.rows):
        for col, value in enumerate(values):
            tag = spec.highlights.get((index, col))
            put(ws, row_no, col + 1, value,
                body[col] if tag is None else styles.body(spec.columns[col], tag))
        kept: workbook_kept.Kept | None = taken.by_key.pop(_key(values, spec.key_columns), None)
        if kept is not None:
            workbook_kept.put_back(ws, row_no, kept)
            moved[kept.row] = row_no
        for index in _fit_height(ws, row_no, widths, values):
            if index not in spec.key_columns:
                _shorten(ws, row_no, index + 1, values[index], dict(widths)[index], styles,
                         spec.columns[index].note_if_cut)
        if kept is not None and kept.dims is not None and kept.dims.ht is not None:
            # the office's height, never lower than the text needs: LibreOffice and WPS
            # save a one-line height on every row, which a longer text must still outgrow
            dims = ws.row_dimensions[row_no]
            dims.height = max(kept.dims.ht, dims.height or 0)
        row_no += 1
    orphan_col = max(c for c in range(ncols) if c not in spec.key_columns) + 1
    loose = taken.loose
    for kept in taken.by_key.values():   # rows not in the ledger (now)
        if not spec.rows_leave:          # never were: a note typed into the key column
            kept.cells.update((c, workbook_kept.snap(cell)) for c, cell in kept.key_cells.items())
            loose.append((kept.row, kept))
            continue
        if not (kept.cells or kept.notes):
            continue
        for c, value in zip(spec.key_columns, kept.key_values, strict=True):
            put(ws, row_no, c + 1, value, body[c])
        put(ws, row_no, orphan_col, ORPHAN_MARK, styles.subtitle)   # left it: say so
        workbook_kept.put_back(ws, row_no, kept)
        moved[kept.row] = row_no
        row_no += 1
    last_data_row = row_no - 1
    for old_row, kept in sorted(loose, key=lambda item: item[0]):
        # rows without a key (notes under the table): stay put
        row_no = max(row_no, old_row)  # unless the table has grown into them
        workbook_kept.put_back(ws, row_no, kept)
        moved[old_row] = row_no
        row_no += 1 + workbook_kept.merge_extent(merges, old_row)   # and what it merged
    workbook_kept.put_merges(ws, merges, moved, range(FIRST_ROW, last_data_row + 1), ncols)
    ws.freeze_panes = spec.freeze
    workbook_filter.reapply(ws, FIRST_ROW, last_data_row)
    last_col = ncols
    if ws.auto_filter.ref:
        try:
            from openpyxl.utils.cell import range_boundaries

            last_col = max(ncols, range_boundaries(ws.auto_filter.ref)[2] or ncols)
        except ValueError:
            pass
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(last_col)}{max(last_data_row, HEADER_ROW)}"
    if created:
        _first_layout(ws, spec.columns)
    elif _margins_key(ws.page_margins) == _EARLIER_MARGINS:
        ws.page_margins = _margins()   # as the program once set them: the footer was cut off


def _wrap_widths(ws: Worksheet, columns: list[Column]) -> list[tuple[int, float]]:
    """(index, width in characters) of the columns whose text wraps, as the sheet has
    them now (the office may have widened one), looked up once per sheet."""
    widths = []
    for index, column in enumerate(columns):
        if column.wrap:
            dim = ws.column_dimensions.get(get_column_letter(index + 1))
            width = (dim.width if dim is not None and dim.width else column.width) - 1
            widths.append((index, max(width, 2.0)))
    return widths


def _fit_height(ws: Worksheet, row: int, widths: list[tuple[int, float]], values: list[Any],
                minimum: int = 1) -> list[int]:
    """Set the row tall enough for its wrapped text (`widths` from `_wrap_widths`), and
    return the indexes of the values that need more than a row can hold.

    Neither Excel nor LibreOffice reliably grows rows for wrapped text in a file written
    by a program, and a printout with clipped comments is useless to the office.
    """
    lines = minimum
    too_long = []
    for index, width in widths:
        value = values[index] if index < len(values) else None
        if isinstance(value, str) and value:
            needed = _lines(value[:4000], width)
            if needed > MAX_LINES:
                too_long.append(index)
            lines = max(lines, needed)
    if lines > 1:
        ws.row_dimensions[row].height = min(MAX_ROW_POINTS, lines * LINE_POINTS + 2)
    return too_long


MAX_LINES = int((MAX_ROW_POINTS - 2) // LINE_POINTS)   # what a row of 409 pt holds
NOTE_MARK = "……（以下省略 {} 字，全文见本格批注）"
LEDGER_MARK = "……（以下省略 {} 字，全文见台账）"


def _shorten(ws: Worksheet, row: int, col: int, text: str, width: float,
             styles: _Styles, with_note: bool) -> None:
    """Cut a text too long for the tallest row, with a visible mark, so that the printout
    shows where it stops; `with_note`: the whole text goes into the cell's note (unless
    the office has a note there). The ledger keeps it anyway."""
    mark = NOTE_MARK if with_note else LEDGER_MARK
    cut = _fitting_start(text, width, mark)
    cell = ws._cells[(row, col)]
    note = cell.comment
    styles.put(ws, row, col, text[:cut] + mark.format(len(text) - cut), cell._style)
    if note is None and with_note:
        note = Comment(_cell_text(text), workbook_kept.PROGRAM_AUTHOR, height=400, width=480)
    ws._cells[(row, col)].comment = note


def _fitting_start(text: str, width: float, mark: str) -> int:
    """The length of the longest start of `text` (but a few characters) that wraps to
    MAX_LINES lines at most with `mark` (formatted with the count left out) after it:
    counted paragraph by paragraph, then character by character within the paragraph
    where it stops, the mark's count taken at its widest."""
    mark_units = _units(mark.format(len(text)))
    used = start = 0
    cut = len(text)
    for paragraph in text.split("\n"):
        room = (MAX_LINES - used) * width - mark_units
        if _units(paragraph) <= room:    # this paragraph and the mark fit
            need = max(1, math.ceil(_units(paragraph) / width))
            if used + need >= MAX_LINES:    # it fills the row: the mark after it
                cut = start + len(paragraph)
                break
            used += need
            start += len(paragraph) + 1
            continue
        low, high = 0, len(paragraph)
        while low < high:
            mid = (low + high + 1) // 2
            if _units(paragraph[:mid]) <= room:
                low = mid
            else:
                high = mid - 1
        cut = start + low
        if room >= 0:
            return cut    # it fits by the count above
        break
    while cut > 0 and _lines(text[:cut] + mark.format(len(text) - cut), width) > MAX_LINES:
        cut -= 1    # the mark did not fit after the last paragraph: it goes on that one
    return cut


def _lines(text: str, width: float) -> int:
    """Wrapped lines of `text` in a column `width` units wide."""
    return sum(max(1, math.ceil(_units(paragraph) / width)) for paragraph in text.split("\n"))


def _units(line: str) -> float:
    """Width of `line` in column units as Excel draws it in 宋体 10.5 pt: the unit is the
    digit width of the workbook's default font, which an ASCII character of 宋体 matches
    and a CJK character (or full-width punctuation) doubles."""
    # UTF-8 length tells wide characters apart at C speed: CJK takes 3 bytes, ASCII 1
    return len(line) + (len(line.encode("utf-8", "replace")) - len(line)) / 2


# inches; the footer line (about 0.15 in) between the footer margin and the bottom one
_MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.7, "header": 0.3, "footer": 0.3}
# what earlier versions set, which left 0.1 in for the footer (openpyxl's default 0.5)
_EARLIER_MARGINS = (0.4, 0.4, 0.5, 0.6, 0.5, 0.5)


def _margins() -> PageMargins:
    return PageMargins(**_MARGINS)


def _margins_key(margins: PageMargins) -> tuple[float, ...]:
    return tuple(round(float(getattr(margins, side) or 0), 3)
                 for side in ("left", "right", "top", "bottom", "header", "footer"))


def _first_layout(ws: Worksheet, columns: list[Column]) -> None:
    """Widths and print setup for a sheet the program just created (the office's stay)."""
    for col, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(col)].width = column.width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"
    ws.page_margins = _margins()
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


# ---- cell values and styles -----------------------------------------------------------------

def _cell_text(text: str) -> str:
    """Text a cell can hold: illegal characters made visible, long text cut with a mark."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    if 2 * len(text) <= EXCEL_MAX_CHARS or _excel_len(text) <= EXCEL_MAX_CHARS:
        return text
    room = EXCEL_MAX_CHARS - _excel_len(TRUNCATED_MARK)
    used = cut = 0
    for cut, ch in enumerate(text):  # noqa: B007 (cut is the answer)
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > room:
            break
    return text[:cut] + TRUNCATED_MARK


def _excel_len(text: str) -> int:
    """Excel counts UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class _Styles:
    """Style arrays made once per workbook and copied onto cells (fast, no per-cell lookups)."""

    def __init__(self, wb: Any) -> None:
        self._proto_sheet = Worksheet(wb)   # not added to the workbook; only lends it styles
        thin = Side(style="thin", color="A6A6A6")
        self._border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self._cache: dict[tuple[Any, ...], StyleArray] = {}
        self.title = self._make(font=Font(name=FONT_NAME, size=14, bold=True))
        self.subtitle = self._make(font=Font(name=FONT_NAME, size=10, color="595959"))
        self.header = self._make(
            font=Font(name=FONT_NAME, size=10.5, bold=True),
            fill=PatternFill("solid", fgColor="DDEBF7"), border=self._border,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))

    def _make(self, *, font: Font | None = None, fill: PatternFill | None = None,
              border: Border | None = None, alignment: Alignment | None = None,
              number_format: str = "") -> StyleArray:
        proto = Cell(self._proto_sheet)
        if font is not None:
            proto.font = font
        if fill is not None:
            proto.fill = fill
        if border is not None:
            proto.border = border
        if alignment is not None:
            proto.alignment = alignment
        if number_format:
            proto.number_format = number_format
        return copy(proto._style)

    def body(self, column: Column, tag: str | None = None) -> StyleArray:
        key = (column.wrap, column.number_format, tag)
        found = self._cache.get(key)
        if found is None:
            font = Font(name=FONT_NAME, size=10.5)
            fill = None
            if tag and tag.startswith("outcome:"):
                fill = PatternFill("solid", fgColor=OUTCOME_FILLS.get(tag[8:], "FFFFFF"))
                font = Font(name=FONT_NAME, size=10.5, bold=True)
            elif tag in ("conflict", "late"):
                fill = PatternFill("solid", fgColor="FFC7CE" if tag == "conflict" else "FCE4D6")
                font = Font(name=FONT_NAME, size=10.5, bold=True, color="9C0006")
            elif tag == "provisional":   # a suggestion that is not final: no outcome colour
                font = Font(name=FONT_NAME, size=10.5, italic=True, color="595959")
            elif tag == "rejected":
                font = Font(name=FONT_NAME, size=10.5, bold=True, color="C00000")
            elif tag and tag.startswith("rating:") and tag[7:] in RATING_COLOURS:
                font = Font(name=FONT_NAME, size=10.5, color=RATING_COLOURS[tag[7:]])
            found = self._make(font=font, fill=fill, border=self._border,
                               alignment=Alignment(vertical="top", wrap_text=column.wrap),
                               number_format=column.number_format)
            self._cache[key] = found
        return found

    @staticmethod
    def put(ws: Worksheet, row: int, col: int, value: Any, style: StyleArray) -> None:
        """Write one program cell: strings always as text, formula-like ones quote-prefixed."""
        cell = Cell(ws, row=row, column=col, style_array=copy(style))
        if isinstance(value, str):
            if not value:
                ws._cells[(row, col)] = cell
                return
            text = _cell_text(value)
            cell._value = text
            cell.data_type = "s"
            if text.startswith(FORMULA_START):
                cell._style.quotePrefix = 1
        elif value is not None:
            cell.value = value
        ws._cells[(row, col)] = cell


# ---- saving ------------------------------------------------------------------------------

_replace = os.replace   # tests swap this to act like Excel holding the file open


def _save(wb: Any, target: Path, history_dir: Path) -> None:
    tmp = Path(f"{target}.part")
    try:
        workbook_writer.save(wb, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        kept = _keep_previous(target, history_dir) if target.exists() else None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WorkbookNotWritten(_not_saved_message(target, exc), detail=str(exc)) from exc
    try:
        _replace(tmp, target)
    except PermissionError:
        tmp.unlink(missing_ok=True)
        if kept is not None:
            kept.unlink(missing_ok=True)
        raise WorkbookNotWritten(locked_message(target)) from None
    _prune(history_dir, target.stem)


def _not_saved_message(target: Path, exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return (f"磁盘空间不足，总表“{target.name}”未能更新，未作改动；台账已保存，"
                "腾出空间后，下次导入或执行 office workbook 时会自动写入")
    return f"无法写出总表“{target.name}”（写入磁盘时出错），未作改动；台账已保存"


def _keep_previous(target: Path, history_dir: Path) -> Path:
    history_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    kept = history_dir / f"{target.stem}-{stamp}{target.suffix}"
    part = Path(f"{kept}.part")
    try:
        with open(target, "rb") as src, open(part, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
    except OSError:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, kept)
    return kept


def _prune(history_dir: Path, stem: str) -> None:
    versions = sorted(p for p in history_dir.glob(f"{stem}-*.xlsx"))
    for old in versions[:-KEEP_VERSIONS]:
        old.unlink(missing_ok=True)
