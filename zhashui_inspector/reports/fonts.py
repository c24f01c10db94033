"""The CJK fonts every PDF embeds (as subsets), registered with reportlab once per process.

WenQuanYi Micro Hei (黑体-like, TrueType outlines inside a .ttc) sets the text; Zhashui
Kai (楷体-like, a plain .ttf) sets headings of the second rank and the signature stamp.
Both have glyf outlines, which reportlab can subset; CFF-outlined fonts such as Noto CJK
cannot be embedded by reportlab at all.

Zhashui Kai is LXGW WenKai cut down to GB 2312 and the program's own texts
(tools/subset_kai_font.py), renamed as its licence asks of a modified font. A text with
a character it lacks (a rare character in a name) is set in SANS instead: `kai_or_sans`.
A character neither font has (U+4DAE, U+20BB7 in a name) prints as the typesetter's
placeholder 〓, so the gap shows on paper and in the text layer instead of leaving a name
silently short: `printable`, and `styles.glyph_markup` for paragraphs.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Container

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from zhashui_inspector.paths import resource_path

SANS = "ZhSans"
KAI = "ZhKai"
PLACEHOLDER = "〓"  # U+3013 GETA MARK, in both fonts

_FILES = {
    SANS: ("wqy-microhei.ttc", 0),
    KAI: ("ZhashuiKai-Regular.ttf", None),
}
_lock = threading.Lock()
_registered: set[str] = set()


def ensure_fonts() -> None:
    """Register the bundled fonts under SANS and KAI (cheap after the first call)."""
    if len(_registered) == len(_FILES):
        return
    with _lock:
        for name, (file_name, index) in _FILES.items():
            if name in _registered:
                continue
            path = str(resource_path("fonts", file_name))
            font = TTFont(name, path) if index is None else TTFont(name, path, subfontIndex=index)
            pdfmetrics.registerFont(font)
            _registered.add(name)


def coverage(font_name: str) -> Container[int]:
    """The code points the registered font has a glyph for."""
    ensure_fonts()
    cmap: Container[int] = pdfmetrics.getFont(font_name).face.charToGlyph
    return cmap


def has_glyphs(font_name: str, text: str) -> bool:
    """Whether the registered font has a glyph for every visible character of `text`."""
    cmap = coverage(font_name)
    return all(ord(ch) in cmap for ch in text if not ch.isspace())


def invisible(ch: str) -> bool:
    """A character that prints nothing by itself: a control or format character (zero-width
    joiner, byte order mark) or a variation selector (the glyph variant of the character
    before it, e.g. of an ideograph in a name)."""
    code = ord(ch)
    return (unicodedata.category(ch) in ("Cc", "Cf") or 0xFE00 <= code <= 0xFE0F
            or 0xE0100 <= code <= 0xE01EF)


def printable(text: str, font_name: str = SANS) -> str:
    """`text` as `font_name` can draw it: each character it lacks becomes PLACEHOLDER, each
    invisible one it lacks is dropped (for strings drawn straight on the canvas)."""
    cmap = coverage(font_name)
    if all(ord(ch) in cmap or ch.isspace() for ch in text):
        return text
    return "".join(ch if ord(ch) in cmap or ch.isspace() else "" if invisible(ch)
                   else PLACEHOLDER for ch in text)


def kai_or_sans(text: str) -> str:
    """KAI for a text the Kai subset can set whole, else SANS (never an empty box)."""
    return KAI if has_glyphs(KAI, text) else SANS
