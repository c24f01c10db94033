"""The Kai font is a renamed subset of LXGW WenKai; a text it cannot set goes to SANS."""

from __future__ import annotations

import datetime
import importlib.util
import re
import struct
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from zhashui_inspector.reports.fonts import KAI, SANS, has_glyphs, kai_or_sans
from zhashui_inspector.reports.layout import para
from zhashui_inspector.reports.stamp import STAMP_SIZE, draw_stamp
from zhashui_inspector.reports.styles import esc, style_for, styles

REPO = Path(__file__).resolve().parent.parent
FONTS = REPO / "resources" / "fonts"
KAI_FILE = FONTS / "ZhashuiKai-Regular.ttf"
# Common in given names and office names, outside GB 2312 and so outside the subset; both
# are in WenQuanYi Micro Hei.
RARE = "堃喆"


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("subset_kai_font",
                                                  REPO / "tools" / "subset_kai_font.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def name_records(path: Path) -> dict[int, set[str]]:
    """The font's `name` table: name ID → the strings of all its platform/language records."""
    data = path.read_bytes()
    count = struct.unpack_from(">H", data, 4)[0]
    for i in range(count):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        if tag == b"name":
            break
    else:
        raise AssertionError("no name table")
    _format, n, strings = struct.unpack_from(">HHH", data, offset)
    records: dict[int, set[str]] = {}
    for i in range(n):
        platform, _enc, _lang, name_id, length, at = struct.unpack_from(
            ">HHHHHH", data, offset + 6 + 12 * i)
        raw = data[offset + strings + at:offset + strings + at + length]
        text = raw.decode("utf-16-be") if platform in (0, 3) else raw.decode("mac_roman")
        records.setdefault(name_id, set()).add(text)
    return records


def test_the_subset_does_not_carry_the_reserved_font_names() -> None:
    """OFL-1.1 §3: a Modified Version may not use "LXGW" or "霞鹜" as its name."""
    records = name_records(KAI_FILE)
    naming = {1, 2, 3, 4, 6, 16, 17, 18, 21, 22}
    for name_id in naming & records.keys():
        for text in records[name_id]:
            assert "LXGW" not in text.upper() and "霞鹜" not in text, (name_id, text)
    assert records[1] == {"Zhashui Kai"} and records[6] == {"ZhashuiKai-Regular"}
    # The copyright notice and the licence travel with the font (§2).
    assert any("LXGW" in text for text in records[0])
    assert any("Open Font License" in text for text in records[13])
    licence = (FONTS / "ZhashuiKai.LICENSE.txt").read_text(encoding="utf-8")
    assert "Modified Version" in licence and "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert not list(FONTS.glob("LXGW*"))  # the full font is no longer shipped


def test_the_subset_is_small_and_covers_gb2312_and_every_report_text() -> None:
    assert KAI_FILE.stat().st_size < 4 * 2**20
    tool = load_tool()
    missing = sorted(ch for ch in tool.gb2312() if not has_glyphs(KAI, ch))
    assert not missing, "".join(missing)
    # What the PDFs print of the program's own: the catalogue and the reports' texts.
    # A character the Kai subset lacks falls back to SANS, which must then have it.
    texts = set((REPO / "data" / "standards.toml").read_text(encoding="utf-8"))
    for path in (REPO / "zhashui_inspector" / "reports").rglob("*.py"):
        texts |= set(path.read_text(encoding="utf-8"))
    unprintable = sorted(ch for ch in texts if ch.isprintable()
                         and not has_glyphs(KAI, ch) and not has_glyphs(SANS, ch))
    assert not unprintable, unprintable


def test_kai_is_kept_for_texts_it_covers_and_sans_takes_the_rest() -> None:
    assert not has_glyphs(KAI, RARE) and has_glyphs(SANS, RARE)
    assert kai_or_sans("柞水县委依法治县办（2024）") == KAI
    assert kai_or_sans(f"柞水县{RARE}办") == SANS
    assert kai_or_sans("  \n") == KAI
    assert style_for("kicker", esc("柞水县委依法治县办")) is styles()["kicker"]
    fallback = style_for("kicker", esc(f"柞水县{RARE[0]}办"))
    assert fallback.fontName == SANS
    assert (fallback.fontSize, fallback.alignment) == (styles()["kicker"].fontSize,
                                                       styles()["kicker"].alignment)
    assert style_for("body", esc(RARE)) is styles()["body"]  # a SANS style stays as it is


def fonts_of_runs(pdf: Path) -> dict[str, str]:
    """Each text run of the PDF → the font poppler draws it with."""
    xml = subprocess.run(["pdftohtml", "-xml", "-stdout", "-i", str(pdf)], capture_output=True,
                         text=True, encoding="utf-8", check=True).stdout
    fonts = dict(re.findall(r'<fontspec id="(\d+)"[^>]*family="([^"]+)"', xml))
    return {text: fonts[font] for font, text in re.findall(r'<text [^>]*font="(\d+)">(.*?)</text>',
                                                            xml)}


@pytest.mark.parametrize("office", [f"柞水县{RARE}办公室", "柞水县委依法治县办"])
def test_no_text_set_in_kai_lacks_a_glyph(office: str, tmp_path: Path) -> None:
    from reportlab.platypus import SimpleDocTemplate

    expected = "WenQuanYi" if RARE[0] in office else "ZhashuiKai"
    pdf = tmp_path / "kicker.pdf"
    SimpleDocTemplate(str(pdf)).build([para(esc(office), "kicker"),
                                       para(esc(f"{office}复查情况"), "h2")])
    runs = fonts_of_runs(pdf)
    assert expected in runs[office] and expected in runs[f"{office}复查情况"], runs

    stamp = tmp_path / "stamp.pdf"
    signed_at = datetime.datetime(2024, 3, 5, 9, 30, tzinfo=datetime.UTC)
    stamp.write_bytes(draw_stamp(office, signed_at, STAMP_SIZE))
    runs = fonts_of_runs(stamp)
    assert expected in runs[office], runs
    assert "ZhashuiKai" in runs["电子签名（PAdES）"]  # the fixed texts keep the Kai face
