"""The conflicts tab: the list of disagreements, both sides next to each other, and the
office's resolution of the one selected."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from zhashui_inspector.core.records import ROLE_LABELS
from zhashui_inspector.core.text import clip
from zhashui_inspector.exchange.conflicts import Conflict, SideDetail
from zhashui_inspector.ui.column_fit import ColumnFitter
from zhashui_inspector.ui.office_models import RESIZE_ROWS, RecordTableModel, conflict_columns
from zhashui_inspector.ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)

# A side's comment or reason is shown in a scrolling box up to this many characters, then
# cut with a note: the ledger keeps the whole text, but a returned file may carry 10 MB
# of it, and laying that out would keep the window from answering for many seconds.
SIDE_TEXT_CHARS = 10_000
CUT_NOTE = "……（以下省略 {0} 字，全文保存在台账中）"
TITLE_CHARS = 60       # a holder's name in a card's title
LINE_CHARS = 300       # one-line facts: methods, file name, the earlier resolution


class SideCard(QGroupBox):
    """One file's entry for the item; every text is shown as plain text, never markup."""

    def __init__(self, side: SideDetail, parent: QWidget | None = None) -> None:
        role = ROLE_LABELS.get(side.role, side.role)
        super().__init__(f"{clip(side.holder, TITLE_CHARS)}（{role}）", parent)
        layout = QVBoxLayout(self)
        self.rating = QLabel(side.rating or self.tr("未评"))
        self.rating.setObjectName("sideRating")
        font = self.rating.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.rating.setFont(font)
        layout.addWidget(self.rating)
        if side.methods:
            layout.addWidget(_line(self.tr("核查方式"), "、".join(side.methods)))
        self.comment_view = self._text_box(layout, self.tr("意见"), side.comment, 3)
        self.reason_view = self._text_box(layout, self.tr("不适用理由"), side.reason, 1)
        if self.comment_view is None and self.reason_view is None:
            layout.addStretch(1)
        if side.file_name:
            layout.addWidget(_line(self.tr("文件"), side.file_name))

    def _text_box(self, layout: QVBoxLayout, label: str, text: str,
                  stretch: int) -> QPlainTextEdit | None:
        """A read-only, scrolling box for a text that may be long (None when empty)."""
        if not text:
            return None
        caption = QLabel(f"{label}：")
        caption.setTextFormat(Qt.TextFormat.PlainText)
        view = QPlainTextEdit()
        view.setReadOnly(True)
        view.setUndoRedoEnabled(False)
        view.setTabChangesFocus(True)
        view.setAccessibleName(label)
        view.setMinimumHeight(view.fontMetrics().lineSpacing() * 3)
        view.setPlainText(clip(text, SIDE_TEXT_CHARS, CUT_NOTE))
        layout.addWidget(caption)
        layout.addWidget(view, stretch)
        return view


def _line(label: str, text: str) -> QLabel:
    line = QLabel(f"{label}：{clip(text, LINE_CHARS)}")
    line.setWordWrap(True)
    line.setTextFormat(Qt.TextFormat.PlainText)
    return line


class ConflictsPane(QWidget):
    details_wanted = Signal(str, int)               # unit, item
    resolve_requested = Signal(str, int, str, str)  # unit, item, rating, reason

    def __init__(self, ratings: Sequence[str], item_text: Callable[[int], str],
                 fitter: ColumnFitter | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item_text = item_text
        self.fitter = fitter or ColumnFitter(self)   # the window's, shared with its tables
        self.conflicts: list[Conflict] = []
        self.only_open = QCheckBox(self.tr("只看待解决的分歧"))
        self.only_open.setChecked(True)
        self.only_open.toggled.connect(self._apply_filter)
        self.model = RecordTableModel(conflict_columns(item_text), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        # Column widths from the first rows only: measuring every row of a long list
        # calls the model for each cell and froze the window for seconds after imports.
        self.table.horizontalHeader().setResizeContentsPrecision(RESIZE_ROWS)
        self.table.selectionModel().selectionChanged.connect(self._selected)

        self.title = QLabel(self.tr("选择左侧的一项分歧，查看各方评定并裁定"))
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setObjectName("paneTitle")
        self.sides = QWidget()
        self.sides_layout = QHBoxLayout(self.sides)
        self.sides_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.sides)
        self.earlier = QLabel()
        self.earlier.setWordWrap(True)
        self.earlier.setTextFormat(Qt.TextFormat.PlainText)
        self.rating = QComboBox()
        self.rating.addItems(list(ratings))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("裁定理由（必填）"))
        self.resolve_button = QPushButton(self.tr("裁定"))
        self.resolve_button.clicked.connect(self._resolve)
        self.reason.textChanged.connect(self._update_button)
        decide = QHBoxLayout()
        decide.addWidget(QLabel(self.tr("裁定为")))
        decide.addWidget(self.rating)
        decide.addWidget(self.reason, 1)
        decide.addWidget(self.resolve_button)

        detail = QWidget()
        right = QVBoxLayout(detail)
        right.addWidget(self.title)
        right.addWidget(scroll, 1)
        right.addWidget(self.earlier)
        right.addLayout(decide)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.only_open)
        left_layout.addWidget(self.table)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 4)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self._show_nothing()

    # ---- the list -----------------------------------------------------------------------

    def set_conflicts(self, conflicts: Sequence[Conflict]) -> None:
        keep = self.selected()
        self.conflicts = list(conflicts)
        self._apply_filter(keep=(keep.unit, keep.item_no) if keep else None)

    def _apply_filter(self, *_args: object, keep: tuple[str, int] | None = None) -> None:
        shown = [c for c in self.conflicts if c.status == "open" or not self.only_open.isChecked()]
        self.model.set_records(shown)
        self.fitter.fit(self.table, 5)
        row = next((i for i, c in enumerate(shown) if keep and (c.unit, c.item_no) == keep), -1)
        if row < 0 and shown:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._show_nothing()

    def selected(self) -> Conflict | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.record(rows[0].row()) if rows else None

    def _selected(self, *_args: object) -> None:
        conflict = self.selected()
        if conflict is None:
            self._show_nothing()
            return
        self.title.setText(self.tr("{0} 第 {1} 项：{2}").format(
            conflict.unit, conflict.item_no, self.item_text(conflict.item_no)))
        self.details_wanted.emit(conflict.unit, conflict.item_no)

    # ---- the detail ---------------------------------------------------------------------

    def _clear_sides(self) -> None:
        while self.sides_layout.count():
            item = self.sides_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def _show_nothing(self) -> None:
        self._clear_sides()
        self.title.setText(self.tr("没有待解决的评定分歧") if not self.model.records
                           else self.tr("选择左侧的一项分歧，查看各方评定并裁定"))
        self.earlier.clear()
        self.resolve_button.setEnabled(False)

    def show_details(self, unit: str, item_no: int, sides: Sequence[SideDetail]) -> None:
        """Both (or all) sides next to each other; stale answers are ignored."""
        conflict = self.selected()
        if conflict is None or (conflict.unit, conflict.item_no) != (unit, item_no):
            return
        self._clear_sides()
        for side in sides:
            self.sides_layout.addWidget(SideCard(side))
        if conflict.resolution:
            prefix = self.tr("已裁定") if conflict.status == "resolved" else self.tr("此前裁定（因新导入已重新打开）")
            self.earlier.setText(f"{prefix}：{conflict.resolution}。{clip(conflict.reason, LINE_CHARS)}")
            self.rating.setCurrentText(conflict.resolution)
        else:
            self.earlier.clear()
        self._update_button()

    def _update_button(self) -> None:
        conflict = self.selected()
        self.resolve_button.setEnabled(conflict is not None and conflict.status != "cleared"
                                       and bool(self.reason.text().strip()))

    def _resolve(self) -> None:
        conflict = self.selected()
        if conflict is None or not self.reason.text().strip():
            return
        self.resolve_requested.emit(conflict.unit, conflict.item_no, self.rating.currentText(),
                                    self.reason.text().strip())
        self.reason.clear()
