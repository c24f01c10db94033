"""Which stage of the round today falls in, and how many days it has left, in plain words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from zhashui_inspector.core.records import RoundStage


@dataclass(frozen=True)
class StageStatus:
    text: str
    stage: RoundStage | None = None
    days_left: int | None = None   # days including today; None outside every stage

    @property
    def in_round(self) -> bool:
        return self.stage is not None


def format_span(start: date, end: date) -> str:
    """2023年11月17日—12月8日 (the year once when both dates share it)."""
    head = f"{start.year}年{start.month}月{start.day}日"
    tail = f"{end.month}月{end.day}日" if end.year == start.year \
        else f"{end.year}年{end.month}月{end.day}日"
    return f"{head}—{tail}"


def stage_status(stages: Sequence[RoundStage], today: date) -> StageStatus:
    if not stages:
        return StageStatus("本轮复查未设定阶段日期")
    for stage in stages:
        if stage.start <= today <= stage.end:
            left = (stage.end - today).days + 1
            when = "今天是最后一天" if left == 1 else f"含今天还剩 {left} 天"
            return StageStatus(f"当前阶段：{stage.name}（{format_span(stage.start, stage.end)}），"
                               f"{when}", stage, left)
    first = min(s.start for s in stages)
    last = max(s.end for s in stages)
    span = format_span(first, last)
    if today < first:
        upcoming = min(stages, key=lambda s: s.start)
        return StageStatus(f"今天不在本轮复查的任何阶段内（{span}）："
                           f"“{upcoming.name}”{(first - today).days} 天后开始")
    if today > last:
        return StageStatus(f"今天不在本轮复查的任何阶段内（{span}）：本轮已结束")
    following = min((s for s in stages if s.start > today), key=lambda s: s.start)
    return StageStatus(f"今天不在本轮复查的任何阶段内（{span}）："
                       f"下一阶段“{following.name}”{(following.start - today).days} 天后开始")
