"""The visible signature stamp: every text whole, readable and inside the frame."""

from __future__ import annotations

import datetime
import html
import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from reports_support import make_p12, page_count

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.reports.checklist import render_checklist
from zhashui_inspector.reports.signing import sign_pdf, verify_pdf
from zhashui_inspector.reports.stamp import STAMP_SIZE, draw_stamp

OFFICE = "中共柞水县委全面依法治县委员会办公室"
LONG = (OFFICE * 3)[:40]
SIGNED_AT = datetime.datetime(2026, 12, 1, 14, 5, 33,
                              tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
FRAME = 1.6  # the red frame's inner edge, points from the stamp's edge


def seal_png() -> bytes:
    img = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse([5, 5, 195, 195], outline=(200, 0, 0, 255), width=10)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def text_lines(pdf: Path, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    """Each text line poppler finds on `page`: (text, xMin, yMin, xMax, yMax), y from the
    top."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page),
                          str(pdf), "-"], capture_output=True, check=True).stdout.decode("utf-8")
    lines = []
    for attrs, body in re.findall(r"<line ([^>]*)>(.*?)</line>", xml, re.DOTALL):
        box = dict(re.findall(r'(\w+)="([\d.]+)"', attrs))
        words = [html.unescape(w) for w in re.findall(r"<word [^>]*>(.*?)</word>", body)]
        lines.append((" ".join(words), float(box["xMin"]), float(box["yMin"]),
                      float(box["xMax"]), float(box["yMax"])))
    return lines


@pytest.mark.parametrize(("office", "sealed"), [
    ("柞水县委依法治县办", False), (OFFICE, True), (OFFICE, False), (LONG, False), (LONG, True),
    ((OFFICE * 4)[:64], True),  # far longer than any real office's name
], ids=["short", "office-seal", "office", "40-chars", "40-chars-seal", "64-chars-seal"])
def test_every_text_of_the_stamp_is_whole_readable_and_inside(office: str, sealed: bool,
                                                               tmp_path: Path) -> None:
    pdf = tmp_path / "stamp.pdf"
    pdf.write_bytes(draw_stamp(office, SIGNED_AT, STAMP_SIZE, seal_png() if sealed else None))
    width, height = STAMP_SIZE
    lines = text_lines(pdf)  # poppler drops whatever falls outside the page
    assert "".join(t.replace(" ", "") for t, *_ in lines) == \
        office + "电子签名（PAdES）签名时间：2026年12月01日14:05:33"
    assert "".join(t for t, *_ in lines if t in office) == office  # its own lines, in order
    for text, x0, y0, x1, y1 in lines:
        assert FRAME + 2 <= x0 and x1 <= width - FRAME - 2, (text, x0, x1)
        assert FRAME + 2 <= y0 and y1 <= height - FRAME - 2, (text, y0, y1)
        assert y1 - y0 >= 7 - 1e-6, (text, y1 - y0)  # the line's height is the font size
        if sealed:
            assert x0 >= 10 + 40, text  # right of the seal, which never shrinks below 40 pt
    # the lines do not run into one another
    ordered = sorted(lines, key=lambda line: line[2])
    for upper, lower in zip(ordered, ordered[1:], strict=False):
        assert upper[4] <= lower[2] + 1e-6, (upper, lower)


def test_a_short_name_keeps_one_line_and_the_time_one_line(tmp_path: Path) -> None:
    pdf = tmp_path / "stamp.pdf"
    pdf.write_bytes(draw_stamp(OFFICE, SIGNED_AT, STAMP_SIZE))
    texts = [t for t, *_ in text_lines(pdf)]
    assert texts == [OFFICE, "电子签名（PAdES）", "签名时间：2026年12月01日 14:05:33"]


def test_the_signed_stamp_beside_the_seal_shows_the_whole_time(tmp_path: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    p12, cert = make_p12(tmp_path / "keys", OFFICE, "stamp-pass")
    unsigned = render_checklist(tmp_path / "doc.pdf", Catalogue.load(), unit="县交通局")
    seal = tmp_path / "seal.png"
    seal.write_bytes(seal_png())
    out = tmp_path / "signed.pdf"
    sign_pdf(unsigned, out, p12, "stamp-pass", signer_name=OFFICE, seal=seal)
    result = verify_pdf(out, [cert])
    assert result.ok and result.signing_time is not None
    at = result.signing_time.astimezone()

    (sig,) = PdfFileReader(io.BytesIO(out.read_bytes()), strict=False).embedded_signatures
    x1, y1, x2, y2 = (float(v) for v in sig.sig_field["/Rect"])
    page_height = 841.89
    top, bottom = page_height - y2, page_height - y1  # as poppler counts, from the top
    stamp = [line for line in text_lines(out, page_count(out))
             if x1 <= (line[1] + line[3]) / 2 <= x2 and top <= (line[2] + line[4]) / 2 <= bottom]
    for text, x0, y0, x3, y3 in stamp:
        assert x1 < x0 and x3 < x2 and top < y0 and y3 < bottom, text
    assert "".join(t.replace(" ", "") for t, *_ in stamp) == \
        f"{OFFICE}电子签名（PAdES）签名时间：{at.year}年{at.month:02d}月{at.day:02d}日" \
        f"{at.hour:02d}:{at.minute:02d}:{at.second:02d}"
