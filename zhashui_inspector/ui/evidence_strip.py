"""A row of evidence thumbnails that also takes files dropped on it."""

from __future__ import annotations

from zhashui_inspector.ui.evidence_ingest import EvidenceIngest
from zhashui_inspector.ui.qt import (
    QAbstractItemView,
    QDragEnterEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
    QListView,
    QPainter,
    QPaintEvent,
    QSize,
    Qt,
    QWidget,
    Signal,
)


class EvidenceStrip(QListView):
    """One row of thumbnails that also takes files dropped on it; short while empty."""

    dropped = Signal(object)    # QMimeData
    paste_requested = Signal()  # Ctrl+V on the strip
    FULL_HEIGHT = 136
    EMPTY_HEIGHT = 54

    def fit_height(self) -> None:
        model = self.model()
        empty = model is None or model.rowCount() == 0
        self.setFixedHeight(self.EMPTY_HEIGHT if empty else self.FULL_HEIGHT)

    def __init__(self, placeholder: str, accepts_drops: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = placeholder
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setIconSize(QSize(80, 80))
        self.setGridSize(QSize(104, 118))
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setFixedHeight(self.FULL_HEIGHT)
        self.setAcceptDrops(accepts_drops)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly if accepts_drops
                             else QAbstractItemView.DragDropMode.NoDragDrop)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Paste) and self.acceptDrops():
            self.paste_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self.acceptDrops() and EvidenceIngest.can_accept(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if self.acceptDrops() and EvidenceIngest.can_accept(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        if self.acceptDrops() and EvidenceIngest.can_accept(event.mimeData()):
            event.acceptProposedAction()
            self.dropped.emit(event.mimeData())
        else:
            event.ignore()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.viewport().rect().adjusted(12, 0, -12, 0),
                             int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                             self.placeholder)
