"""Undo and redo of ratings, methods, comments, N/A reasons and evidence add/remove:
each step is on screen at once and in the file once saved."""

from __future__ import annotations

from pathlib import Path

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.ui.actions import Act
from zhashui_inspector.ui.qt import QApplication, QInputMethodEvent

UNIT = "县财政局"


def _saved(qtbot, window, path: Path, item_no: int):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(window.session.worker.is_idle, timeout=10_000)
    with WorkFile.open(path, readonly=True, lock=False) as wf:
        return wf.item_state(UNIT, item_no)


def _type(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def test_undo_and_redo_of_item_edits(qtbot, open_window, practice_file: Path) -> None:
    window = open_window(practice_file)
    pane, stack = window.checklist, window.undo_stack
    editor = pane.editor
    pane.go_to(5)
    editor.rating_buttons["基本达标"].click()
    editor.method_boxes["查阅资料"].click()
    editor.method_boxes["实地查看"].click()
    editor.comment_edit.setFocus()
    _type(editor.comment_edit, "台账缺少签字")
    _type(editor.comment_edit, "，已要求补正")
    editor.flush()
    state = _saved(qtbot, window, practice_file, 5)
    assert (state.rating, state.methods, state.comment) == (
        "基本达标", ("查阅资料", "实地查看"), "台账缺少签字，已要求补正")
    # typing in one stretch is one step; four steps in all
    assert stack.count() == 4

    stack.undo()   # the comment goes as a whole
    assert window.session.unit(UNIT).items[5].comment == ""
    assert editor.comment_edit.toPlainText() == ""
    stack.undo()   # 实地查看
    stack.undo()   # 查阅资料
    assert window.session.unit(UNIT).items[5].methods == ()
    assert not editor.method_boxes["查阅资料"].isChecked()
    state = _saved(qtbot, window, practice_file, 5)
    assert (state.rating, state.methods, state.comment) == ("基本达标", (), "")
    stack.undo()
    assert _saved(qtbot, window, practice_file, 5).rating is None
    assert not editor.rating_buttons["基本达标"].isChecked()

    for _ in range(4):
        stack.redo()
    state = _saved(qtbot, window, practice_file, 5)
    assert (state.rating, state.methods, state.comment) == (
        "基本达标", ("查阅资料", "实地查看"), "台账缺少签字，已要求补正")


def test_undo_of_not_applicable_and_its_reason(qtbot, open_window, practice_file: Path) -> None:
    window = open_window(practice_file)
    pane, editor = window.checklist, window.checklist.editor
    pane.go_to(9)
    editor.rating_buttons["不适用"].click()
    # the reason is required and visibly flagged while missing
    assert editor.reason_box.isVisible()
    assert editor.reason_label.property("missing") is True
    assert "尚未填写" in editor.reason_label.text()
    editor.reason_edit.setFocus()
    _type(editor.reason_edit, "本单位无行政执法职能")
    editor.flush()
    assert editor.reason_label.property("missing") is False
    state = _saved(qtbot, window, practice_file, 9)
    assert (state.rating, state.reason) == ("不适用", "本单位无行政执法职能")
    window.undo_stack.undo()
    assert window.session.unit(UNIT).items[9].needs_reason
    assert editor.reason_label.property("missing") is True
    assert _saved(qtbot, window, practice_file, 9).reason == ""
    window.undo_stack.redo()
    assert _saved(qtbot, window, practice_file, 9).reason == "本单位无行政执法职能"


def test_undo_switches_back_to_the_unit_it_changed(qtbot, open_window,
                                                   practice_file: Path) -> None:
    window = open_window(practice_file)
    window.checklist.go_to(3)
    window.checklist.rate_current("达标")
    window.switch_unit("下梁镇")
    window.actions[Act.UNDO].trigger()
    assert window.unit == UNIT
    assert window.session.unit(UNIT).items[3].rating is None


def test_undo_and_redo_of_evidence(qtbot, open_window, practice_file: Path,
                                   tmp_path: Path) -> None:
    window = open_window(practice_file)
    note = tmp_path / "会议记录.txt"
    note.write_text("2023年11月20日 集体学法会议记录", encoding="utf-8")
    window.checklist.go_to(61)
    assert window.ingest.add_paths([note], UNIT, 61) == 1
    qtbot.waitUntil(lambda: window.evidence.item_model.rowCount() == 1, timeout=10_000)
    ev = window.evidence.item_model.items[0]
    assert window.session.unit(UNIT).items[61].evidence_count == 1

    window.undo_stack.undo()   # adding undone: the file leaves the list (audited)
    assert window.evidence.item_model.rowCount() == 0
    qtbot.waitUntil(window.session.worker.is_idle)
    with WorkFile.open(practice_file, readonly=True, lock=False) as wf:
        assert wf.evidence_list(UNIT, 61) == []
    window.undo_stack.redo()
    assert [e.id for e in window.evidence.item_model.items] == [ev.id]

    window.evidence.select_evidence(ev.id)
    window.evidence.remove_button.click()
    assert window.evidence.item_model.rowCount() == 0
    window.undo_stack.undo()   # removal undone: the same record is back
    qtbot.waitUntil(window.session.worker.is_idle)
    with WorkFile.open(practice_file, readonly=True, lock=False) as wf:
        assert [e.id for e in wf.evidence_list(UNIT, 61)] == [ev.id]
        actions = [a for (a,) in wf.conn.execute(
            "SELECT action FROM audit WHERE item_no = 61 ORDER BY seq")]
        assert wf.verify_audit().ok
    # every step is in the audit log: add, undo, redo, remove, undo
    assert actions == ["evidence_add", "evidence_remove", "evidence_add", "evidence_remove",
                       "evidence_add"]
    assert window.session.unit(UNIT).items[61].evidence_count == 1
