"""Make resources/fonts/ZhashuiKai-Regular.ttf: the part of LXGW WenKai the PDFs can use.

LXGW WenKai sets only second-rank headings, the checklist's boxes and the signature
stamp, but the full font is 15 MB. The subset keeps every character of GB 2312 (all the
hanzi of everyday text and names, kana, Greek, Cyrillic, the GB symbols), printable
ASCII and Latin-1, general, CJK and full-width punctuation, and every character of
data/standards.toml and of the program's own source (its texts). A text with a
character outside the subset — a rare character in an office or signer's name — is set
in WenQuanYi Micro Hei instead (zhashui_inspector/reports/fonts.py), never as a box.

The font is under the SIL Open Font License 1.1 with the Reserved Font Names "LXGW" and
"霞鹜": a subset is a Modified Version, which may not carry them, so the subset is named
"Zhashui Kai" (PostScript name ZhashuiKai-Regular). The copyright, licence and trademark
records stay; the description record says what the font was made from.

Run it with any Python that has fontTools (it is not a dependency of the program; pyHanko
would bundle it if it were installed in the program's venv):

    python3 -m venv /tmp/fonttools && /tmp/fonttools/bin/pip install fonttools==4.68.0
    git show b8fb7bd:resources/fonts/LXGWWenKai-Regular.ttf > /tmp/LXGWWenKai-Regular.ttf
    /tmp/fonttools/bin/python tools/subset_kai_font.py /tmp/LXGWWenKai-Regular.ttf

The source is LXGW WenKai 1.250 (the file the repository shipped before the subset; its
SHA-256 is checked). The output depends only on that file, the fontTools version and the
repository's texts, so running it again on the same tree gives the same bytes. Run it
again when a report text gains a character outside GB 2312 (tests/test_font_subset.py
says which).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "fonts" / "ZhashuiKai-Regular.ttf"
SOURCE_SHA256 = "bbf534b0ca093928f94d1782855e65a19a32cde82b075d495d072025521953c8"
FAMILY = "Zhashui Kai"
POSTSCRIPT = "ZhashuiKai-Regular"
# Unicode blocks kept whole (the characters the font has of them).
RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ° ± × ÷ · and accented names
    (0x2010, 0x205E),  # general punctuation: – — ‘ ’ “ ” … ‰ ※
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。〈〉《》「」【】〔〕
    (0xFF01, 0xFF5E),  # full-width ASCII: ，：；！？（）
    (0xFFE0, 0xFFE6),  # full-width signs: ￥ ￡
)


def gb2312() -> set[str]:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def program_texts(root: Path = ROOT) -> set[str]:
    """Every character of the catalogue source and of the program's own source files."""
    files = [root / "data" / "standards.toml", *sorted((root / "zhashui_inspector").rglob("*.py"))]
    chars: set[str] = set()
    for path in files:
        chars.update(path.read_text(encoding="utf-8"))
    return {ch for ch in chars if ch.isprintable()}


def wanted_characters(root: Path = ROOT) -> set[str]:
    chars = gb2312() | program_texts(root)
    for first, last in RANGES:
        chars.update(chr(code) for code in range(first, last + 1))
    return chars


def rename(font) -> None:  # type: ignore[no-untyped-def]
    """Give the subset its own name (OFL §3) and say what it was made from."""
    name = font["name"]
    version = name.getDebugName(5) or ""
    # Keep copyright (0), trademark (7), manufacturer (8, 9), URLs (11, 12), licence
    # (13, 14); drop every naming record, in every language, and write our own.
    for record in list(name.names):
        if record.nameID in (1, 2, 3, 4, 5, 6, 10, 16, 17, 18, 21, 22):
            name.removeNames(nameID=record.nameID)
    description = (f"A subset of LXGW WenKai ({version}) made for Zhashui Inspector's PDF "
                   "reports: GB 2312, ASCII, Latin-1, punctuation and the program's texts. "
                   "Renamed because the original's Reserved Font Names may not be used "
                   "by a Modified Version. SIL Open Font License 1.1.")
    for name_id, text in ((1, FAMILY), (2, "Regular"), (3, f"{POSTSCRIPT};{version}"),
                          (4, f"{FAMILY} Regular"), (5, f"{version}; subset"),
                          (6, POSTSCRIPT), (10, description)):
        name.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("source", type=Path, help="LXGWWenKai-Regular.ttf, version 1.250")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:
        print("fontTools is missing: pip install fonttools==4.68.0 (see this script's help)",
              file=sys.stderr)
        return 2
    digest = hashlib.sha256(args.source.read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        print(f"{args.source} is not LXGW WenKai 1.250 (SHA-256 {digest})", file=sys.stderr)
        return 1

    font = TTFont(args.source, recalcTimestamp=False)
    cmap = font.getBestCmap()
    chars = sorted(ch for ch in wanted_characters() if ord(ch) in cmap)
    options = subset.Options()
    options.layout_features = ["*"]  # keep vertical forms and the like for the kept glyphs
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(ch) for ch in chars])
    subsetter.subset(font)
    rename(font)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    font.save(args.out)
    data = args.out.read_bytes()
    print(f"{args.out}: {len(chars)} characters, {len(data) / 2**20:.2f} MB, "
          f"SHA-256 {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
