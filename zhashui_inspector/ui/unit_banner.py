"""The strip above the checklist that says when the unit is signed off (and read-only) and
when a unit's self-check file is shown beside the inspector's own notes."""

from __future__ import annotations

from zhashui_inspector.core.text import clip
from zhashui_inspector.ui.cache import LinkedFile, UnitCache
from zhashui_inspector.ui.plain_text import LABEL_CHARS
from zhashui_inspector.ui.qt import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from zhashui_inspector.ui.style import styled


def short_time(iso: str) -> str:
    """2023-11-30T10:20:31+08:00 → 2023-11-30 10:20"""
    return iso[:16].replace("T", " ")


class UnitBanner(QWidget):
    reopen_requested = Signal()
    unlink_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.signed_frame, self.signed_label, self.reopen_button = self._strip(
            "signedBanner", self.tr("重新打开…"), self.tr("说明理由后重新打开本单位"))
        self.reopen_button.clicked.connect(self.reopen_requested)
        self.linked_frame, self.linked_label, self.unlink_button = self._strip(
            "linkedBanner", self.tr("移除"), self.tr("不再显示单位自查文件"))
        self.unlink_button.clicked.connect(self.unlink_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 0)
        layout.setSpacing(4)
        layout.addWidget(self.signed_frame)
        layout.addWidget(self.linked_frame)
        self.signed_frame.hide()
        self.linked_frame.hide()

    def _strip(self, name: str, button_text: str,
               tip: str) -> tuple[QFrame, QLabel, QPushButton]:
        frame = QFrame(self)
        styled(frame, name)
        label = QLabel(frame)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)   # names from the files, as written
        button = QPushButton(button_text, frame)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        row = QHBoxLayout(frame)
        row.setContentsMargins(10, 6, 6, 6)
        row.addWidget(label, 1)
        row.addWidget(button)
        return frame, label, button

    def show_unit(self, cache: UnitCache, linked: LinkedFile | None) -> None:
        signoff = cache.active_signoff
        if signoff is not None:
            self.signed_label.setText(self.tr("✓ {0} 已于 {1} 由 {2} 签字确认，现为只读。").format(
                cache.name, short_time(signoff.signed_at), signoff.signer))
        self.signed_frame.setVisible(signoff is not None)
        shows_linked = linked is not None and linked.unit.name == cache.name
        if linked is not None:
            ident = linked.identity
            if shows_linked:
                text = self.tr("单位自查材料：已载入 {0}（{1}，持有人 {2}），只读显示在旁边。").format(
                    linked.path.name, linked.unit.name, clip(ident.holder, LABEL_CHARS))
            else:
                text = self.tr("已载入的单位自查文件属于 {0}，切换到该单位即可查看。").format(
                    linked.unit.name)
            self.linked_label.setText(text)
        self.linked_frame.setVisible(linked is not None)
        self.setVisible(signoff is not None or linked is not None)
