"""Every action and every control a keyboard or screen-reader user reaches has a name."""

from __future__ import annotations

from pathlib import Path

from zhashui_inspector.ui.actions import SPECS, Act
from zhashui_inspector.ui.qt import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

CONTROLS = (QAbstractButton, QAbstractItemView, QComboBox, QLineEdit, QPlainTextEdit, QSpinBox)


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QAbstractButton) else ""
    return widget.accessibleName() or text or ""


def test_every_action_has_a_name_and_the_registry_is_complete(qtbot, open_window,
                                                              demo_file: Path) -> None:
    window = open_window(demo_file)
    assert set(window.actions) == set(Act) == set(SPECS)
    for act, action in window.actions.items():
        assert action.text().strip(), act
        assert action.toolTip().strip(), act
    shortcuts = [s.toString() for a in window.actions.values() for s in a.shortcuts()]
    assert len(shortcuts) == len(set(shortcuts)), "no key may do two things"
    assert {"1", "2", "3", "4", "J", "K", "Ctrl+G", "Ctrl+F", "Ctrl+Z", "Ctrl+Shift+Z"} <= set(
        shortcuts)


def test_every_visible_control_has_an_accessible_name(qtbot, open_window,
                                                      demo_file: Path) -> None:
    window = open_window(demo_file)
    window.switch_unit("县气象局")
    window.checklist.go_to(61)    # an item with a PDF, so the PDF viewer is built too
    qtbot.waitUntil(lambda: window.evidence.stack.currentWidget() is not window.evidence.empty,
                    timeout=10_000)
    unnamed, checked = [], 0
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisibleTo(window):
            continue
        if type(widget).__name__ in ("QTabBar", "QScrollBar") or widget.objectName().startswith(
                "qt_"):
            continue   # Qt's own parts name themselves
        checked += 1
        if not _name(widget):
            unnamed.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert checked > 40, "the window's controls were all looked at"
    assert unnamed == []
