"""The status bar's saved state: "已保存 HH:MM:SS", "正在保存…", or what went wrong and
a button to retry."""

from __future__ import annotations

from zhashui_inspector.ui.qt import QHBoxLayout, QLabel, QPushButton, QWidget, Signal
from zhashui_inspector.ui.save_state import SaveState, SaveStatus
from zhashui_inspector.ui.style import flag


class SaveIndicator(QWidget):
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saveIndicator")
        self.label = QLabel(self.tr("每项修改都会立即自动保存"), self)
        self.label.setObjectName("saveLabel")
        self.label.setAccessibleName(self.tr("保存状态"))
        self.retry_button = QPushButton(self.tr("重试"), self)
        self.retry_button.setAccessibleName(self.tr("重试保存"))
        self.retry_button.clicked.connect(self.retry_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        layout.addWidget(self.retry_button)
        # A steady width: "正在保存…" and "已保存 HH:MM:SS" alternate on every edit, and a
        # label that changes size makes the whole window lay itself out again.
        self._normal_width = max(self.label.fontMetrics().horizontalAdvance(t)
                                 for t in (self.label.text(), self.tr("已保存 00:00:00"))) + 8
        self.label.setFixedSize(self._normal_width, self.label.sizeHint().height())
        self.state = SaveState(SaveStatus.SAVED)
        self._set_problem(False)
        self.retry_button.hide()

    def show_state(self, state: SaveState) -> None:
        self.state = state
        status = state.status
        self.retry_button.setVisible(status is SaveStatus.FAILED)
        if status is SaveStatus.SAVED:
            self.label.setText(self.tr("已保存 {0}").format(state.at))
            self.label.setToolTip(self.tr("每项修改都已写入工作文件"))
        elif status is SaveStatus.SAVING:
            self.label.setText(self.tr("正在保存…"))
        else:
            self.label.setText(state.message)
            self.label.setToolTip(state.message)
        width = self._normal_width
        if status in (SaveStatus.FAILED, SaveStatus.REJECTED):
            width = max(width, min(self.label.fontMetrics().horizontalAdvance(state.message) + 8,
                                   720))
        if self.label.width() != width:
            self.label.setFixedWidth(width)
        self._set_problem(status in (SaveStatus.FAILED, SaveStatus.REJECTED))

    def _set_problem(self, problem: bool) -> None:
        flag(self.label, "problem", problem)
