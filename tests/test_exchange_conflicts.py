"""Disagreements between inspectors: kept, resolved, reopened by a changed side, cleared
when the sides agree; and the office's decisions beside the policy's suggestion."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from exchange_support import do_import, hand_back, issue, ledger_rows, rate_all

from zhashui_inspector.core.errors import ValidationError
from zhashui_inspector.exchange.conflicts import (
    decide,
    list_conflicts,
    resolve,
    side_details,
)
from zhashui_inspector.exchange.ledger import CURRENT_RATINGS
from zhashui_inspector.exchange.merged import unit_views
from zhashui_inspector.exchange.office import Office

UNIT = "县财政局"


def _item(office_dir: Path, no: int):  # type: ignore[no-untyped-def]
    with Office.open(office_dir) as office:
        (view,) = unit_views(office.ledger, [UNIT])
    return view.items[no - 1], view


def _setup(office_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    zs = issue(office_dir, tmp_path / "zs.sqlite", holder="张三")
    ls = issue(office_dir, tmp_path / "ls.sqlite", holder="李四")
    rate_all(zs, UNIT, "达标", items=[1, 2, 3])
    rate_all(ls, UNIT, "达标", items=[1, 2])
    rate_all(ls, UNIT, "未达标", items=[3], comment="未见台账")
    batch = do_import(office_dir, hand_back(zs, tmp_path / "zs1.sqlite"),
                      hand_back(ls, tmp_path / "ls1.sqlite"))
    assert batch.rejected == 0
    return zs, ls


def test_disagreement_is_kept_until_resolved(office_dir: Path, tmp_path: Path) -> None:
    _setup(office_dir, tmp_path)
    item, view = _item(office_dir, 3)
    assert (item.rating, item.conflict, item.sides_text) == (None, "open", "张三：达标；李四：未达标")
    assert view.open_conflicts == 1 and view.score.rated == 2   # an open conflict does not count
    assert _item(office_dir, 1)[0].rating == "达标"
    assert _item(office_dir, 1)[0].inspectors == ("张三", "李四")

    with Office.open(office_dir) as office:
        (open_one,) = list_conflicts(office)
        assert (open_one.unit, open_one.item_no, open_one.status) == (UNIT, 3, "open")
        with pytest.raises(ValidationError, match="裁定必须说明理由"):
            resolve(office, UNIT, 3, "基本达标", "  ")
        with pytest.raises(ValidationError, match="第 2 项没有待解决的评定分歧"):
            resolve(office, UNIT, 2, "达标", "无分歧")
        done = resolve(office, UNIT, 3, "基本达标", "现场复核，台账不全")
        assert (done.status, done.resolution, done.reason) == ("resolved", "基本达标",
                                                              "现场复核，台账不全")
        assert list_conflicts(office) == []
    item, view = _item(office_dir, 3)
    assert (item.rating, item.conflict, item.resolution_reason) == ("基本达标", "resolved",
                                                                    "现场复核，台账不全")
    assert view.open_conflicts == 0 and view.score.rated == 3
    assert len(ledger_rows(office_dir, "resolution")) == 1


def test_an_unchanged_side_keeps_the_resolution(office_dir: Path, tmp_path: Path) -> None:
    zs, _ls = _setup(office_dir, tmp_path)
    with Office.open(office_dir) as office:
        resolve(office, UNIT, 3, "基本达标", "复核")
    rate_all(zs, UNIT, "达标", items=[4], comment="补评")        # item 3 unchanged
    (result,) = do_import(office_dir, hand_back(zs, tmp_path / "zs2.sqlite")).results
    assert result.result == "replaced"
    item, _ = _item(office_dir, 3)
    assert (item.conflict, item.rating) == ("resolved", "基本达标")


def test_a_changed_side_reopens_the_conflict(office_dir: Path, tmp_path: Path) -> None:
    zs, _ls = _setup(office_dir, tmp_path)
    with Office.open(office_dir) as office:
        resolve(office, UNIT, 3, "基本达标", "复核")
    rate_all(zs, UNIT, "基本达标", items=[3])
    do_import(office_dir, hand_back(zs, tmp_path / "zs2.sqlite"))
    item, view = _item(office_dir, 3)
    assert (item.conflict, item.rating, item.sides_text) == ("open", None,
                                                            "张三：基本达标；李四：未达标")
    assert view.open_conflicts == 1
    with Office.open(office_dir) as office:
        (reopened,) = list_conflicts(office)
        assert reopened.resolution == "基本达标"         # the earlier resolution stays visible
        resolve(office, UNIT, 3, "未达标", "再次复核")
    assert _item(office_dir, 3)[0].rating == "未达标"
    assert len(ledger_rows(office_dir, "resolution")) == 2


def test_sides_that_come_to_agree_clear_the_conflict(office_dir: Path, tmp_path: Path) -> None:
    _zs, ls = _setup(office_dir, tmp_path)
    rate_all(ls, UNIT, "达标", items=[3])
    do_import(office_dir, hand_back(ls, tmp_path / "ls2.sqlite"))
    item, view = _item(office_dir, 3)
    assert (item.conflict, item.rating, item.sides) == ("cleared", "达标", ())
    with Office.open(office_dir) as office:
        assert list_conflicts(office) == []
        (cleared,) = list_conflicts(office, include_closed=True)
        assert cleared.status_label == "已一致"
        with pytest.raises(ValidationError, match="没有待解决的评定分歧"):
            resolve(office, UNIT, 3, "达标", "x")


def test_a_unit_file_never_makes_a_conflict(office_dir: Path, tmp_path: Path) -> None:
    zs = issue(office_dir, tmp_path / "zs.sqlite", holder="张三")
    rate_all(zs, UNIT, "达标", items=[5])
    unit = issue(office_dir, tmp_path / "u.sqlite", role="unit", holder="财政局", units=[UNIT])
    rate_all(unit, UNIT, "不适用", items=[5], methods=())
    do_import(office_dir, hand_back(zs, tmp_path / "a.sqlite"), hand_back(unit, tmp_path / "b.sqlite"))
    item, _ = _item(office_dir, 5)
    assert (item.rating, item.conflict, item.unit_note) == ("达标", "", "不属于本单位职能")


def test_decisions_are_kept_beside_the_suggestion(office_dir: Path, tmp_path: Path) -> None:
    _setup(office_dir, tmp_path)
    with Office.open(office_dir) as office:
        with pytest.raises(ValidationError, match="处理决定必须说明理由"):
            decide(office, UNIT, "保留", "")
        with pytest.raises(ValidationError, match="不在本次复查验收名单"):
            decide(office, "县教育局", "保留", "x")
        decide(office, UNIT, "保留", "材料齐全")
        decide(office, UNIT, "黄牌", "复核后改为黄牌")
    rows = ledger_rows(office_dir, "decision")
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        (UNIT, "保留", "材料齐全", "保留"), (UNIT, "黄牌", "复核后改为黄牌", "保留")]
    assert rows[0][5] == pytest.approx(100.0)
    _item3, view = _item(office_dir, 3)
    assert view.decision is not None
    assert (view.decision.outcome, view.decision.reason) == ("黄牌", "复核后改为黄牌")


def test_a_ledger_with_the_old_rating_index_loses_it_and_nothing_else(
        office_dir: Path, tmp_path: Path) -> None:
    """Ledgers made before kept an index on rating(unit, item_no) that every import
    rewrote nearly whole; opening one drops it, and the sides are found as before."""
    _setup(office_dir, tmp_path)
    ledger_path = office_dir / "ledger.sqlite"
    conn = sqlite3.connect(ledger_path)
    conn.execute("CREATE INDEX rating_unit ON rating(unit, item_no)")
    conn.commit()
    before = conn.execute("SELECT * FROM rating ORDER BY source_id, unit, item_no").fetchall()
    conn.close()

    with Office.open(office_dir) as office:
        names = {n for (n,) in office.ledger.conn.execute(
            "SELECT name FROM sqlite_master WHERE tbl_name = 'rating' AND type = 'index'")}
        assert "rating_unit" not in names and names   # the primary key's index stays
        assert office.ledger.conn.execute(
            "SELECT * FROM rating ORDER BY source_id, unit, item_no").fetchall() == before
        sides = side_details(office, UNIT, 3)
    assert [(s.holder, s.rating, s.comment) for s in sides] == [("张三", "达标", ""),
                                                               ("李四", "未达标", "未见台账")]


def test_the_conflict_queries_reach_ratings_through_their_sources(
        office_dir: Path, tmp_path: Path) -> None:
    """Each current source's ratings of the unit are found by the primary key: a plan
    that scanned the rating table would read every file's every rating for each unit."""
    _setup(office_dir, tmp_path)
    with Office.open(office_dir) as office:
        conn = office.ledger.conn
        for where in ("r.unit = ?", "r.unit = ? AND r.item_no = 1"):
            plan = " | ".join(row[3] for row in conn.execute(
                f"EXPLAIN QUERY PLAN SELECT r.rating {CURRENT_RATINGS}"
                f" WHERE s.current = 1 AND {where}", (UNIT,)))
            assert "SEARCH r USING" in plan and "SCAN r" not in plan, plan
