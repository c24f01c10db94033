"""Text from other people's files on screen: shown as written, never as markup, and cut
where it is too long to lay out.

Qt guesses whether a tooltip or a message box holds rich text (a tag such as "<b>" on the
first line is enough) and would then render markup, even load an "<img src=…>", that
came in a returned file or a unit's self-check file. Labels are made plain where they are
built; these helpers cover the places where Qt guesses.
"""

from __future__ import annotations

import html

from zhashui_inspector.core.text import clip
from zhashui_inspector.ui import qt  # dialogs: resolved on first use
from zhashui_inspector.ui.qt import Qt, QWidget

TOOLTIP_CHARS = 1000
MESSAGE_CHARS = 2000
LABEL_CHARS = 300        # a name or caption on one line
NOTE_CHARS = 2000        # one text inside a note
LONG_TEXT_CHARS = 10_000  # one text in a scrolling box
CUT_NOTE = "……（以下省略 {0} 字）"


def tooltip(text: str, limit: int = TOOLTIP_CHARS) -> str | None:
    """A tooltip that shows `text` literally (escaped into the rich text Qt then expects),
    cut after `limit` characters; None for no text."""
    if not text:
        return None
    return f'<p style="white-space:pre-wrap">{html.escape(clip(text, limit))}</p>'


def warn(parent: QWidget, title: str, text: str) -> qt.QMessageBox:
    """A warning box showing `text` as plain text, cut after MESSAGE_CHARS characters;
    window-modal, returns at once (the box deletes itself when closed)."""
    box = qt.QMessageBox(qt.QMessageBox.Icon.Warning, title, clip(text, MESSAGE_CHARS),
                         qt.QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
