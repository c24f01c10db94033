"""The visible signature stamp: office name, "电子签名" and the signing time in Chinese,
with the office seal image if there is one.

pyHanko's own text stamps need fontTools to embed an OpenType font; instead the stamp is
drawn by reportlab (Zhashui Kai, embedded as a subset) into a one-page PDF in memory,
which pyHanko imports as the appearance of the signature field. pyHanko hands the stamp
the very time it writes into the signature, so both always agree.
"""

from __future__ import annotations

import binascii
import datetime
import io
import uuid
from dataclasses import dataclass

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import StaticContentStamp, StaticStampStyle, TextStampStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from zhashui_inspector.reports.fonts import KAI, ensure_fonts, kai_or_sans
from zhashui_inspector.reports.styles import RED, human_time

STAMP_SIZE = (190.0, 78.0)  # points: about 67 × 27.5 mm
TS_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def draw_stamp(office: str, signed_at: datetime.datetime, size: tuple[float, float],
               seal: bytes | None = None) -> bytes:
    """The stamp as a one-page PDF of exactly `size` points."""
    ensure_fonts()
    width, height = size
    out = io.BytesIO()
    c = Canvas(out, pagesize=size, pageCompression=1)
    c.setStrokeColor(RED)
    c.setLineWidth(1.2)
    c.roundRect(1, 1, width - 2, height - 2, 4)
    left = 8.0
    if seal:
        reader = ImageReader(io.BytesIO(seal))
        iw, ih = reader.getSize()
        side = height - 10
        scale = min(side / iw, side / ih)
        c.drawImage(reader, 5, (height - ih * scale) / 2, iw * scale, ih * scale, mask="auto")
        left = 10 + side
    room = width - left - 6
    font_size = 11.0
    office_font = kai_or_sans(office)  # a rare character in the name: all of it in SANS
    while c.stringWidth(office, office_font, font_size) > room and font_size > 6:
        font_size -= 0.5
    c.setFillColor(RED)
    c.setFont(office_font, font_size)
    c.drawString(left, height - 8 - font_size, office)
    c.setFillColorRGB(0.1, 0.1, 0.1)
    c.setFont(KAI, 9.5)
    c.drawString(left, height / 2 - 6, "电子签名（PAdES）")
    c.setFont(KAI, 8.5)
    c.drawString(left, 10, "签名时间：" + human_time(signed_at.isoformat(), seconds=True))
    c.showPage()
    c.save()
    return out.getvalue()


class ImportedPdfBytes(PdfContent):
    """The first page of an in-memory PDF as a form XObject (pyHanko's ImportedPdfPage
    reads only from a file)."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.data = data

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobj = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.data)), page_ix=0)
        name = b"/Stamp" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[name.decode("ascii")] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name + b" Do"


@dataclass(frozen=True)
class ChineseStampStyle(TextStampStyle):
    """A stamp style whose appearance is drawn by :func:`draw_stamp`."""

    office: str = ""
    seal_png: bytes | None = None
    timestamp_format: str = TS_FORMAT
    border_width: int = 0
    background_opacity: float = 1.0

    def create_stamp(  # type: ignore[override]
            self, writer: BasePdfFileWriter, box: layout.BoxConstraints,
            text_params: dict) -> StaticContentStamp:
        signed_at = datetime.datetime.strptime(text_params["ts"], TS_FORMAT)
        size = (float(box.width), float(box.height))
        background = ImportedPdfBytes(draw_stamp(self.office, signed_at, size, self.seal_png))
        style = StaticStampStyle(background=background, border_width=0, background_opacity=1.0,
                            background_layout=layout.SimpleBoxLayoutRule(
                                x_align=layout.AxisAlignment.ALIGN_MID,
                                y_align=layout.AxisAlignment.ALIGN_MID,
                                margins=layout.Margins.uniform(0)))
        return StaticContentStamp(writer=writer, style=style, box=box)
