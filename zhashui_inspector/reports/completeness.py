"""How far a unit's assessment is: what is still unrated or disputed, and the wording
every report uses for it, so that a result from an unfinished assessment is marked
暂定 alike in the unit report, the 整改清单, the county summary and its chart."""

from __future__ import annotations

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.reports.data import UnitData

PROVISIONAL = "暂定"


def disputed_items(data: UnitData) -> list[int]:
    """Items the inspectors still disagree on (no rating until the office resolves them)."""
    return [row.no for row in data.items if row.conflict and row.rating is None]


def unrated_count(data: UnitData) -> int:
    """Items nobody has rated yet, the disputed ones not counted."""
    return max(0, data.score.total - data.score.rated - len(disputed_items(data)))


def not_applicable_count(data: UnitData) -> int:
    return data.score.rated - data.score.applicable


def is_provisional(data: UnitData) -> bool:
    """Whether the unit's scores can change still: items unrated or disputed."""
    return not data.score.complete or data.open_conflicts > 0


def is_unassessed(data: UnitData) -> bool:
    """No item rated and none in dispute: there is nothing to report on yet."""
    return data.score.rated == 0 and not disputed_items(data)


def numbers(nos: list[int]) -> str:
    return "第 " + "、".join(str(n) for n in nos) + " 项"


def gaps(data: UnitData) -> str:
    """What is missing, e.g. "尚有 54 项未评" or "第 30 项评定分歧未裁定" ("" if nothing)."""
    parts = []
    unrated = unrated_count(data)
    if unrated:
        parts.append(f"尚有 {unrated} 项未评")
    disputed = disputed_items(data)
    if disputed:
        parts.append(f"{numbers(disputed)}评定分歧未裁定")
    return "，".join(parts)


def unrated_areas(data: UnitData, catalogue: Catalogue) -> list[str]:
    """Numerals of the areas without any rated item (their score is missing, so the
    policy's condition on every area's score could not look at them)."""
    rated = {row.no for row in data.items if row.rating}
    return [area.numeral for area in catalogue.areas
            if not any(item.no in rated for item in area.items)]


def suggested_text(data: UnitData) -> str:
    """The suggested outcome as tables print it: "黄牌（暂定）" while provisional."""
    if data.suggested is None:
        return "—"
    return f"{data.suggested}（{PROVISIONAL}）" if is_provisional(data) else data.suggested


def progress_text(data: UnitData) -> str:
    """"22 / 76 项（未评完）" style progress, naming the disputed items."""
    score = data.score
    text = f"{score.rated} / {score.total} 项"
    if is_unassessed(data):
        return text + "（尚未评定）"
    return text + (f"（未评完：{gaps(data)}）" if is_provisional(data) else "")
