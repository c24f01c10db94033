"""Fitting the office tables' columns to their contents without freezing the window.

Fitting one table measures its visible rows and the first RESIZE_ROWS (about 30 ms for a
full table); a refresh after an import fitted three tables in a row and froze the window
for about 100 ms. The fitter does one table per turn of the event loop, so the window
answers in between, and a table asked for twice before its turn is fitted once.
"""

from __future__ import annotations

from zhashui_inspector.ui.qt import QHeaderView, QObject, QTableView, QTimer


class ColumnFitter(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: list[tuple[QTableView, int]] = []
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next)

    def fit(self, table: QTableView, stretch_column: int) -> None:
        """Fit `table`'s columns soon; `stretch_column` then takes the room left."""
        if all(t is not table for t, _c in self._queue):   # queued already: keeps its turn
            self._queue.append((table, stretch_column))
        self._timer.start()

    def pending(self) -> int:
        return len(self._queue)

    def _next(self) -> None:
        if not self._queue:
            self._timer.stop()
            return
        table, stretch = self._queue.pop(0)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        if not self._queue:
            self._timer.stop()
