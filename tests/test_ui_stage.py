"""The current stage and its days left, from the round's dates and today; outside every
stage the window says so plainly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from zhashui_inspector.core.records import RoundStage
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.ui.stage import format_span, stage_status

NOTICE = (
    RoundStage("self_check", "全面自查", date(2023, 11, 17), date(2023, 11, 26)),
    RoundStage("review", "复查验收评估", date(2023, 11, 27), date(2023, 12, 3)),
    RoundStage("handling", "复查处理", date(2023, 12, 4), date(2023, 12, 8)),
)


def test_days_left_in_each_stage() -> None:
    first = stage_status(NOTICE, date(2023, 11, 17))
    assert first.stage is NOTICE[0] and first.days_left == 10
    assert first.text == "当前阶段：全面自查（2023年11月17日—11月26日），含今天还剩 10 天"
    review = stage_status(NOTICE, date(2023, 12, 1))
    assert review.stage is NOTICE[1] and review.days_left == 3
    last_day = stage_status(NOTICE, date(2023, 12, 8))
    assert last_day.text.endswith("今天是最后一天") and last_day.days_left == 1


def test_outside_the_round_it_says_so_instead_of_counting() -> None:
    after = stage_status(NOTICE, date(2026, 3, 1))
    assert not after.in_round and after.days_left is None
    assert after.text == "今天不在本轮复查的任何阶段内（2023年11月17日—12月8日）：本轮已结束"
    before = stage_status(NOTICE, date(2023, 11, 10))
    assert before.text.startswith("今天不在本轮复查的任何阶段内（2023年11月17日—12月8日）")
    assert "“全面自查”7 天后开始" in before.text
    gap = (RoundStage("a", "全面自查", date(2024, 3, 1), date(2024, 3, 5)),
           RoundStage("b", "复查验收评估", date(2024, 3, 11), date(2024, 3, 15)))
    between = stage_status(gap, date(2024, 3, 8))
    assert "下一阶段“复查验收评估”3 天后开始" in between.text
    assert stage_status((), date(2024, 1, 1)).text == "本轮复查未设定阶段日期"
    assert format_span(date(2024, 12, 28), date(2025, 1, 3)) == "2024年12月28日—2025年1月3日"


def test_the_window_shows_the_rounds_own_dates(qtbot, open_window, tmp_path: Path) -> None:
    stages = (RoundStage("self_check", "全面自查", date(2025, 4, 1), date(2025, 4, 10)),
              RoundStage("review", "复查验收评估", date(2025, 4, 11), date(2025, 4, 20)),
              RoundStage("handling", "复查处理", date(2025, 4, 21), date(2025, 4, 25)))
    path = tmp_path / "round2025.sqlite"
    WorkFile.create(path, role="inspector", holder="赵六", units=["下梁镇"],
                    round_name="2025 年复查", stages=stages).close()
    window = open_window(path, today=date(2025, 4, 15))
    assert window.stage_label.text() == (
        "当前阶段：复查验收评估（2025年4月11日—4月20日），含今天还剩 6 天")
    assert "2025 年复查" in window.stage_label.toolTip()
    assert window.stage_label.property("outside") is False
    window.close()
    late = open_window(path, today=date(2025, 6, 1))
    assert late.stage_label.text().startswith("今天不在本轮复查的任何阶段内（2025年4月1日—4月25日）")
    assert late.stage_label.property("outside") is True
