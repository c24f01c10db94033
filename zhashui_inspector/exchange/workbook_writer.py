"""Saving the master workbook: openpyxl's writer, with its rows of plain cells spelled out.

openpyxl writes each cell as XML elements through lxml, a few Python calls per cell, and
as ASCII with every Chinese character a numeric reference (8 bytes instead of 3, all of
it then compressed): the 13,000 cells of a 50-file workbook were most of the time its
saving took. Here a row whose cells are all plain (text, numbers, booleans or blanks, no
note, link, formula or date) is written as UTF-8 text straight into the sheet's XML;
any other row, and everything around the rows, is written by openpyxl itself. The XML
means exactly what openpyxl's means (tests/test_workbook_writer.py compares both in
canonical form).
"""

from __future__ import annotations

import datetime
import re
from io import BytesIO
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import LXML
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

_PLAIN_TYPES = frozenset("nbs")    # number, boolean, text; not formula, date or error
# "&" first. str.replace, not str.translate: translate looks up every character in
# Python (55 us for a text of 900 characters; replace: about 0.1 us)
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_ATTR_ESCAPES = (*_TEXT_ESCAPES[:2], ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"),
                 ("\t", "&#9;"))
# what XML 1.0 cannot hold: such a row goes to openpyxl, which refuses it as before
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def save(wb: Any, path: Path) -> None:
    """What `Workbook.save(path)` does, rows of plain cells written directly."""
    archive = ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True)
    wb.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    _ExcelWriter(wb, archive).save()


class _ExcelWriter(ExcelWriter):  # type: ignore[misc]

    def write_worksheet(self, ws: Any) -> None:
        """openpyxl's own (for a workbook that is not write-only), with the sheet's XML
        made in memory by `_WorksheetWriter`."""
        from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing

        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _WorksheetWriter(ws)
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.buffer.getvalue())
        self.manifest.append(ws)


class _WorksheetWriter(WorksheetWriter):  # type: ignore[misc]

    def __init__(self, ws: Any) -> None:
        self.buffer = BytesIO()
        super().__init__(ws, out=self.buffer)

    def get_stream(self) -> Any:
        """openpyxl's, but the part declared UTF-8 (as Excel writes its own): openpyxl
        leaves the encoding unsaid and writes ASCII, while the rows here are UTF-8."""
        from openpyxl.xml.constants import SHEET_MAIN_NS
        from openpyxl.xml.functions import xmlfile

        with xmlfile(self.out, encoding="utf-8") as xf:
            if LXML:
                xf.write_declaration(standalone=True)
            with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                try:
                    while True:
                        el = yield
                        if el is True:
                            yield xf
                        elif el is not None:
                            xf.write(el)
                except GeneratorExit:
                    pass

    def write_rows(self) -> None:
        """openpyxl's, with rows of plain cells written as text between its elements."""
        xf = self.xf.send(True)
        with xf.element("sheetData"):
            for row_idx, row in self.rows():
                xml = _plain_row_xml(self.ws, row, row_idx) if LXML else None
                if xml is None:
                    self.write_row(xf, row, row_idx)
                else:
                    xf.flush()   # what lxml holds goes first
                    self.buffer.write(xml.encode("utf-8"))
        self.xf.send(None)


def _plain_row_xml(ws: Any, row: list[Any], row_idx: int) -> str | None:
    """The row as openpyxl would write it, or None if a cell of it is not plain."""
    parts = [f'<row r="{row_idx}"']
    dims = ws.row_dimensions.get(row_idx)
    if dims is not None:
        parts += [f' {key}="{_escaped(value, _ATTR_ESCAPES)}"' for key, value in dims]
    parts.append(">")
    styles = ws.parent._cell_styles
    for cell in row:
        if cell._comment is not None or cell.hyperlink is not None \
                or cell.data_type not in _PLAIN_TYPES:
            return None
        value = cell._value
        styled = cell._style is not None and any(cell._style)
        if value is None and not styled:
            continue
        parts.append(f'<c r="{get_column_letter(cell.column)}{row_idx}"')
        if styled:
            parts.append(f' s="{styles.add(cell._style)}"')
        if cell.data_type == "s":
            if value is not None and not isinstance(value, str):   # rich text
                return None
            parts.append(' t="inlineStr"')
        else:
            parts.append(f' t="{cell.data_type}"')
        if value is None or value == "":
            parts.append("/>")
        elif cell.data_type == "s":
            if _NOT_XML.search(value):
                return None
            space = ' xml:space="preserve"' if value != value.strip() else ""
            parts.append(f"><is><t{space}>{_escaped(value, _TEXT_ESCAPES)}</t></is></c>")
        else:
            parts.append(f"><v>{_escaped(safe_string(value), _TEXT_ESCAPES)}</v></c>")
    parts.append("</row>")
    return "".join(parts)



def _escaped(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for char, entity in escapes:
        if char in text:
            text = text.replace(char, entity)
    return text
