"""How far a unit's assessment is: what is still unrated or disputed, and the wording
every report uses for it, so that a result from an unfinished assessment is marked
暂定 alike in the unit report, the 整改清单, the county summary and its chart."""

from __future__ import annotations

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.policy import PROVISIONAL
from zhashui_inspector.reports.data import UnitData


def disputed_items(data: UnitData) -> list[int]:
    """Items the inspectors still disagree on (no rating until the office resolves them)."""
    return [row.no for row in data.items if row.conflict]


def unscored_disputes(data: UnitData) -> list[int]:
    """Disputed items that are left out of the score (the merged rating is none)."""
    return [row.no for row in data.items if row.conflict and row.rating is None]


def rated_count(data: UnitData) -> int:
    """Items the inspectors have rated, the disputed ones included (their merged rating
    waits for the office): the 已评 of every screen and sheet."""
    return data.score.inspected


def unrated_count(data: UnitData) -> int:
    """Items nobody has rated yet, the disputed ones not counted."""
    return data.score.unrated


def not_applicable_count(data: UnitData) -> int:
    return data.score.rated - data.score.applicable


def is_provisional(data: UnitData) -> bool:
    """Whether the unit's scores can change still: items unrated or disputed."""
    return not data.score.complete or data.open_conflicts > 0


def is_unassessed(data: UnitData) -> bool:
    """No item rated and none in dispute: there is nothing to report on yet."""
    return data.score.rated == 0 and not disputed_items(data)


def numbers(nos: list[int]) -> str:
    return ("第 " + "、".join(str(n) for n in nos) + " 项") if nos else ""


def gaps(data: UnitData) -> str:
    """What is missing, e.g. "尚有 54 项未评" or "第 30 项评定分歧未裁定" ("" if nothing)."""
    parts = []
    unrated = unrated_count(data)
    if unrated:
        parts.append(f"尚有 {unrated} 项未评")
    disputed = disputed_items(data)
    if disputed:
        parts.append(f"{numbers(disputed)}评定分歧未裁定")
    elif data.open_conflicts:
        parts.append(f"{data.open_conflicts} 处评定分歧未裁定")
    return "，".join(parts)


def short_gaps(data: UnitData) -> str:
    """`gaps` for a narrow column: "未评 54 项" / "分歧 1 项"."""
    parts = []
    if unrated_count(data):
        parts.append(f"未评 {unrated_count(data)} 项")
    if data.open_conflicts:
        parts.append(f"分歧 {data.open_conflicts} 项")
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
    text = f"{rated_count(data)} / {score.total} 项"
    if is_unassessed(data):
        return text + "（尚未评定）"
    if not is_provisional(data):
        return text
    return text + (f"（未评完：{gaps(data)}）" if unrated_count(data) else f"（{gaps(data)}）")


def scored_text(data: UnitData) -> str:
    """The items that count towards the score, and what is left out of it and why."""
    score = data.score
    extras = []
    if not_applicable_count(data):
        extras.append(f"不适用 {not_applicable_count(data)} 项")
    if unscored_disputes(data):
        extras.append(f"{numbers(unscored_disputes(data))}评定分歧未裁定，未计入")
    if unrated_count(data):
        extras.append(f"未评 {unrated_count(data)} 项")
    veto = f"；否决项：{numbers(list(score.vetoed_by))}" if score.vetoed_by else ""
    return f"{score.applicable} 项" + (f"（{'；'.join(extras)}）" if extras else "") + veto


def provisional_notice(data: UnitData, catalogue: Catalogue, area_rule: bool) -> str:
    """The warning a unit's part of a report opens with while its result is provisional
    ("" when it is final). `area_rule`: the policy has a condition on every area."""
    score = data.score
    if is_unassessed(data):
        return (f"注意：本单位尚未评定（已评定 0 / {score.total} 项），以下没有得分和建议结果，"
                "整改清单待评定后生成。")
    if not is_provisional(data):
        return ""
    clauses = []
    if data.open_conflicts:
        clauses.append(f"尚有 {data.open_conflicts} 处评估组成员之间的评定分歧未经县委依法治县办处理"
                       + (f"（{numbers(disputed_items(data))}）" if disputed_items(data) else ""))
    if unrated_count(data):
        clauses.append(f"尚有 {unrated_count(data)} 项未评（已评定 {rated_count(data)} / {score.total} 项）")
    text = "注意：本单位" + "；".join(clauses) + "，以下得分与建议结果均为暂定，不能作为最终结论。"
    areas = unrated_areas(data, catalogue)
    if area_rule and areas:
        text += f"领域{'、'.join(areas)}尚无评定，建议结果的“各领域得分率”条件只检查了已评定的领域。"
    if data.decision:
        text += (f"县委依法治县办已记录决定“{data.decision}”，但其依据的评定尚未完成，"
                 "须在上述事项处理后复核。")
    return text


def nothing_to_list(data: UnitData) -> str:
    """What the report says instead of the unit's 76 rows when every row would read
    未评 — and nothing else came back for it (no self-report, evidence or sign-off);
    "" when there is something to list."""
    if not is_unassessed(data) or data.self_report.strip() or data.evidence or data.signoffs:
        return ""
    return NO_RATINGS if data.sources else NO_DATA


NO_DATA = ("本单位尚无评估数据：县委依法治县办尚未收到其评估组或自查工作文件，"
           "没有评定、自评报告和佐证材料，故不列评定明细；收到并导入后再生成报告。")
NO_RATINGS = ("本单位尚无评定：工作文件中还没有本单位的评定、自评报告和佐证材料，"
              "故不列评定明细；评定后再生成报告。")
