"""The office's filter on a program sheet, applied again after a rewrite.

A filter (筛选) in Excel, WPS or LibreOffice is stored as its criteria and the rows they
hid when it was last applied; none of them applies it again when the file opens. The
rows it hid follow their row through a rewrite (workbook_kept), but a rewrite changes
rows: on 冲突 filtered to 待解决, a conflict resolved since would still show, and one
found since would show whatever its state. A filter that keeps the values ticked in its
list (the usual use of the filter button) is therefore applied again to the data rows,
as the office program's 重新应用 does; one with other criteria (greater than, top ten,
by colour, dates grouped) is left as the office applied it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

# the number formats of the program's columns, as the filter list shows their values
# (General only for whole numbers: how many digits it shows of others depends on the
# column's width)
_SHOWN: dict[str, Callable[[float], str | None]] = {
    "General": lambda v: str(int(v)) if float(v).is_integer() else None,
    "0.0": lambda v: f"{v:.1f}",
    "#,##0": lambda v: f"{v:,.0f}",
}

Criterion = tuple[int, frozenset[str], bool]   # column, the values it keeps, blanks kept


def reapply(ws: Worksheet, first_row: int, last_row: int) -> bool:
    """Hide the rows from `first_row` to `last_row` that the sheet's filter leaves out and
    show those it keeps; False (nothing changed) for a filter this cannot apply."""
    criteria = _criteria(ws)
    if not criteria:
        return False
    shown: dict[int, bool] = {}
    for row in range(first_row, last_row + 1):
        keeps = [_keeps(ws._cells.get((row, col)), values, blanks)
                 for col, values, blanks in criteria]
        if None in keeps:
            return False          # a value shown in a way not known here: leave it all
        shown[row] = all(keeps)
    for row, keep in shown.items():
        if not keep:
            ws.row_dimensions[row].hidden = True
        elif row in ws.row_dimensions and ws.row_dimensions[row].hidden:
            ws.row_dimensions[row].hidden = False
    return True


def _criteria(ws: Worksheet) -> list[Criterion]:
    """The filter's columns and the values each keeps, [] if there is none or if one of
    them is not a list of values."""
    auto = ws.auto_filter
    if not auto.ref or not auto.filterColumn:
        return []
    try:
        first_col = range_boundaries(auto.ref)[0] or 1
    except ValueError:
        return []
    criteria = []
    for column in auto.filterColumn:
        kept = column.filters
        if kept is None or kept.dateGroupItem or column.top10 or column.customFilters \
                or column.dynamicFilter or column.colorFilter or column.iconFilter:
            return []
        values = frozenset(str(v).casefold() for v in kept.filter)
        criteria.append((first_col + column.colId, values, bool(kept.blank)))
    return criteria


def _keeps(cell: Any, values: frozenset[str], blanks: bool) -> bool | None:
    """Whether the filter keeps the row for this cell (None: its value's text unknown)."""
    value = None if cell is None else cell.value
    if cell is not None and cell.data_type == "f":
        return None               # a formula: its value is not in the file as written
    if value is None or value == "":
        return blanks
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, (int, float)):
        show = _SHOWN.get(cell.number_format)
        shown = None if show is None else show(value)
        if shown is None:
            return None
        text = shown
    elif isinstance(value, str):
        text = value
    else:
        return None               # a date: its text depends on its format
    return text.casefold() in values
