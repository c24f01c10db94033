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


def test_with_no_item_left_the_editor_shows_nothing_and_the_list_says_why(
        qtbot, open_window, demo_file: Path) -> None:
    window = open_window(demo_file)
    window.switch_unit("县财政局")
    assert window.commands.go_to_item(1)
    editor, view = window.checklist.editor, window.checklist.view
    state = window.session.unit("县财政局").items[1]
    assert state.rating and state.methods and state.comment   # what the editor shows first
    assert editor.rating_buttons[state.rating].isChecked()
    assert editor.comment_edit.toPlainText() == state.comment
    assert not view.empty_note.isVisible()

    window.tree_pane.filter_edit.setText("zzz不存在")
    assert window.checklist.model.rowCount() == 0 and editor.item_no is None
    assert editor.text_label.text() == "（未选中指标）"
    assert not editor.path_label.isVisible()
    assert not any(button.isChecked() for button in editor.rating_buttons.values())
    assert not any(box.isChecked() for box in editor.method_boxes.values())
    assert editor.comment_edit.toPlainText() == ""
    assert not editor.reason_box.isVisible()
    assert view.empty_note.isVisible()
    assert view.empty_note.text().startswith("没有符合筛选条件的指标")
    assert view.viewport().rect().contains(view.empty_note.geometry())
    assert window.session.unit("县财政局").items[1] == state   # and nothing was saved over it

    window.tree_pane.filter_edit.clear()
    assert not view.empty_note.isVisible()
    assert editor.item_no == 1 and editor.comment_edit.toPlainText() == state.comment


def darkest(widget: QWidget) -> int:
    """The lightness of the darkest pixel the widget shows (its text, if it has any)."""
    image = widget.grab().toImage()
    return min(image.pixelColor(x, y).lightness()
               for y in range(0, image.height(), 2) for x in range(0, image.width(), 2))


def test_a_signed_units_notes_are_read_only_and_as_legible_as_any_text(
        qtbot, open_window, demo_file: Path) -> None:
    window = open_window(demo_file)
    window.switch_unit("县气象局")
    cache = window.session.unit("县气象局")
    assert cache.signed
    editor = window.checklist.editor
    commented = next(no for no, s in sorted(cache.items.items()) if s.comment.strip())
    reasoned = next(no for no, s in sorted(cache.items.items())
                    if s.rating == "不适用" and s.reason.strip())
    for no, box, text in ((commented, editor.comment_edit, cache.items[commented].comment),
                          (reasoned, editor.reason_edit, cache.items[reasoned].reason)):
        assert window.commands.go_to_item(no)
        qtbot.waitUntil(box.isVisible)
        assert box.toPlainText() == text
        assert box.isEnabled() and box.isReadOnly()
        assert darkest(box.viewport()) < 80, (no, "the text is drawn in a pale grey")
        assert box.viewport().palette().base() != editor.palette().base()   # not a field
        box.setFocus()
        qtbot.keyClicks(box, "abc")
        assert box.toPlainText() == text
        assert window.session.unit("县气象局").items[no] == cache.items[no]

    window.switch_unit("县财政局")   # not signed: the boxes are writing fields again
    assert window.commands.go_to_item(1)
    assert not editor.comment_edit.isReadOnly()
    assert editor.comment_edit.placeholderText().startswith("核查情况")
