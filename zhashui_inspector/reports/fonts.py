"""The CJK fonts every PDF embeds (as subsets), registered with reportlab once per process.

WenQuanYi Micro Hei (黑体-like, TrueType outlines inside a .ttc) sets the text; LXGW
WenKai (楷体-like, a plain .ttf) sets headings of the second rank and the signature
stamp. Both have glyf outlines, which reportlab can subset; CFF-outlined fonts such as
Noto CJK cannot be embedded by reportlab at all.
"""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from zhashui_inspector.paths import resource_path

SANS = "ZhSans"
KAI = "ZhKai"

_FILES = {
    SANS: ("wqy-microhei.ttc", 0),
    KAI: ("LXGWWenKai-Regular.ttf", None),
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
