"""The editor under the checklist shows the current item whole at every window width, shows
nothing of another item when none is current, and keeps read-only text legible."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhashui_inspector.ui.qt import QApplication, QRect, QWidget


def shown_whole(widget: QWidget, viewport: QWidget) -> bool:
    """The widget lies inside the viewport across, and is as tall as its text needs."""
    rect = QRect(widget.mapTo(viewport, widget.rect().topLeft()), widget.size())
    tall_enough = not widget.hasHeightForWidth() \
        or widget.height() >= widget.heightForWidth(widget.width())
    return 0 <= rect.left() and rect.right() < viewport.width() and tall_enough


@pytest.mark.parametrize("width", [1440, 1366, 1180])
def test_every_item_is_shown_whole_in_the_editor(qtbot, open_window, demo_file: Path,
                                                 width: int) -> None:
    window = open_window(demo_file)
    window.resize(width, 860)
    editor = window.checklist.editor
    viewport = editor.parentWidget()   # the scroll area's, which never scrolls sideways
    cut = []
    for item in window.session.catalogue.items():
        assert window.commands.go_to_item(item.no)
        QApplication.processEvents()   # the editor's layout follows its new text
        if not all(shown_whole(label, viewport)
                   for label in (editor.path_label, editor.text_label)):
            cut.append(item.no)
    assert cut == []
    assert editor.path_label.text().startswith("第 76 项")
