"""Work that waits until a widget has been painted once.

At start-up the window shows what the user came for (the checklist) before it does what
can come a moment later: building the viewer of the selected evidence, freezing the
start-up heap. Each of these, run before the first paint, delays it by tens of
milliseconds, and holds the interpreter lock while it runs.
"""

from __future__ import annotations

from collections.abc import Callable

from zhashui_inspector.ui.qt import QEvent, QObject, QTimer, QWidget

FALLBACK_MS = 1000   # a widget that is shown but never painted (covered, off screen)


class _AfterFirstPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)
        QTimer.singleShot(FALLBACK_MS, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._run)   # once the paint has been delivered
        return False

    def _run(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            self.deleteLater()
            callback()


def after_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call `callback` on the turn of the event loop after `widget` is first painted (at
    once, on the next turn, if the widget is not visible: it would never be painted)."""
    if not widget.isVisible():
        QTimer.singleShot(0, callback)
        return
    _AfterFirstPaint(widget, callback)
