"""Scores and the suggested outcome, computed from a unit's ratings under a policy table.

The program suggests; a person decides. Percentages run from 0 to 100; an item rated
不适用 (points None) leaves both numerator and denominator.

The sums are exact: each number of the policy counts as the decimal it is written as
(0.8 points is 4/5, not the binary float next to it). In floats, nine items at 0.8 points
score 79.99999999999999 %, shown as 80.0 % and yet below a threshold of 80 %.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from zhashui_inspector.core.catalogue import Catalogue, Policy

NOT_APPLICABLE = "不适用"


@dataclass(frozen=True)
class UnitScore:
    overall: float | None
    areas: dict[int, float | None]
    rated: int
    total: int
    applicable: int
    suggested: str | None
    complete: bool
    vetoed_by: tuple[int, ...] = field(default=())
    # items the inspectors rated but disagree on: no merged rating until the office rules,
    # so they are neither in the score nor unrated
    disputed: int = 0

    @property
    def inspected(self) -> int:
        """Items rated, the disputed ones included: what 已评 counts on every screen,
        sheet and report."""
        return self.rated + self.disputed

    @property
    def unrated(self) -> int:
        """Items nobody has rated yet."""
        return self.total - self.inspected

    def to_json(self) -> dict[str, object]:
        return {
            "overall": _round(self.overall),
            "areas": {str(k): _round(v) for k, v in self.areas.items()},
            "rated": self.rated,
            "total": self.total,
            "applicable": self.applicable,
            "suggested": self.suggested,
            "complete": self.complete,
            "vetoed_by": list(self.vetoed_by),
            "disputed": self.disputed,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def score_unit(
    catalogue: Catalogue, ratings: Mapping[int, str | None], policy: Policy | None = None,
    disputed: Collection[int] = (),
) -> UnitScore:
    """Score one unit: `ratings` maps item number to rating (None or missing = not rated);
    `disputed`: the items in open dispute (those without a rating count as rated, not
    scored)."""
    policy = policy or catalogue.policy
    points_of = {r: None if p is None else exact(p) for r, p in policy.points.items()}
    earned_total = weight_total = Fraction(0)
    areas: dict[int, Fraction | None] = {}
    rated = applicable = 0
    for area in catalogue.areas:
        earned = weight = Fraction(0)
        for item in area.items:
            rating = ratings.get(item.no)
            if rating is None:
                continue
            rated += 1
            points = points_of.get(rating)
            if points is None:
                continue
            applicable += 1
            w = exact(policy.weights.get(item.no, 1.0))
            earned += w * points
            weight += w
        areas[area.no] = 100 * earned / weight if weight else None
        earned_total += earned
        weight_total += weight
    overall = 100 * earned_total / weight_total if weight_total else None
    total = len(catalogue.items())
    vetoed = tuple(
        sorted(no for no in policy.veto_items if ratings.get(no) == _lowest_rating(policy))
    )
    suggested = suggest_outcome(policy, overall, areas, vetoed)
    return UnitScore(_float(overall), {no: _float(v) for no, v in areas.items()}, rated, total,
                     applicable, suggested, rated == total, vetoed,
                     sum(1 for no in set(disputed) if ratings.get(no) is None))


def exact(value: Fraction | float) -> Fraction:
    """A number of the policy (or a score) as the decimal it is written as: a float by its
    shortest repr, which is what JSON and the screen show."""
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _lowest_rating(policy: Policy) -> str:
    scored = [(p, r) for r, p in policy.points.items() if p is not None]
    return min(scored)[1]


def suggest_outcome(
    policy: Policy,
    overall: Fraction | float | None,
    areas: Mapping[int, Fraction | float | None],
    vetoed_by: tuple[int, ...] = (),
) -> str | None:
    """The first outcome whose thresholds hold; a veto caps it. None when nothing is scored
    yet. Scores given as floats are taken as the decimals they print as."""
    if overall is None:
        return None
    score = exact(overall)
    area_scores = [exact(v) for v in areas.values() if v is not None]
    order = [t.outcome for t in policy.thresholds]
    chosen = order[-1]
    for threshold in policy.thresholds:
        if threshold.overall_min is not None and score < exact(threshold.overall_min):
            continue
        if threshold.area_min is not None and any(
            v < exact(threshold.area_min) for v in area_scores
        ):
            continue
        chosen = threshold.outcome
        break
    if vetoed_by and policy.veto_outcome in order:
        chosen = order[max(order.index(chosen), order.index(policy.veto_outcome))]
    return chosen


# The words for a result that can still change, on every screen, report and sheet: a
# suggestion from an unfinished assessment is 暂定; an item the inspectors disagree on
# reads 待定 until the office rules on it (裁定).
PROVISIONAL = "暂定"
PENDING = "待定（评定分歧未裁定）"


def provisional_note(unrated: int, open_conflicts: int = 0) -> str:
    """Why a suggested outcome is only provisional, "" when it is not: "暂定，尚有 54 项未评"
    (the reports call such results 暂定 too)."""
    missing = [f"{count} 项{what}" for count, what in
               ((unrated, "未评"), (open_conflicts, "分歧未裁定")) if count]
    return f"{PROVISIONAL}，尚有 {'、'.join(missing)}" if missing else ""


def suggestion_text(suggested: str | None, unrated: int, open_conflicts: int = 0) -> str:
    """A suggestion as the screens show it: "黄牌", "黄牌（暂定，尚有 54 项未评）", or "—"."""
    if not suggested:
        return "—"
    note = provisional_note(unrated, open_conflicts)
    return f"{suggested}（{note}）" if note else suggested


def describe_policy(policy: Policy) -> list[str]:
    """The policy as lines of Chinese text, for reports and the CLI."""
    lines = [policy.label]
    pts = "，".join(
        f"{r} {'不计入' if p is None else f'{p:g} 分'}" for r, p in policy.points.items()
    )
    lines.append(f"计分：{pts}；得分率 = 得分 ÷ 适用指标权重之和 × 100")
    weighted = [(no, w) for no, w in sorted(policy.weights.items()) if w != 1.0]
    if weighted:
        listed = "、".join(f"第 {no} 项 {w:g}" for no, w in weighted)
        lines.append(f"权重：{listed}，其余各项 1")
    for t in policy.thresholds:
        cond = []
        if t.overall_min is not None:
            cond.append(f"总得分率 ≥ {t.overall_min:g}%")
        if t.area_min is not None:
            cond.append(f"各领域得分率均 ≥ {t.area_min:g}%")
        lines.append(f"建议{t.outcome}：{'且'.join(cond) if cond else '其余情形'}")
    if policy.veto_items:
        items = "、".join(str(n) for n in policy.veto_items)
        lines.append(f"否决项：第 {items} 项未达标时，建议结果不高于{policy.veto_outcome}")
    return lines
