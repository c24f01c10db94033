"""The keyboard help (F1): every key of the work-file window and what it does, in two
columns, taken from the action registry so that it lists what is really bound."""

from __future__ import annotations

from zhashui_inspector.ui.actions import SPECS
from zhashui_inspector.ui.qt import (
    QAbstractItemView,
    QCoreApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QSize,
    QStandardItem,
    QStandardItemModel,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from zhashui_inspector.ui.screen_fit import fit_dialog

KEY_GAP = 24   # between the longest keys and what they do


def tr(text: str) -> str:
    return QCoreApplication.translate("shortcuts", text)


def shortcut_rows() -> list[tuple[str, str]]:
    """(keys, what they do) for every action with a key, then the keys no action holds."""
    rows = [(tr(" 或 ").join(spec.shortcuts),
             QCoreApplication.translate("actions", spec.text).rstrip("…"))
            for spec in SPECS.values() if spec.shortcuts]
    rows.append(("↑ ↓", tr("在检查表中移动")))
    rows.append(("Esc", tr("从备注或理由框回到检查表")))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("键盘操作"))
        self.model = QStandardItemModel(0, 2, self)
        self.model.setHorizontalHeaderLabels([tr("按键"), tr("操作")])
        for keys, text in shortcut_rows():
            key_cell = QStandardItem(keys)
            key_cell.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self.model.appendRow([key_cell, QStandardItem(text)])
        self.table = QTableView(self)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName(tr("键盘操作一览"))
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, self.table.sizeHintForColumn(0) + KEY_GAP)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        # both columns whole; every row too where the screen is tall enough, else it scrolls
        self.table.setMinimumWidth(header.sectionSize(0) + self.table.sizeHintForColumn(1)
                                   + self.table.verticalScrollBar().sizeHint().width()
                                   + 2 * self.table.frameWidth() + 8)
        rows_height = sum(self.table.rowHeight(r) for r in range(self.model.rowCount()))
        margins = layout.contentsMargins()
        fit_dialog(self, QSize(self.table.minimumWidth() + margins.left() + margins.right(),
                               rows_height + header.sizeHint().height()
                               + 2 * self.table.frameWidth() + layout.spacing()
                               + buttons.sizeHint().height() + margins.top() + margins.bottom()))
