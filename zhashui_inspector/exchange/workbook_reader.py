"""Loading the master workbook for a rewrite: openpyxl's reader, without the cells the
rewrite replaces.

A rewrite keeps, on each of the program's sheets, the office's cells (columns right of
the program's, and every cell of a row without a key, such as a note typed under the
table), the notes and the office's fills on the program's cells and each data row's
key; every other cell of the program's columns is written afresh. Parsing those cells
was half of loading a 50-file workbook (16,700 cells, of which 2,200 are kept). Here
they are cut from the sheet's XML before openpyxl reads it: in a row whose key cell has
a value, a cell in a program column that is not a key column and whose style has no
fill of the office's, matched by its reference. A sheet with a cell that has no
reference (its column is counted from the cells before it) or a shared formula (its
cells refer to the first one's text) is read whole, as openpyxl reads it.
"""

from __future__ import annotations

import functools
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter

# what makes a cell depend on another: no `r` attribute (its position is counted from the
# cells before it), a shared formula (only its first cell has the text); a row without
# `r` (its number is counted from the rows before it)
_READ_WHOLE = re.compile(rb'<c(?![^>]*\sr=")[\s/>]|<f\s[^>]*t="shared"|<row(?![^>]*\sr=")[\s/>]')
_ROW_NUMBER = re.compile(rb'<row\s(?:[^>]*?\s)?r="([0-9]+)"')


@dataclass(frozen=True)
class Layout:
    """Where a program sheet's replaced cells are: columns 1 to `columns` from row
    `first_row` (below 10) on, except the (0-based) key columns."""

    columns: int
    key_columns: tuple[int, ...]
    first_row: int


@functools.lru_cache(maxsize=32)
def skipped_cells(layout: Layout, kept_styles: frozenset[int] = frozenset(),
                  kept_rows: frozenset[int] = frozenset()) -> re.Pattern[bytes]:
    """The cell elements a rewrite replaces: those of `layout`'s replaced columns, not in
    one of `kept_rows` and with a style (`s`) that is not one of `kept_styles`."""
    assert 1 < layout.first_row < 10
    keys = {k + 1 for k in layout.key_columns}
    letters = "|".join(get_column_letter(c) for c in range(1, layout.columns + 1)
                       if c not in keys)
    rows = f"(?:[{layout.first_row}-9]|[1-9][0-9]+)"
    if kept_rows:
        rows = f'(?!(?:{"|".join(str(r) for r in sorted(kept_rows))})"){rows}'
    kept = ""
    if kept_styles:
        styles = "|".join(str(s) for s in sorted(kept_styles))
        kept = rf'(?!(?:[^>]*\s)?s="(?:{styles})")'
    # attribute values of a cell (r, s, t, cm, vm, ph) hold no ">"; a cell's content no
    # "</c>" (text is escaped, its child elements are f, v, is and extLst). The content
    # is matched a run of text at a time, not a character at a time as `.*?</c>` would
    # (three times as long over the long texts of a 100-file workbook)
    return re.compile(
        rf'<c\s{kept}(?:[^>]*?\s)?r="(?:{letters}){rows}"[^>]*?'
        rf'(?:/>|>[^<]*(?:<(?!/c>)[^<]*)*</c>)'.encode())


@functools.lru_cache(maxsize=32)
def key_cell(layout: Layout) -> re.Pattern[bytes]:
    """A key cell with a value (a number, or text that is not empty), its row number
    the group; a row holds one such cell per key column at most. Found by its reference
    after a space, a literal the search skips to quickly (five times as fast as from
    "<c"); a cell written otherwise is not found, and its row is read whole."""
    letters = "|".join(get_column_letter(k + 1) for k in layout.key_columns)
    return re.compile(
        rf' r="(?:{letters})([0-9]+)"[^>]*(?<!/)>'
        rf'(?:[^<]*<(?!/c>))*?(?:v|t|t\s[^>]*)>[^<]'.encode())


def load(path: Path, layouts: dict[str, Layout],
         kept_fill: Callable[[Any], bool] = lambda _fill: False) -> Any:
    """`openpyxl.load_workbook(path)`, the cells a rewrite of the sheets in `layouts`
    replaces left out; a cell whose fill `kept_fill` accepts is read all the same."""
    reader = _Reader(path, layouts, kept_fill)
    reader.read()
    return reader.wb


class _Reader(ExcelReader):  # type: ignore[misc]

    archive: Any   # openpyxl's zip file

    def __init__(self, path: Path, layouts: dict[str, Layout],
                 kept_fill: Callable[[Any], bool]) -> None:
        super().__init__(path, read_only=False, keep_vba=False, data_only=False,
                         keep_links=True, rich_text=False)
        self._layouts = layouts
        self._kept_fill = kept_fill

    def read_worksheets(self) -> None:
        """openpyxl's, reading the program's sheets through `_Archive` (the stylesheet is
        read by now: the styles with a kept fill are known)."""
        fills = self.wb._fills
        kept = frozenset(i for i, style in enumerate(self.wb._cell_styles)
                         if style.fillId < len(fills) and self._kept_fill(fills[style.fillId]))
        parts = {}
        for sheet, rel in self.parser.find_sheets():
            layout = self._layouts.get(sheet.name)
            if layout is not None:
                parts[rel.target] = _Cut(layout, kept)
        archive = self.archive
        self.archive = _Archive(archive, parts)
        try:
            super().read_worksheets()
        finally:
            self.archive = archive


class _Cut:
    """A sheet's XML without the replaced cells of its keyed rows (every key cell has a
    value): a row with a key cell left empty is not one the program wrote (a note, say)."""

    def __init__(self, layout: Layout, kept_styles: frozenset[int]) -> None:
        self._layout = layout
        self._kept_styles = kept_styles
        self._key = key_cell(layout)
        self._keys = len(set(layout.key_columns))

    def __call__(self, xml: bytes) -> bytes:
        if _READ_WHOLE.search(xml) is not None:
            return xml
        # the rows that are not keyed are few (notes): found in two passes at C speed
        # and left out of the cell pattern, which then runs over the whole sheet once
        keyed = Counter(self._key.findall(xml))
        first = self._layout.first_row
        loose = frozenset(number for number in map(int, _ROW_NUMBER.findall(xml))
                          if number >= first and keyed[str(number).encode()] < self._keys)
        return skipped_cells(self._layout, self._kept_styles, loose).sub(b"", xml)


class _Archive:
    """The workbook's zip file, its program sheets' parts opened without skipped cells."""

    def __init__(self, archive: Any, parts: dict[str, _Cut]) -> None:
        self._archive = archive
        self._parts = parts

    def open(self, name: str, *args: Any, **kwargs: Any) -> IO[bytes]:
        cut = self._parts.get(name)
        if cut is None or args or kwargs:
            return self._archive.open(name, *args, **kwargs)  # type: ignore[no-any-return]
        return io.BytesIO(cut(self._archive.read(name)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._archive, name)
