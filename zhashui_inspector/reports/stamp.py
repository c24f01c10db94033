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
import math
import re
import uuid
from dataclasses import dataclass

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import StaticContentStamp, StaticStampStyle, TextStampStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas

from zhashui_inspector.reports.fonts import KAI, ensure_fonts, kai_or_sans
from zhashui_inspector.reports.styles import RED, human_time

STAMP_SIZE = (190.0, 78.0)  # points: about 67 × 27.5 mm
TS_FORMAT = "%Y-%m-%dT%H:%M:%S%z"

LABEL = "电子签名（PAdES）"
TIME_LABEL = "签名时间："
NAME_MAX, LABEL_MAX, TIME_MAX = 11.0, 9.5, 8.5  # points: the sizes when there is room
MIN_SIZE = 7.0     # no text is set smaller while any layout avoids it
COMFORT = 8.0      # a name at least this size takes as few lines as it can
MAX_NAME_LINES = 5
PAD = 6.0          # text stays this far inside the stamp's edge (the frame is 1.6 pt deep)
MIN_GAP = 2.0      # points between the name, the label and the time at the least
SEAL_MIN = 40.0    # points: the seal shrinks this far (about 14 mm) to leave the text room


@dataclass(frozen=True)
class _Line:
    text: str
    font: str
    size: float
    indent: float = 0.0  # from the text column's left edge


@dataclass(frozen=True)
class _Layout:
    seal: float                      # side of the seal's square; 0 without a seal
    blocks: tuple[tuple[_Line, ...], ...]  # name, label, time: top, middle, bottom

    @property
    def name_size(self) -> float:
        return self.blocks[0][0].size


def draw_stamp(office: str, signed_at: datetime.datetime, size: tuple[float, float],
               seal: bytes | None = None) -> bytes:
    """The stamp as a one-page PDF of exactly `size` points.

    The office name, "电子签名（PAdES）" and the signing time (to the second) always show
    whole inside the frame: a long name wraps onto up to five lines, the time goes onto
    two lines (date / clock) when one is too narrow, sizes come down to 7 pt, and the
    seal shrinks when that is still not enough."""
    ensure_fonts()
    width, height = size
    reader = ImageReader(io.BytesIO(seal)) if seal else None
    plan = _plan(office, human_time(signed_at.isoformat(), seconds=True), size,
                 reader is not None)
    out = io.BytesIO()
    c = Canvas(out, pagesize=size, pageCompression=1)
    c.setStrokeColor(RED)
    c.setLineWidth(1.2)
    c.roundRect(1, 1, width - 2, height - 2, 4)
    left = 8.0
    if reader is not None:
        iw, ih = reader.getSize()
        scale = min(plan.seal / iw, plan.seal / ih)
        c.drawImage(reader, 5 + (plan.seal - iw * scale) / 2, (height - ih * scale) / 2,
                    iw * scale, ih * scale, mask="auto")
        left = 10 + plan.seal
    heights = [_block_height(block) for block in plan.blocks]
    gap = (height - 2 * PAD - sum(heights)) / (len(heights) - 1)
    top = height - PAD
    for k, block in enumerate(plan.blocks):
        if k == 0:
            c.setFillColor(RED)
        else:
            c.setFillColorRGB(0.1, 0.1, 0.1)
        for line in block:
            ascent, _descent = getAscentDescent(line.font, line.size)
            c.setFont(line.font, line.size)
            c.drawString(left + line.indent, top - ascent, line.text)
            top -= _pitch(line)
        top += _pitch(block[-1]) - _line_height(block[-1]) - gap
    c.showPage()
    c.save()
    return out.getvalue()


def _line_height(line: _Line) -> float:
    ascent, descent = getAscentDescent(line.font, line.size)
    return float(ascent - descent)


def _pitch(line: _Line) -> float:
    return max(1.2 * line.size, _line_height(line))


def _block_height(block: tuple[_Line, ...]) -> float:
    return sum(_pitch(line) for line in block[:-1]) + _line_height(block[-1])


def _plan(office: str, when: str, size: tuple[float, float], has_seal: bool) -> _Layout:
    """The layout with the biggest seal that sets every text at least MIN_SIZE; the name on
    as few lines as keep it at COMFORT or more, else on those that set it largest. A name
    no layout sets at MIN_SIZE (some 60 characters beside a seal) is set as large as it
    can be, smaller."""
    width, height = size
    full = height - 10
    seals = [full - 4 * k for k in range(int((full - SEAL_MIN) // 4) + 1)] if has_seal else [0.0]

    def layouts(seal: float, floor: float) -> list[_Layout]:
        room = width - (10 + seal if has_seal else 8.0) - 6
        return [plan for lines in range(1, MAX_NAME_LINES + 1)
                if (plan := _fit(office, when, room, height, seal, lines, floor))]

    for seal in seals:
        found = layouts(seal, MIN_SIZE)
        comfortable = [p for p in found if p.name_size >= COMFORT]
        if comfortable:
            return min(comfortable, key=lambda p: len(p.blocks[0]))
        if found:
            return max(found, key=lambda p: (p.name_size, -len(p.blocks[0])))
    found = [plan for seal in seals for plan in layouts(seal, 0.5)]
    if not found:
        raise ValueError(f"office name too long for the signature stamp: {office}")
    return max(found, key=lambda p: (p.name_size, p.seal, -len(p.blocks[0])))


def _fit(office: str, when: str, room: float, height: float, seal: float, lines: int,
         floor: float) -> _Layout | None:
    """The stamp with the name on `lines` lines across `room` points, or None if some text
    would be smaller than `floor` or the texts do not fit above one another."""
    font = kai_or_sans(office)  # a rare character in the name: all of it in SANS
    parts = _wrap(office, font, lines)
    if len(parts) < lines:
        return None
    name_size = _size_for(max(stringWidth(p, font, 1) for p in parts), room, NAME_MAX)
    label = (_Line(LABEL, KAI, _size_for(stringWidth(LABEL, KAI, 1), room, LABEL_MAX)),)
    date, clock = when.rsplit(" ", 1)
    one = TIME_LABEL + when
    time_size = _size_for(stringWidth(one, KAI, 1), room, TIME_MAX)
    if time_size >= COMFORT:
        time: tuple[_Line, ...] = (_Line(one, KAI, time_size),)
    else:  # date on one line, the clock under the date
        time_size = _size_for(stringWidth(TIME_LABEL + date, KAI, 1), room, TIME_MAX)
        indent = stringWidth(TIME_LABEL, KAI, time_size)
        time = (_Line(TIME_LABEL + date, KAI, time_size),
                _Line(clock, KAI, time_size, indent))
    if min(label[0].size, time_size) < floor:
        return None
    while name_size >= floor:
        name = tuple(_Line(p, font, name_size) for p in parts)
        blocks = (name, label, time)
        if sum(_block_height(b) for b in blocks) + 2 * MIN_GAP <= height - 2 * PAD:
            return _Layout(seal, blocks)
        name_size -= 0.5
    return None


def _size_for(width_at_1pt: float, room: float, largest: float) -> float:
    """The largest size in half points, up to `largest`, at which a text fits `room`."""
    return min(largest, math.floor(room / width_at_1pt * 2 + 1e-9) / 2)


_TOKEN = re.compile(r"[（《「“‘(\[]*(?:[A-Za-z0-9.\-]+|.)[）》」”’)\]，、。：；！？,;:!?]*",
                    re.DOTALL)


def _wrap(text: str, font: str, lines: int) -> list[str]:
    """`text` broken into at most `lines` lines as even as can be (the longest as short as
    possible); a word of Latin letters or digits and punctuation stay with their neighbour."""
    tokens = _TOKEN.findall(text)
    lines = min(lines, len(tokens))
    if lines <= 1:
        return [text]
    widths = [stringWidth(t, font, 1) for t in tokens]
    starts = [0.0]
    for w in widths:
        starts.append(starts[-1] + w)
    n = len(tokens)
    # best[k][i]: the narrowest widest line when the first i tokens make k lines
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(lines + 1)]
    cut = [[0] * (n + 1) for _ in range(lines + 1)]
    best[0][0] = 0.0
    for k in range(1, lines + 1):
        for i in range(k, n + 1):
            for j in range(k - 1, i):
                widest = max(best[k - 1][j], starts[i] - starts[j])
                if widest < best[k][i]:
                    best[k][i], cut[k][i] = widest, j
    out: list[str] = []
    i = n
    for k in range(lines, 0, -1):
        j = cut[k][i]
        out.append("".join(tokens[j:i]))
        i = j
    return out[::-1]


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
