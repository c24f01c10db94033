"""A whole unit scored without the mouse: 1–4 rate and move on, J/K and arrows move,
Ctrl+G goes to an item, Ctrl+F filters, Esc leaves a note box; the keys the unit switcher
names switch units, and F1 lists every key."""

from __future__ import annotations

from itertools import cycle
from pathlib import Path

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.ui.progress import done_count
from zhashui_inspector.ui.qt import QApplication, QInputDialog, QInputMethodEvent, Qt, QTimer

REASON = "不属于本单位职能"


def _focus():  # type: ignore[no-untyped-def]
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_chinese(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Chinese arrives through the input method as committed text, as on a real laptop."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _idle(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(window.session.worker.is_idle, timeout=10_000)


def _ready_for_keys(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.checklist.view.setFocus()
    qtbot.waitUntil(window.checklist.view.hasFocus)


def test_a_whole_unit_scored_with_the_keyboard_only(qtbot, open_window,
                                                    practice_file: Path) -> None:
    window = open_window(practice_file)
    _ready_for_keys(qtbot, window)
    assert window.unit == "县财政局"
    ratings = window.session.catalogue.ratings
    keys = cycle([(Qt.Key.Key_1, ratings[0]), (Qt.Key.Key_2, ratings[1]), (Qt.Key.Key_1, ratings[0]),
                  (Qt.Key.Key_3, ratings[2]), (Qt.Key.Key_4, ratings[3])])
    expected: dict[int, str] = {}
    for _ in range(76):
        no = window.checklist.current_item()
        key, rating = next(keys)
        qtbot.keyClick(_focus(), key)
        if rating == "不适用":
            # 4 asks for the reason at once: type it, Esc back to the list, J to go on
            assert _focus() is window.checklist.editor.reason_edit
            type_chinese(_focus(), REASON)
            qtbot.keyClick(_focus(), Qt.Key.Key_Escape)
            assert _focus() is window.checklist.view
            qtbot.keyClick(_focus(), Qt.Key.Key_J)
        expected[no] = rating
    assert sorted(expected) == list(range(1, 77))
    _idle(qtbot, window)
    assert window.commands.save_indicator.label.text().startswith("已保存 ")
    # what the screen promised is in the file, and the rules accept it for sign-off
    with WorkFile.open(practice_file, readonly=True, lock=False) as wf:
        saved = {s.item_no: s for s in wf.unit_items("县财政局")}
        assert {no: s.rating for no, s in saved.items()} == expected
        assert all(s.reason == REASON for s in saved.values() if s.rating == "不适用")
        assert wf.signoff_blockers("县财政局") == []
    assert window.switcher.currentText() == "县财政局　76/76"


def test_moving_with_j_k_and_arrows(qtbot, open_window, practice_file: Path) -> None:
    window = open_window(practice_file)
    _ready_for_keys(qtbot, window)
    assert window.checklist.current_item() == 1
    qtbot.keyClick(_focus(), Qt.Key.Key_J)
    qtbot.keyClick(_focus(), Qt.Key.Key_J)
    assert window.checklist.current_item() == 3
    qtbot.keyClick(_focus(), Qt.Key.Key_K)
    assert window.checklist.current_item() == 2
    qtbot.keyClick(_focus(), Qt.Key.Key_Down)
    qtbot.keyClick(_focus(), Qt.Key.Key_Down)
    assert window.checklist.current_item() == 4
    qtbot.keyClick(_focus(), Qt.Key.Key_Up)
    assert window.checklist.current_item() == 3
    # the panel below and the evidence viewer follow the current item
    assert window.checklist.editor.item_no == 3
    assert window.evidence.item_no == 3
    assert "第 3 项" in window.checklist.editor.path_label.text()
    # nothing was rated by moving around
    _idle(qtbot, window)
    assert done_count(window.session.unit("县财政局").items.values(), unit_mode=False) == 0


def test_ctrl_g_goes_to_an_item_by_number(qtbot, open_window, practice_file: Path) -> None:
    window = open_window(practice_file)
    _ready_for_keys(qtbot, window)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        spin = dialog.findChild(QApplication.focusWidget().__class__) or QApplication.focusWidget()
        qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(spin, "42")
        qtbot.keyClick(spin, Qt.Key.Key_Return)

    QTimer.singleShot(200, answer)
    qtbot.keyClick(_focus(), Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert window.checklist.current_item() == 42
    qtbot.waitUntil(window.checklist.view.hasFocus)  # focus comes back once the dialog is gone
    # and from a narrow list: the item is found even when it is not shown
    window.tree_pane.filter_edit.setText("1-5")
    assert window.checklist.model.item_nos == [1, 2, 3, 4, 5]
    assert window.commands.go_to_item(60)
    assert window.checklist.current_item() == 60
    assert 60 in window.checklist.model.item_nos


def test_ctrl_f_filters_and_the_checklist_follows(qtbot, open_window, demo_file: Path) -> None:
    window = open_window(demo_file)
    window.switch_unit("县林业局")
    _ready_for_keys(qtbot, window)
    qtbot.keyClick(_focus(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert _focus() is window.tree_pane.filter_edit
    type_chinese(_focus(), "集体学法")
    shown = window.checklist.model.item_nos
    assert shown and all("集体学法" in window.session.catalogue.item(no).text or no in shown
                         for no in shown)
    assert "（已筛选）" in window.checklist.scope_label.text()
    # typing digits in the filter box does not rate anything
    _focus().clear()
    qtbot.keyClicks(_focus(), "61")
    assert window.checklist.model.item_nos == [61]
    _idle(qtbot, window)
    assert window.session.unit("县林业局").items[61].rating is None
    # quick filter: only unrated items
    window.tree_pane.filter_edit.clear()
    window.tree_pane.quick_buttons[None].click()
    from zhashui_inspector.ui.standards_filter import QuickFilter

    window.tree_pane.quick_buttons[QuickFilter.UNRATED].click()
    unrated = [no for no, s in window.session.unit("县林业局").items.items() if s.rating is None]
    assert window.checklist.model.item_nos == unrated


def test_the_keys_the_unit_switcher_names_switch_units(qtbot, open_window,
                                                      demo_file: Path) -> None:
    import re

    from zhashui_inspector.ui.qt import QKeySequence

    window = open_window(demo_file)
    units = window.session.units
    window.switch_unit(units[1])
    _ready_for_keys(qtbot, window)
    keys = re.findall(r"(?:Ctrl|Alt|Shift|Meta)\+[A-Za-z0-9]+", window.switcher.toolTip())
    assert len(keys) >= 2, window.switcher.toolTip()
    for key in keys:
        before = window.unit
        combination = QKeySequence(key)[0]
        qtbot.keyClick(_focus(), combination.key(), combination.keyboardModifiers())
        assert window.unit != before, (key, window.switcher.toolTip())
        assert window.switcher.current_unit() == window.unit
    # and Ctrl+1 / Ctrl+2 still show the checklist and the self-report
    qtbot.keyClick(_focus(), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 1
    qtbot.keyClick(window.tabs, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 0


def test_f1_lists_every_key_in_two_columns(qtbot, open_window, demo_file: Path) -> None:
    from zhashui_inspector.ui.actions import SPECS
    from zhashui_inspector.ui.shortcuts_dialog import ShortcutsDialog

    window = open_window(demo_file)
    _ready_for_keys(qtbot, window)
    seen: list[tuple[list[tuple[str, str]], bool]] = []

    def look_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ShortcutsDialog):
            dialog.close()   # not the table this test looks for: seen stays empty
            return
        table, model = dialog.table, dialog.model
        rows = [(model.item(r, 0).text(), model.item(r, 1).text())
                for r in range(model.rowCount())]
        metrics = table.fontMetrics()
        whole = all(  # each cell's text fits its column: nothing elided or run together
            metrics.horizontalAdvance(model.item(r, c).text()) < table.columnWidth(c) - 6
            for r in range(model.rowCount()) for c in (0, 1))
        seen.append((rows, whole and table.columnViewportPosition(1) >= table.columnWidth(0)))
        dialog.reject()

    QTimer.singleShot(200, look_and_close)
    qtbot.keyClick(_focus(), Qt.Key.Key_F1)
    assert seen, "F1 showed the keyboard help"
    rows, whole = seen[0]
    assert whole
    keys = dict(rows)
    for spec in SPECS.values():
        for key in spec.shortcuts:
            assert any(key in cell.split(" 或 ") for cell in keys), key
    assert keys["Ctrl+Shift+V"] == "粘贴为佐证材料"
    assert keys["Ctrl+Shift+Z 或 Ctrl+Y"] == "重做"
    assert keys["Esc"] == "从备注或理由框回到检查表"
