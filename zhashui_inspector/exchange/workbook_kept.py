"""What the office added to a program sheet: taken off before a rewrite, put back after.

A data row is matched by its key (workbook_sheets.SheetSpec.key_columns): the office's
cells right of the program's columns, its notes and fills on the program's cells and
the row's own properties (hidden, outline, style, a height of the office's) follow the
row wherever it lands. A row without a full key (a note typed under the table, a row
the office inserted) is the office's whole, every cell of it, and stays where it is
unless the table grows into it. In the title and header rows the office's cells, notes
and fills stay in place, and so does the alignment of the title and the subtitle. A
merged range moves with its rows (`take_merges`, `put_merges`) unless it would cover a
cell the program writes a value of its own into: the header's and the data rows' in the
program's columns (the title rows' it may).
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.worksheet import Worksheet

from zhashui_inspector.exchange.workbook_sheets import SheetSpec

FIRST_ROW = 4
PROGRAM_AUTHOR = "柞水评估程序"   # the author of the notes the program writes itself
LINE_POINTS = 14.0       # one line of 10.5-point CJK text
MAX_ROW_POINTS = 409.0   # Excel's limit
# the fills the program paints (headers, outcomes, conflicts, late hand-backs): on a
# program cell any other fill is the office's
PROGRAM_FILL_COLOURS = frozenset({"DDEBF7", "C6EFCE", "FFEB9C", "F8CBAD", "FFC7CE", "FCE4D6"})

Key = tuple[str, ...]
Bounds = tuple[int, int, int, int]   # a merged range: min column, min row, max column, max row
HEADER_ROW = FIRST_ROW - 1


@dataclass
class Snapshot:
    """One cell of the office's, to be put back after the program's cells are rewritten."""

    value: Any
    data_type: str
    style: StyleArray
    comment: Any
    hyperlink: Any


@dataclass
class Kept:
    """What the office added to one row."""

    cells: dict[int, Snapshot] = field(default_factory=dict)   # its own cells
    notes: dict[int, Any] = field(default_factory=dict)        # comments on program cells
    fills: dict[int, int] = field(default_factory=dict)        # its fills on program cells
    aligns: dict[int, int] = field(default_factory=dict)       # alignments of the titles
    dims: RowDimension | None = None                           # the row's properties
    key_values: list[Any] = field(default_factory=list)        # its key cells' values
    key_cells: dict[int, Cell] = field(default_factory=dict)   # taken off the sheet
    row: int = 0                                               # where it was


@dataclass
class Taken:
    """The office's additions to one sheet, taken off it."""

    by_key: dict[Key, Kept] = field(default_factory=dict)
    loose: list[tuple[int, Kept]] = field(default_factory=list)   # rows without a key
    top: dict[int, Kept] = field(default_factory=dict)            # title and header rows


def is_office_fill(fill: Any) -> bool:
    """A fill the program never paints (so on a program cell it is the office's)."""
    if not isinstance(fill, PatternFill):
        return True    # a gradient
    if fill.patternType in (None, "none"):
        return False
    colour = fill.fgColor
    rgb = colour.rgb if colour is not None and colour.type == "rgb" else None
    return not (fill.patternType == "solid" and isinstance(rgb, str)
                and rgb[-6:].upper() in PROGRAM_FILL_COLOURS)


def is_program_height(height: float | None) -> bool:
    """A height the program sets (or none): whole lines of text, as written or as Excel
    and LibreOffice round it to their pixels (0.75 pt)."""
    if height is None or height >= MAX_ROW_POINTS - 1:
        return True
    lines = round((height - 2) / LINE_POINTS)
    return lines >= 2 and abs(height - (lines * LINE_POINTS + 2)) < 0.75


def key_of(values: list[Any], key_columns: tuple[int, ...]) -> Key:
    return tuple("" if values[c] is None else str(values[c]) for c in key_columns)


def take(ws: Worksheet, spec: SheetSpec, written_top: set[tuple[int, int]]) -> Taken:
    """Remove every cell and row property of the data rows, and every cell of the title
    and header rows in the program's columns; return what of it is the office's.
    `written_top`: the (row, column) cells of the title and header rows the program
    writes."""
    ncols = len(spec.columns)
    taken = Taken()
    office_fills: dict[int, bool] = {}
    by_row: dict[int, dict[int, Cell]] = {}
    for (row, col), cell in list(ws._cells.items()):
        if row >= FIRST_ROW:
            by_row.setdefault(row, {})[col] = cell
            del ws._cells[(row, col)]
        elif col <= ncols:
            del ws._cells[(row, col)]
            if (row, col) in written_top:
                top = taken.top.setdefault(row, Kept())
                _take_marks(top, col, cell, office_fills)
                if row < HEADER_ROW and cell._style is not None and cell._style.alignmentId:
                    top.aligns[col] = cell._style.alignmentId   # a title centred, say
            elif _added(cell):
                taken.top.setdefault(row, Kept()).cells[col] = snap(cell)
    dims = {row: dim for row, dim in ws.row_dimensions.items() if row >= FIRST_ROW}
    for row in dims:
        del ws.row_dimensions[row]
    for row in sorted(set(by_row) | set(dims)):
        cells = by_row.get(row, {})
        kept = Kept(dims=_office_dims(dims.get(row)), row=row)
        values = [cells[c + 1]._value if c + 1 in cells else None for c in range(ncols)]
        key = key_of(values, spec.key_columns)
        if not all(key):
            kept.cells = {c: snap(cell) for c, cell in cells.items() if _added(cell)}
            if kept.cells or kept.dims is not None:
                taken.loose.append((row, kept))
            continue
        kept.cells = {c: snap(cell) for c, cell in cells.items() if c > ncols and _added(cell)}
        kept.key_values = [values[c] for c in spec.key_columns]
        kept.key_cells = {c + 1: cells[c + 1] for c in spec.key_columns}
        for c, cell in cells.items():
            if c <= ncols:
                _take_marks(kept, c, cell, office_fills)
        old = taken.by_key.get(key)
        if old is None:
            taken.by_key[key] = kept
        else:   # the same key twice: its second row's additions join the first's
            old.cells.update(kept.cells)
            old.notes.update(kept.notes)
            old.fills.update(kept.fills)
    return taken


def put_back(ws: Worksheet, row: int, kept: Kept) -> None:
    """Put the office's additions onto `row`, whose program cells are written."""
    for col, fill_id in kept.fills.items():
        cell = ws._cells.get((row, col))
        if cell is not None and col not in kept.cells:
            cell._style.fillId = fill_id
    for col, alignment_id in kept.aligns.items():
        cell = ws._cells.get((row, col))
        if cell is not None:
            cell._style.alignmentId = alignment_id
    for col, comment in kept.notes.items():
        cell = ws._cells.get((row, col))
        if cell is None:
            cell = ws._cells[(row, col)] = Cell(ws, row=row, column=col)
        cell.comment = comment
    for col, cell_snap in kept.cells.items():
        restore(ws, row, col, cell_snap)
    if kept.dims is not None:
        dims = copy(kept.dims)
        dims.index = row
        ws.row_dimensions[row] = dims


def snap(cell: Cell) -> Snapshot:
    return Snapshot(cell._value, cell.data_type, copy(cell._style), cell.comment,
                    cell.hyperlink)


def restore(ws: Worksheet, row: int, col: int, cell_snap: Snapshot) -> None:
    cell = Cell(ws, row=row, column=col, style_array=copy(cell_snap.style))
    cell._value = cell_snap.value
    cell.data_type = cell_snap.data_type
    ws._cells[(row, col)] = cell
    if cell_snap.comment is not None:
        cell.comment = cell_snap.comment
    if cell_snap.hyperlink is not None:
        cell.hyperlink = copy(cell_snap.hyperlink)


def _added(cell: Cell) -> bool:
    return cell._value is not None or cell.comment is not None or cell.has_style


def _take_marks(kept: Kept, col: int, cell: Cell, office_fills: dict[int, bool]) -> None:
    """The office's note and fill on a program cell (`office_fills`: which of the
    workbook's fills are the office's, filled in as they are met)."""
    comment = cell._comment
    if comment is not None and comment.author != PROGRAM_AUTHOR:
        kept.notes[col] = comment
    fill_id = cell._style.fillId if cell._style is not None else 0
    if fill_id:
        office = office_fills.get(fill_id)
        if office is None:
            office = office_fills[fill_id] = is_office_fill(cell.parent.parent._fills[fill_id])
        if office:
            kept.fills[col] = fill_id


def _office_dims(dims: RowDimension | None) -> RowDimension | None:
    """A data row's properties that are the office's (a height of the program's, which the
    rewrite fits afresh, left out), or None if it set none."""
    if dims is None:
        return None
    programs = is_program_height(dims.ht)
    if programs and not (dims.hidden or dims.outlineLevel or dims.collapsed
                         or dims.has_style or dims.thickBot or dims.thickTop):
        return None    # the usual case, quickly
    mine = copy(dims)
    if programs:
        mine.ht = None
    return mine


def take_merges(ws: Worksheet) -> list[Bounds]:
    """Unmerge every merged range of the sheet and return their bounds (the cells they
    covered are the top-left one's: the others were empty and go)."""
    merges = [merged.bounds for merged in ws.merged_cells.ranges]
    for merged in list(ws.merged_cells.ranges):
        ws.unmerge_cells(merged.coord)
    return merges


def put_merges(ws: Worksheet, merges: list[Bounds], moved: dict[int, int],
               data_rows: range, ncols: int) -> None:
    """Merge again, where their rows went (`moved`: old row to new for every row put
    back; the title and header rows stay), the ranges whose rows all moved together, that
    cover no program cell of the header or of a data row and no row of another's."""
    taken_by = {new: old for old, new in moved.items()}
    for min_col, min_row, max_col, max_row in merges:
        shifts = {moved[r] - r if r in moved else 0 for r in range(min_row, max_row + 1)
                  if r in moved or r < FIRST_ROW}   # the title and header rows stay
        if len(shifts) != 1:
            continue       # its rows parted (or none of them had anything to move)
        shift = shifts.pop()
        rows = range(min_row + shift, max_row + shift + 1)
        if min_col <= ncols and any(r == HEADER_ROW or r in data_rows for r in rows):
            continue       # it would hide the program's header or values
        if any(taken_by.get(r + shift, r) != r for r in range(min_row, max_row + 1)):
            continue       # another row now stands where one of its rows would go
        ws.merge_cells(start_row=rows.start, start_column=min_col,
                       end_row=rows.stop - 1, end_column=max_col)


def merge_extent(merges: list[Bounds], row: int) -> int:
    """How many rows below `row` a merged range starting on it covers (0 if none)."""
    return max((max_row - row for _c, min_row, _c2, max_row in merges if min_row == row),
               default=0)
