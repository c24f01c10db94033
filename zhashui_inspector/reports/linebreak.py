"""Chinese line breaking for every paragraph of every document (`layout.Para`).

reportlab breaks CJK text between any two characters, and its list of characters that
may not start a line is made for Japanese: it lacks the full-width comma, semicolon,
colon, question and exclamation marks, so lines started with "，" or "；". The few it
knows it hangs past the right edge instead, and a "。" at the end of a full line was
drawn over the cell's border. Here a line never starts with closing punctuation nor
ends with opening punctuation (GB/T 15834): the break moves back, and the character
before the punctuation goes down to the next line with it. Nothing is ever drawn past
the width given.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

NO_LINE_START = frozenset(ALL_CANNOT_START + "，。、；：？！）》」』】〕〗〉”’…·％‰℃"
                          "．，；：？！）］｝,.;:?!)]}%")
NO_LINE_END = frozenset(ALL_CANNOT_END + "（《「『【〔〖〈“‘([{")


def _is_latin(ch: str) -> bool:
    return bool(ch) and ord(ch) < 0x3000 and not ch.isspace()


def _allowed(chars: Sequence[str], cut: int) -> bool:
    return chars[cut] not in NO_LINE_START and chars[cut - 1] not in NO_LINE_END


def break_before(chars: Sequence[str], start: int, stop: int) -> int:
    """Where the line that began at `start` ends, given that `chars[stop]` no longer
    fits on it: at `stop`, or earlier so that no rule is broken and a Latin word or
    number is not cut (after the last space or CJK character in the line's second half)."""
    cut = stop
    if _is_latin(chars[cut]) and _is_latin(chars[cut - 1]):
        for j in range(cut - 1, (start + cut) // 2, -1):
            if chars[j].isspace() or (chars[j] and ord(chars[j]) >= 0x3000):
                cut = j + 1
                break
    back = cut
    while back > start + 1 and not _allowed(chars, back):
        back -= 1
    return back if _allowed(chars, back) else cut


def line_spans(chars: Sequence[str], widths: Sequence[float], max_widths: Sequence[float],
               forced: Sequence[bool] = ()) -> list[tuple[int, int, bool]]:
    """The lines as (start, end, ended by a forced break) over `chars` of `widths`; the
    n-th line is at most `max_widths[n]` wide (the last width for the lines after)."""
    spans: list[tuple[int, int, bool]] = []
    start = i = 0
    used = 0.0
    limit = max_widths[0]
    count = len(chars)
    while i < count:
        used += widths[i]
        if forced and forced[i]:
            spans.append((start, i + 1, True))
            start = i = i + 1
        elif used > limit + _FUZZ and i > start:
            cut = break_before(chars, start, i)
            spans.append((start, cut, False))
            start = i = cut
        else:
            i += 1
            continue
        used = 0.0
        limit = max_widths[min(len(spans), len(max_widths) - 1)]
    if start < count:
        spans.append((start, count, False))
    return spans


@cache
def _widths(font: str, size: float) -> dict[str, float]:
    return {}


def char_widths(text: str, font: str, size: float) -> list[float]:
    """The width of each character of `text` (measured once per font and size)."""
    known = _widths(font, size)
    out = []
    for ch in text:
        width = known.get(ch)
        if width is None:
            width = known[ch] = stringWidth(ch, font, size)
        out.append(width)
    return out


def single_frag_lines(text: str, font: str, size: float,
                      max_widths: Sequence[float]) -> list[tuple[float, list[str]]]:
    """Lines of a paragraph in one font and size, as reportlab draws them: (room left,
    [text]) each; spaces at an automatic break are dropped."""
    widths = char_widths(text, font, size)
    lines = []
    for n, (start, end, _forced) in enumerate(line_spans(text, widths, max_widths)):
        while end > start and text[end - 1] == " ":
            end -= 1
        while n and start < end and text[start] == " ":
            start += 1
        limit = max_widths[min(n, len(max_widths) - 1)]
        lines.append((limit - sum(widths[start:end]), [text[start:end]]))
    return lines


def frag_lines(frags: Sequence[Any], max_widths: Sequence[float], calc_bounds: bool) -> Any:
    """Lines of a paragraph of several fragments (fonts, colours, <br/>), in reportlab's
    own form (what its `cjkFragSplit` makes, broken by the rules above)."""
    chars: list[Any] = []
    for f in frags:
        text = f.text
        if text:
            chars.extend(cjkU(t, f, "utf8") for t in text)
        else:
            chars.append(cjkU(text, f, "utf8"))
    widths = []
    for u in chars:
        w = u.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_widths[0]
            w = w.normalizedValue(max_widths[0])
        widths.append(w)
    forced = [hasattr(u.frag, "lineBreak") for u in chars]
    lines = []
    for n, (start, end, was_forced) in enumerate(line_spans(chars, widths, max_widths, forced)):
        limit = max_widths[min(n, len(max_widths) - 1)]
        used = sum(widths[start:end])
        lines.append(makeCJKParaLine(chars[start:end], limit, used, limit - used, was_forced,
                                     calc_bounds))
    return ParaLines(kind=1, lines=lines)
