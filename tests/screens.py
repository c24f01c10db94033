"""Screens of a given size for the GUI tests: the offscreen platform has one 800×800
screen, and the windows size themselves to the screen they open on."""

from __future__ import annotations

import pytest

from zhashui_inspector.ui import screen_fit
from zhashui_inspector.ui.qt import QRect, QWidget

OFFICE_PC = QRect(0, 0, 1920, 1040)   # 1920×1080 less the taskbar
LAPTOP = QRect(0, 0, 1366, 728)       # 1366×768 less the taskbar


def use_screen(monkeypatch: pytest.MonkeyPatch, area: QRect) -> QRect:
    """Every window measures `area` as the usable part of its screen."""
    monkeypatch.setattr(screen_fit, "available_area", lambda widget: QRect(area))
    return area


def on_screen(widget: QWidget, area: QRect) -> bool:
    """The widget is shown whole inside `area` (in the coordinates of the screen)."""
    if not widget.isVisible():
        return False
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    return area.contains(QRect(top_left, widget.size()))
