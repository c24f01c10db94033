"""Every pane counts a unit's progress the same way: the unit switcher, the standards tree
(every node) and the sign-off dialog, for inspectors (rated items, 不适用 included, out of
all items) and for units (items with evidence or explained as 不适用, out of all items)."""

from __future__ import annotations

from pathlib import Path

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.ui.qt import QModelIndex, Qt
from zhashui_inspector.ui.signoff_dialog import SignOffDialog
from zhashui_inspector.ui.standards_model import NodeKind, ProgressRole, StandardsTreeModel
from zhashui_inspector.ui.unit_switcher import ProgressRole as SwitcherProgressRole

UNIT = "县财政局"


def _tree(model: StandardsTreeModel) -> dict[tuple[NodeKind, int], tuple[int, int, str]]:
    """(done, total, text shown) of every area and sub-area, and of 全部指标."""
    out = {}

    def walk(parent: QModelIndex) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            node = model.node(index)
            if node is None or node.kind is NodeKind.ITEM:
                continue
            done, total = index.data(ProgressRole)
            out[(node.kind, node.no)] = (done, total, model.index(row, 1, parent).data())
            walk(index)
    walk(QModelIndex())
    return out


def _tooltip(index: QModelIndex) -> str:
    return str(index.data(Qt.ItemDataRole.ToolTipRole))


def _switcher(window, unit: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    model = window.switcher.model_
    return model.index(model.units.index(unit)).data(SwitcherProgressRole)


def _signoff_line(qtbot, window, unit: str) -> str:  # type: ignore[no-untyped-def]
    dialog = SignOffDialog(window.session, unit, parent=window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: bool(dialog.score_label.text()) and dialog.blockers is not None,
                    timeout=10_000)
    text = dialog.score_label.text() + "\n" + dialog.blocker_label.text()
    dialog.reject()
    return text


def test_inspector_panes_count_rated_items_of_all_items_alike(
        qtbot, open_window, demo_file: Path) -> None:
    with WorkFile.open(demo_file, readonly=True, lock=False) as wf:
        catalogue = wf.catalogue
        rated = {unit: wf.progress(unit)[0] for unit in wf.units}
        na_units = [unit for unit in wf.units
                    if any(s.rating == "不适用" for s in wf.unit_items(unit))]
    assert na_units   # 不适用 counts as rated: the case where the panes used to differ
    window = open_window(demo_file)
    model = window.tree_model
    for unit, done in rated.items():
        window.switch_unit(unit)
        shown = _tree(model)
        assert shown[(NodeKind.ALL, 0)] == (done, 76, f"{done}/76")
        assert _switcher(window, unit) == (done, 76)
        for area in catalogue.areas:
            states = [window.session.unit(unit).items[i.no] for i in area.items]
            area_done = sum(s.rating is not None for s in states)
            assert shown[(NodeKind.AREA, area.no)][:2] == (area_done, len(area.items))
        assert sum(shown[(NodeKind.AREA, a.no)][0] for a in catalogue.areas) == done
        assert sum(shown[(NodeKind.SUBAREA, s.no)][0] for a in catalogue.areas
                   for s in a.subareas) == done
    assert model.index(0, 0).data() == "全部指标 · 已评/共 76 项"

    window.switch_unit(UNIT)
    text = _signoff_line(qtbot, window, UNIT)
    assert text.startswith(f"已评 {rated[UNIT]}/76 项；")
    assert f"还有 {76 - rated[UNIT]} 项未评定" in text


def test_rating_not_applicable_without_a_reason_counts_as_rated_everywhere(
        qtbot, open_window, practice_file: Path) -> None:
    window = open_window(practice_file)
    window.session.set_item(UNIT, 23, rating="不适用")
    qtbot.waitUntil(window.session.worker.is_idle)
    assert _tree(window.tree_model)[(NodeKind.ALL, 0)][:2] == _switcher(window, UNIT) == (1, 76)
    assert "1 项不适用未说明理由" in _tooltip(window.tree_model.index(0, 1))
    text = _signoff_line(qtbot, window, UNIT)
    assert text.startswith("已评 1/76 项") and "还有 75 项未评定" in text
    assert "第 23 项评为不适用但未说明理由" in text


def test_unit_panes_count_evidence_or_explanations_of_all_items_alike(
        qtbot, open_window, tmp_path: Path) -> None:
    path = tmp_path / "县财政局自查.sqlite"
    note = tmp_path / "制度汇编目录.txt"
    note.write_text("一、行政执法公示制度", encoding="utf-8")
    with WorkFile.create(path, role="unit", holder="县财政局办公室", units=[UNIT]) as wf:
        catalogue = wf.catalogue
        wf.add_evidence(UNIT, note, item_no=30, kind="文件", caption="制度汇编目录")   # 四
        wf.update_item(UNIT, 59, rating="不适用", reason="本单位无突发事件处置职能")  # 七
        wf.update_item(UNIT, 5, rating="不适用", allow_missing_reason=True)   # not done yet
    window = open_window(path)
    shown = _tree(window.tree_model)
    area_of = {i.no: a.no for a in catalogue.areas for i in a.items}
    totals = {a.no: len(a.items) for a in catalogue.areas}
    assert shown[(NodeKind.ALL, 0)] == (2, 76, "2/76")
    assert _switcher(window, UNIT) == (2, 76)
    assert shown[(NodeKind.AREA, area_of[30])][:2] == (1, totals[area_of[30]])
    assert shown[(NodeKind.AREA, area_of[59])][:2] == (1, totals[area_of[59]])
    assert shown[(NodeKind.AREA, area_of[5])][:2] == (0, totals[area_of[5]])
    assert window.tree_model.index(0, 0).data() == "全部指标 · 已备材料/共 76 项"
    assert _tooltip(window.tree_model.index(0, 1)).startswith("已提供材料或说明 2/76 项")
    assert _signoff_line(qtbot, window, UNIT).startswith("已提供材料或说明 2/76 项")
