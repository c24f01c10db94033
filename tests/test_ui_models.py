"""Every item model of the window passes Qt's model tester and shows what the file holds."""

from __future__ import annotations

from pathlib import Path

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.ui.checklist_model import ChecklistModel, ItemNoRole, StateRole
from zhashui_inspector.ui.evidence_model import EvidenceListModel, EvidenceRole
from zhashui_inspector.ui.qt import QModelIndex, Qt
from zhashui_inspector.ui.standards_filter import QuickFilter, StandardsFilterProxy
from zhashui_inspector.ui.standards_model import (
    CountsRole,
    NodeKind,
    NodeRole,
    StandardsTreeModel,
)
from zhashui_inspector.ui.unit_switcher import ProgressRole, SignedRole, UnitListModel


def _states(path: Path, unit: str):  # type: ignore[no-untyped-def]
    with WorkFile.open(path, readonly=True, lock=False) as wf:
        return wf.catalogue, {s.item_no: s for s in wf.unit_items(unit)}


def test_standards_tree_model_structure_and_progress(qtmodeltester, demo_file: Path) -> None:
    catalogue, states = _states(demo_file, "县气象局")
    model = StandardsTreeModel(catalogue)
    model.set_states(states)
    qtmodeltester.check(model, force_py=True)
    # 全部指标 first, then the nine areas, 31 sub-areas and 76 items below them
    assert model.rowCount() == 10
    areas = [model.index(r, 0) for r in range(1, 10)]
    assert sum(model.rowCount(a) for a in areas) == 31
    assert sum(model.rowCount(model.index(s, 0, a)) for a in areas
               for s in range(model.rowCount(a))) == 76
    assert model.index(1, 0).data().startswith("一、")
    missing_title = model.index(1, 0, model.index(1, 0))
    assert "（原文缺标题）" in missing_title.data()
    # the signed demo unit is fully rated: every applicable item counts as done
    done, applicable = model.index(0, 1).data().split("/")
    assert done == applicable
    assert sum(model.index(0, 0).data(CountsRole).values()) == 76


def test_standards_proxy_filters_by_text_numbers_and_quick_filter(qtmodeltester,
                                                                   demo_file: Path) -> None:
    catalogue, states = _states(demo_file, "县林业局")  # partly rated
    model = StandardsTreeModel(catalogue)
    model.set_states(states)
    proxy = StandardsFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)
    top = model.top[0]

    proxy.set_text("1-3,30")
    assert proxy.accepted_items(top) == [1, 2, 3, 30]
    proxy.set_text("量权基准")  # item 30 as published (garbled, not corrected)
    assert proxy.accepted_items(top) == [30]
    proxy.set_text("")
    proxy.set_quick(QuickFilter.UNRATED)
    unrated = [no for no, s in states.items() if s.rating is None]
    assert proxy.accepted_items(top) == unrated and unrated
    proxy.set_quick(QuickFilter.WITH_EVIDENCE)
    assert proxy.accepted_items(top) == [no for no, s in states.items() if s.evidence_count]
    # the tree keeps only areas and sub-areas holding a match
    shown = [proxy.index(r, 0).data(NodeRole) for r in range(proxy.rowCount())]
    assert [n.kind for n in shown].count(NodeKind.AREA) == 1
    qtmodeltester.check(proxy, force_py=True)


def test_checklist_model(qtmodeltester, demo_file: Path) -> None:
    catalogue, states = _states(demo_file, "县气象局")
    model = ChecklistModel(catalogue)
    model.set_scope([7, 8, 9])
    model.set_states(states)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 3
    assert model.index(1).data(ItemNoRole) == 8
    assert model.index(1).data().startswith("8. ")
    assert model.index(1).data(StateRole).rating == states[8].rating
    assert "第 8 项" in model.index(1).data(Qt.ItemDataRole.AccessibleTextRole)
    model.set_scope([])
    assert model.rowCount() == 0 and model.row_of(8) is None


def test_unit_list_and_evidence_models(qtmodeltester, open_window, demo_file: Path) -> None:
    window = open_window(demo_file)
    units = UnitListModel(window.session)
    qtmodeltester.check(units, force_py=True)
    assert units.rowCount() == len(window.session.units) == 12  # 13 namings, 12 units
    signed = [units.index(r).data(Qt.ItemDataRole.DisplayRole) for r in range(units.rowCount())
              if units.index(r).data(SignedRole)]
    assert signed == ["县气象局　76/76　已签字"]
    assert units.index(0).data(ProgressRole) == (0, 76)

    evidence = EvidenceListModel(window.thumbnails)
    evidence.set_items(window.session.unit("县气象局").evidence)
    qtmodeltester.check(evidence, force_py=True)
    names = {evidence.index(r).data(EvidenceRole).name for r in range(evidence.rowCount())}
    assert {"行政审批目录公示栏.jpg", "学法计划.pdf", "说明.txt"} <= names
    assert evidence.index(0, 0, QModelIndex()).data(Qt.ItemDataRole.DecorationRole) is not None
