"""Fitting the office tables' columns to their contents without freezing the window.

Fitting one table measures its visible rows and the first RESIZE_ROWS (about 30 ms for a
full table); a refresh after an import fitted three tables in a row and froze the window
for about 100 ms. The fitter does one table per turn of the event loop, so the window
answers in between, and a table asked for twice before its turn is fitted once. A table
that is not shown (another tab) waits until it is: most refreshes then fit one table.
"""

from __future__ import annotations

from zhashui_inspector.ui.qt import QEvent, QHeaderView, QObject, QTableView, QTimer


class ColumnFitter(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: list[tuple[QTableView, int]] = []
        self._hidden: dict[QTableView, int] = {}   # to be fitted when shown
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next)

    def fit(self, table: QTableView, stretch_column: int) -> None:
        """Fit `table`'s columns soon; `stretch_column` then takes the room left."""
        if not table.isVisible():
            if table not in self._hidden:
                table.installEventFilter(self)
            self._hidden[table] = stretch_column
            return
        if all(t is not table for t, _c in self._queue):   # queued already: keeps its turn
            self._queue.append((table, stretch_column))
        self._timer.start()

    def pending(self) -> int:
        """Tables waiting for their turn (not those waiting to be shown)."""
        return len(self._queue)

    def waiting_to_be_shown(self) -> int:
        return len(self._hidden)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Show and watched in self._hidden:
            watched.removeEventFilter(self)
            table = watched
            assert isinstance(table, QTableView)
            stretch = self._hidden.pop(table)
            self._fit_now(table, stretch)   # before its first paint: no jump of the columns
        return False

    def _next(self) -> None:
        if not self._queue:
            self._timer.stop()
            return
        table, stretch = self._queue.pop(0)
        self._fit_now(table, stretch)
        if not self._queue:
            self._timer.stop()

    @staticmethod
    def _fit_now(table: QTableView, stretch: int) -> None:
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
