"""Loading the master workbook for a rewrite: openpyxl's reader, without the cells the
rewrite replaces.

A rewrite keeps, on each of the program's sheets, only the office's cells (columns right
of the program's), the notes on the program's cells and each data row's key; every other
cell of the program's columns is written afresh. Parsing those cells was half of loading
a 50-file workbook (16,700 cells, of which 2,200 are kept). Here they are cut from the
sheet's XML before openpyxl reads it: a data row's cell in a program column that is not
a key column, matched by its reference. A sheet with a cell that has no reference (its
column is counted from the cells before it) or a shared formula (its cells refer to the
first one's text) is read whole, as openpyxl reads it.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from typing import IO, Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter

# what makes a cell depend on another: no `r` attribute (its position is counted from the
# cells before it), a shared formula (only its first cell has the text)
_READ_WHOLE = re.compile(rb'<c(?![^>]*\sr=")[\s/>]|<f\s[^>]*t="shared"')


@functools.lru_cache(maxsize=32)
def skipped_cells(columns: int, key_columns: tuple[int, ...], first_row: int) -> re.Pattern[bytes]:
    """The cell elements a rewrite replaces: rows from `first_row` on, columns 1 to
    `columns` except the (0-based) key columns. `first_row` is below 10."""
    assert 1 < first_row < 10
    keys = {k + 1 for k in key_columns}
    letters = "|".join(get_column_letter(c) for c in range(1, columns + 1) if c not in keys)
    rows = f"(?:[{first_row}-9]|[1-9][0-9]+)"
    # attribute values of a cell (r, s, t, cm, vm, ph) hold no ">"; a cell's content no
    # "</c>" (text is escaped, its child elements are f, v, is and extLst). The content
    # is matched a run of text at a time, not a character at a time as `.*?</c>` would
    # (three times as long over the long texts of a 100-file workbook)
    return re.compile(
        rf'<c\s(?:[^>]*?\s)?r="(?:{letters}){rows}"[^>]*?'
        rf'(?:/>|>[^<]*(?:<(?!/c>)[^<]*)*</c>)'.encode())


def load(path: Path, skip: dict[str, re.Pattern[bytes]]) -> Any:
    """`openpyxl.load_workbook(path)`, the cells `skip[sheet name]` matches left out."""
    reader = _Reader(path, skip)
    reader.read()
    return reader.wb


class _Reader(ExcelReader):  # type: ignore[misc]

    archive: Any   # openpyxl's zip file

    def __init__(self, path: Path, skip: dict[str, re.Pattern[bytes]]) -> None:
        super().__init__(path, read_only=False, keep_vba=False, data_only=False,
                         keep_links=True, rich_text=False)
        self._skip = skip

    def read_worksheets(self) -> None:
        """openpyxl's, reading the program's sheets through `_Archive`."""
        parts = {rel.target: self._skip[sheet.name]
                 for sheet, rel in self.parser.find_sheets() if sheet.name in self._skip}
        archive = self.archive
        self.archive = _Archive(archive, parts)
        try:
            super().read_worksheets()
        finally:
            self.archive = archive


class _Archive:
    """The workbook's zip file, its program sheets' parts opened without skipped cells."""

    def __init__(self, archive: Any, parts: dict[str, re.Pattern[bytes]]) -> None:
        self._archive = archive
        self._parts = parts

    def open(self, name: str, *args: Any, **kwargs: Any) -> IO[bytes]:
        pattern = self._parts.get(name)
        if pattern is None or args or kwargs:
            return self._archive.open(name, *args, **kwargs)  # type: ignore[no-any-return]
        xml = self._archive.read(name)
        if _READ_WHOLE.search(xml) is None:
            xml = pattern.sub(b"", xml)
        return io.BytesIO(xml)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._archive, name)
