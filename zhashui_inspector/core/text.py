"""Small text rules shared by every layer: how characters are counted, how item lists are written."""

from __future__ import annotations

from collections.abc import Iterable

from zhashui_inspector.core.errors import ValidationError


def count_chars(text: str) -> int:
    """Characters of a self-report as the notice limits them: every character except whitespace."""
    return sum(1 for ch in text if not ch.isspace())


def clip(text: str, limit: int, note: str = "…") -> str:
    """`text` cut after `limit` characters with `note` after the cut (`{0}` in the note is
    the number of characters left out); shorter text is returned as it is.

    Screens use it for texts that come from other people's files: one 10 MB comment in a
    label or a table cell keeps a window from answering for tens of seconds.
    """
    if len(text) <= limit:
        return text
    return text[:limit] + note.format(len(text) - limit)


def parse_item_spec(spec: str, valid: Iterable[int]) -> list[int]:
    """Turn `all`, `7`, `1,3,5-9` into sorted item numbers; every number must be in `valid`."""
    valid_set = set(valid)
    spec = spec.strip().replace("，", ",").replace("－", "-").replace("–", "-")
    if spec.lower() == "all":
        return sorted(valid_set)
    numbers: set[int] = set()
    for part in filter(None, (p.strip() for p in spec.split(","))):
        try:
            if "-" in part:
                lo_text, hi_text = part.split("-", 1)
                lo, hi = int(lo_text), int(hi_text)
                if lo > hi:
                    raise ValueError(part)
                numbers.update(range(lo, hi + 1))
            else:
                numbers.add(int(part))
        except ValueError:
            raise ValidationError(f"指标编号“{part}”无法识别，应写作 7、1,3,5-9 或 all") from None
    if not numbers:
        raise ValidationError("没有给出指标编号")
    unknown = sorted(numbers - valid_set)
    if unknown:
        raise ValidationError(f"创建标准中没有第 {unknown[0]} 项指标")
    return sorted(numbers)
