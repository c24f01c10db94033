"""Unit mode (self-check: no ratings, evidence and N/A explanations only) and inspector
mode with the unit's own self-check file shown read-only beside the inspector's notes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.ui import qt
from zhashui_inspector.ui.actions import Act
from zhashui_inspector.ui.checklist_model import LinkedStateRole
from zhashui_inspector.ui.qt import QApplication, QInputMethodEvent
from zhashui_inspector.ui.standards_filter import QuickFilter

UNIT = "县财政局"
UNIT_REASON = "本局无行政执法职能，不涉及执法公示"


def _type(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def unit_file(tmp_path: Path) -> Path:
    path = tmp_path / "县财政局自查.sqlite"
    with WorkFile.create(path, role="unit", holder="县财政局办公室", units=[UNIT]) as wf:
        wf.update_item(UNIT, 9, rating="不适用", reason=UNIT_REASON)
        note = tmp_path / "执法人员名单.txt"
        note.write_text("本局无执法人员", encoding="utf-8")
        wf.add_evidence(UNIT, note, item_no=9, kind="文件", caption="执法人员情况说明")
        wf.set_self_report(UNIT, "本局对照创建标准逐项自查，形成本报告。")
    return path


def test_unit_mode_has_no_ratings_only_evidence_and_explanations(
        qtbot, open_window, tmp_path: Path) -> None:
    path = tmp_path / "unit.sqlite"
    WorkFile.create(path, role="unit", holder="县财政局办公室", units=[UNIT]).close()
    window = open_window(path)
    editor = window.checklist.editor
    assert "单位自查" in window.windowTitle()
    assert not editor.rating_row.isVisible()
    assert editor.na_box.isVisible()
    assert window.checklist.delegate.unit_mode
    assert not window.tree_pane.quick_buttons[QuickFilter.UNRATED].isVisible()
    assert not window.actions[Act.RATE_1].isEnabled()
    assert not window.actions[Act.LOAD_SELF_CHECK].isVisible()

    window.checklist.go_to(9)
    window.checklist.rate_current("达标")
    assert window.session.unit(UNIT).items[9].rating is None
    editor.na_box.click()
    assert window.session.unit(UNIT).items[9].rating == "不适用"
    assert editor.reason_label.property("missing") is True
    _type(editor.reason_edit, UNIT_REASON)
    editor.flush()
    qtbot.waitUntil(window.session.worker.is_idle)
    with WorkFile.open(path, readonly=True, lock=False) as wf:
        state = wf.item_state(UNIT, 9)
        assert (state.rating, state.reason) == ("不适用", UNIT_REASON)
        assert wf.signoff_blockers(UNIT) == []   # units need not rate anything


def test_inspector_sees_the_units_self_check_material_read_only(
        qtbot, open_window, practice_file: Path, tmp_path: Path, monkeypatch) -> None:
    self_check = unit_file(tmp_path)
    digest = hashlib.sha256(self_check.read_bytes()).hexdigest()
    window = open_window(practice_file)
    window.switch_unit("下梁镇")
    monkeypatch.setattr(qt.QFileDialog, "getOpenFileName", lambda *a, **k: (str(self_check), ""))
    window.actions[Act.LOAD_SELF_CHECK].trigger()
    qtbot.waitUntil(lambda: window.session.linked is not None, timeout=10_000)
    assert window.unit == UNIT                      # it goes to the unit the file is about
    assert window.banner.linked_frame.isVisible()
    assert "单位自查材料" in window.banner.linked_label.text()

    window.checklist.go_to(9)
    editor = window.checklist.editor
    assert editor.linked_label.isVisible()
    assert editor.linked_label.text().startswith("单位自查材料")
    assert UNIT_REASON in editor.linked_label.text()
    row = window.checklist.model.row_of(9)
    assert window.checklist.model.index(row).data(LinkedStateRole).reason == UNIT_REASON
    notes = window.checklist.delegate._notes(None, window.session.linked.unit.items[9])
    assert notes[0][0].startswith("单位自查材料")

    pane = window.evidence
    assert pane.linked_strip.isVisible() and pane.linked_model.rowCount() == 1
    assert "单位自查材料（只读）" in pane.linked_header.text()
    pane.select_evidence(pane.linked_model.items[0].id)
    assert pane.selected_linked and not pane.remove_button.isEnabled()
    text_view = pane.preview("text")
    qtbot.waitUntil(lambda: pane.stack.currentWidget() is text_view, timeout=10_000)
    assert text_view.toPlainText() == "本局无执法人员"

    report = window.self_report
    window.tabs.setCurrentWidget(report)
    assert report.linked_box.isVisible()
    assert "单位自查材料" in report.linked_title.text()
    assert report.linked_view.toPlainText() == "本局对照创建标准逐项自查，形成本报告。"
    assert report.linked_view.isReadOnly()
    # the inspector's own item is untouched, and the unit's file is never written
    assert window.session.unit(UNIT).items[9].rating is None
    window.close()
    assert hashlib.sha256(self_check.read_bytes()).hexdigest() == digest

    # the link is remembered for this work file
    again = open_window(practice_file)
    qtbot.waitUntil(lambda: again.session.linked is not None, timeout=10_000)
    assert again.session.linked.path == self_check.resolve()
    again.actions[Act.DROP_SELF_CHECK].trigger()
    assert again.session.linked is None and not again.banner.linked_frame.isVisible()


def test_an_inspector_file_is_not_taken_as_a_self_check_file(
        qtbot, open_window, practice_file: Path, demo_file: Path) -> None:
    window = open_window(practice_file)
    window.commands.load_self_check(demo_file)
    qtbot.waitUntil(lambda: window.commands.refusal is not None, timeout=10_000)
    assert window.commands.refusal.text() == "“demo.sqlite”不是单位自查文件"
    assert window.session.linked is None
