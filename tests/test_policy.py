"""Policy arithmetic on worked examples, one for every outcome."""

from __future__ import annotations

import dataclasses

import pytest

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.policy import describe_policy, score_unit, suggestion_text


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return Catalogue.load()


def all_rated(cat: Catalogue, rating: str = "达标", **overrides: str) -> dict[int, str | None]:
    ratings: dict[int, str | None] = {i.no: rating for i in cat.items()}
    ratings.update({int(k[1:]): v for k, v in overrides.items()})
    return ratings


def test_defaults_are_labelled_as_defaults(cat: Catalogue) -> None:
    assert "默认" in cat.policy.label
    lines = describe_policy(cat.policy)
    assert lines[0] == cat.policy.label
    assert any("建议保留" in line and "90" in line and "80" in line for line in lines)


def test_everything_met_is_keep(cat: Catalogue) -> None:
    s = score_unit(cat, all_rated(cat))
    assert (s.overall, s.suggested, s.complete) == (100.0, "保留", True)
    assert all(v == 100.0 for v in s.areas.values())


def test_not_applicable_leaves_the_denominator(cat: Catalogue) -> None:
    # area 七 has a single item (59); N/A there leaves the area unscored
    s = score_unit(cat, all_rated(cat, i59="不适用", i1="未达标"))
    assert s.applicable == 75 and s.rated == 76
    assert s.areas[7] is None
    assert s.overall == pytest.approx(100 * 74 / 75)


def test_worked_example_yellow_card(cat: Catalogue) -> None:
    # 12 基本达标 and 2 未达标 spread over areas: 76 items, 62 + 6 = 68 points → 89.47 %
    ratings = all_rated(cat)
    for no in (1, 2, 3, 12, 13, 19, 20, 27, 28, 41, 47, 52, 60, 65):
        ratings[no] = "基本达标"
    ratings[4] = ratings[5] = "未达标"
    s = score_unit(cat, ratings)
    assert s.overall == pytest.approx(100 * (76 - 14 * 0.5 - 2) / 76)
    # area 一 (items 1-11): 6 达标 + 3 × 0.5 + 0 + 0 … = 7.5/11 = 68.2 % < 70 → not even 黄牌
    assert s.areas[1] == pytest.approx(100 * 7.5 / 11)
    assert s.suggested == "停牌"
    ratings[4] = ratings[5] = "达标"
    s = score_unit(cat, ratings)
    assert s.areas[1] == pytest.approx(100 * 9.5 / 11)   # 86.4 %
    assert s.overall == pytest.approx(100 * 69 / 76)      # 90.8 %
    assert s.suggested == "保留"
    ratings[6] = ratings[7] = "未达标"                    # area 一 7.5/11 = 68 %
    s = score_unit(cat, ratings)
    assert s.suggested == "停牌"


def test_each_outcome_boundary(cat: Catalogue) -> None:
    def failing(*nos: int) -> dict[int, str | None]:
        ratings = all_rated(cat)
        ratings.update({no: "未达标" for no in nos})
        return ratings

    # area sizes: 一 11, 二 7, 三 8, 四 14, 五 11, 六 7, 七 1, 八 5, 九 12
    # 7 failures: 69/76 = 90.8 %; worst areas 一 and 五 9/11 = 81.8 % → 保留
    s = score_unit(cat, failing(1, 2, 27, 28, 41, 42, 65))
    assert s.overall == pytest.approx(100 * 69 / 76) and s.suggested == "保留"
    # one more in area 一: 8/11 = 72.7 % < 80 → 黄牌 although overall is 89.5 %
    s = score_unit(cat, failing(1, 2, 3, 27, 28, 41, 42, 65))
    assert s.areas[1] == pytest.approx(100 * 8 / 11) and s.suggested == "黄牌"
    # 10 failures: 66/76 = 86.8 %, every area ≥ 70 → 黄牌
    s = score_unit(cat, failing(1, 2, 3, 27, 28, 29, 30, 41, 42, 43))
    assert s.overall == pytest.approx(100 * 66 / 76) and s.suggested == "黄牌"
    # an area under 70 % drops it to 停牌 even with a high overall
    s = score_unit(cat, failing(60, 61))  # area 八 3/5 = 60 %
    assert s.overall > 95 and s.suggested == "停牌"
    # 18 failures: 58/76 = 76.3 % → 停牌
    s = score_unit(cat, failing(*range(1, 73, 4)))
    assert s.overall == pytest.approx(100 * 58 / 76) and s.suggested == "停牌"
    # under 70 % → 摘牌
    s = score_unit(cat, failing(*range(1, 77, 3)))
    assert s.overall < 70 and s.suggested == "摘牌"
    assert score_unit(cat, all_rated(cat, "未达标")).suggested == "摘牌"
    # 基本达标 counts half: all 基本达标 = 50 % → 摘牌
    assert score_unit(cat, all_rated(cat, "基本达标")).overall == pytest.approx(50.0)


def test_veto_caps_the_suggestion(cat: Catalogue) -> None:
    policy = dataclasses.replace(cat.policy, veto_items=(34,), veto_outcome="停牌")
    s = score_unit(cat, all_rated(cat, i34="未达标"), policy)
    assert s.overall > 98 and s.vetoed_by == (34,) and s.suggested == "停牌"
    s = score_unit(cat, all_rated(cat, i34="基本达标"), policy)
    assert s.suggested == "保留"


def test_nothing_rated_suggests_nothing(cat: Catalogue) -> None:
    s = score_unit(cat, {})
    assert (s.overall, s.suggested, s.rated, s.complete) == (None, None, 0, False)


def test_a_score_exactly_at_a_threshold_meets_it() -> None:
    """Nine items at 0.8 points make 80 %: in floats 79.99999999999999 %, which printed
    as 80.0 % and yet fell below 黄牌's 80 % (so 停牌 was suggested)."""
    import dataclasses

    cat = Catalogue.load()
    nine = {no: "达标" for no in range(1, 10)}
    policy = dataclasses.replace(cat.policy, points={**cat.policy.points, "达标": 0.8})
    s = score_unit(cat, nine, policy)
    assert s.overall == 80.0 and s.suggested == "黄牌"
    weighted = dataclasses.replace(cat.policy, weights={**cat.policy.weights,
                                                        **dict.fromkeys(range(1, 11), 0.1)})
    ten = nine | {10: "未达标"}
    s = score_unit(cat, ten, weighted)                 # 0.9 of 1.0 in weights: 90 %
    assert s.overall == 90.0 and s.suggested == "保留"
    just_below = dataclasses.replace(weighted, thresholds=(
        dataclasses.replace(weighted.thresholds[0], overall_min=90.01), *weighted.thresholds[1:]))
    assert score_unit(cat, ten, just_below).suggested == "黄牌"


def test_weights_other_than_one_are_printed_with_the_policy(cat: Catalogue) -> None:
    assert not any(line.startswith("权重") for line in describe_policy(cat.policy))
    weighted = dataclasses.replace(cat.policy, weights={**cat.policy.weights, 7: 2.0, 3: 0.5})
    assert "权重：第 3 项 0.5、第 7 项 2，其余各项 1" in describe_policy(weighted)


def test_a_suggestion_is_provisional_while_items_are_unrated_or_in_dispute(cat: Catalogue) -> None:
    s = score_unit(cat, {no: "达标" for no in range(1, 23)})
    assert (s.unrated, s.complete) == (54, False)
    assert suggestion_text(s.suggested, s.unrated) == "保留（暂定，尚有 54 项未评）"
    assert suggestion_text("黄牌", 0, 1) == "黄牌（暂定，尚有 1 项分歧未裁定）"
    assert suggestion_text("黄牌", 3, 2) == "黄牌（暂定，尚有 3 项未评、2 项分歧未裁定）"
    full = score_unit(cat, all_rated(cat))
    assert full.unrated == 0 and suggestion_text(full.suggested, full.unrated) == "保留"
    assert suggestion_text(None, 76) == "—"


def test_an_item_in_dispute_is_rated_but_not_scored(cat: Catalogue) -> None:
    """The inspectors rated item 5 and disagree on it: it waits for the office's ruling, so
    it is neither unrated nor in the score; a dispute the office resolved is rated."""
    ratings: dict[int, str | None] = {no: "达标" for no in range(1, 11)}
    ratings[5] = None                                  # the merged rating waits
    s = score_unit(cat, ratings, disputed=[5, 5, 7])   # 7 resolved: it has its rating
    assert (s.rated, s.disputed, s.inspected, s.unrated) == (9, 1, 10, 66)
    assert s.overall == 100.0 and not s.complete
    assert s.to_json()["disputed"] == 1
    plain = score_unit(cat, ratings)
    assert (plain.inspected, plain.unrated) == (9, 67)
