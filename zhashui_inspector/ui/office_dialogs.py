"""Small dialogs of the office window: the key passphrase, a unit's decision, round dates,
the lock files left beside the workbook."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

from zhashui_inspector.core.records import RoundStage
from zhashui_inspector.exchange.status import UnitStatus
from zhashui_inspector.ui import qt
from zhashui_inspector.ui.office_models import rated_text
from zhashui_inspector.ui.qt import (
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from zhashui_inspector.ui.style import flag

TITLE = "县委依法治县办"   # the office window's title and its message boxes


def ask_passphrase(parent: QWidget, *, confirm: bool = False) -> str | None:
    """The office key's passphrase, typed by the user (None when cancelled)."""
    title = parent.tr("办公室密钥口令")
    text, ok = QInputDialog.getText(
        parent, title, parent.tr("请设置办公室密钥口令（至少 8 个字符，请妥善保管）：") if confirm
        else parent.tr("请输入办公室密钥口令："), QLineEdit.EchoMode.Password)
    if not ok:
        return None
    if confirm:
        again, ok = QInputDialog.getText(parent, title, parent.tr("请再输入一次："),
                                         QLineEdit.EchoMode.Password)
        if not ok:
            return None
        if again != text:
            from zhashui_inspector.ui import qt

            qt.QMessageBox.warning(parent, title, parent.tr("两次输入的口令不一致"))
            return None
    return text


class DecisionDialog(QDialog):
    """The office's decision on one unit, shown beside the policy's suggestion.

    A suggestion from an assessment that is not complete (items unrated or in dispute) is
    shown as 暂定 and not preselected: a person picks the outcome."""

    def __init__(self, unit: UnitStatus, outcomes: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.unit = unit.name
        self.setWindowTitle(self.tr("处理决定：{0}").format(unit.name))
        self.setMinimumWidth(460)
        score = "—" if unit.score is None else f"{unit.score:.1f}%"
        summary = QLabel(self.tr("{0}：已评 {1} 项，得分率 {2}，程序建议：{3}").format(
            unit.name, rated_text(unit), score, unit.suggestion))
        summary.setWordWrap(True)
        missing = unit.unrated
        self.complete = not unit.provisional
        self.outcome = QComboBox()
        self.outcome.addItems(list(outcomes))
        self.outcome.setPlaceholderText(self.tr("请选择处理结果"))
        if unit.decision:
            self.outcome.setCurrentText(unit.decision)
        elif unit.suggested and self.complete:
            self.outcome.setCurrentText(unit.suggested)
        else:
            self.outcome.setCurrentIndex(-1)
        self.reason = QPlainTextEdit(unit.decision_reason)
        self.reason.setPlaceholderText(self.tr("必须写明理由，例如复查中发现的主要问题"))
        self.reason.setMinimumHeight(90)
        self.warning = QLabel(self._incomplete_text(missing, unit.open_conflicts,
                                                    bool(unit.decision)))
        self.warning.setWordWrap(True)
        flag(self.warning, "warning", True)
        self.warning.setVisible(not self.complete)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("记录决定"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("处理结果"), self.outcome)
        form.addRow(self.tr("理由"), self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.warning)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._update)
        self.outcome.currentIndexChanged.connect(self._update)
        self._update()

    def _incomplete_text(self, missing: int, open_conflicts: int, decided: bool) -> str:
        parts = []
        if missing:
            parts.append(self.tr("尚有 {0} 项未评").format(missing))
        if open_conflicts:
            parts.append(self.tr("尚有 {0} 项评定分歧未裁定，其评定不计入得分").format(
                open_conflicts))
        shown = (self.tr("下面是此前记录的处理决定") if decided
                 else self.tr("未预选处理结果"))
        return self.tr("评估尚未完成：{0}。程序建议只是暂定，{1}。").format(
            "；".join(parts), shown)

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.outcome.currentIndex() >= 0
                      and bool(self.reason.toPlainText().strip()))

    def result_values(self) -> tuple[str, str, str]:
        return self.unit, self.outcome.currentText(), self.reason.toPlainText().strip()


def _qdate(day: datetime.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> datetime.date:
    return datetime.date(day.year(), day.month(), day.day())


class RoundDialog(QDialog):
    """The current round's name and the dates of its three stages."""

    def __init__(self, name: str, stages: Sequence[RoundStage],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("轮次设置"))
        self.name = QLineEdit(name)
        form = QFormLayout()
        form.addRow(self.tr("轮次名称"), self.name)
        self.spans: dict[str, tuple[QDateEdit, QDateEdit]] = {}
        for stage in stages:
            start, end = QDateEdit(_qdate(stage.start)), QDateEdit(_qdate(stage.end))
            for edit in (start, end):
                edit.setCalendarPopup(True)
                edit.setDisplayFormat("yyyy-MM-dd")
            row = QHBoxLayout()
            row.addWidget(start)
            row.addWidget(QLabel(self.tr("至")))
            row.addWidget(end)
            form.addRow(stage.name, row)
            self.spans[stage.key] = (start, end)
        note = QLabel(self.tr("改名即开始新的轮次（此前轮次的日期保留）；之后下发的文件带新的日期。"
                              "复查验收评估阶段结束后交回的文件仍会导入，但标为逾期。"))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, dict[str, tuple[datetime.date, datetime.date]]]:
        spans = {key: (_pydate(start.date()), _pydate(end.date()))
                 for key, (start, end) in self.spans.items()}
        return self.name.text().strip(), spans


class InitPage(QWidget):
    """Shown for a folder that is not an office folder yet."""

    def __init__(self, folder_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        text = QLabel(self.tr("“{0}”还不是县委依法治县办的办公文件夹。\n\n"
                              "新建后，文件夹中会有：台账（ledger.sqlite）、档案（archive）、"
                              "总表（master.xlsx）、报告（reports）和办公室密钥（keys，口令保护）。"
                              ).format(folder_name))
        text.setWordWrap(True)
        self.create_button = QPushButton(self.tr("在此文件夹新建办公文件夹…"))
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(text)
        layout.addWidget(self.create_button)
        layout.addStretch(2)


def confirm_removing_locks(parent: QWidget, workbook: Path, locks: Sequence[Path]) -> bool:
    """Whether to delete the lock files beside the workbook before writing it: the user
    says that no Excel, WPS or LibreOffice has it open (one ended without closing it)."""
    box = qt.QMessageBox(parent)
    box.setIcon(qt.QMessageBox.Icon.Warning)
    box.setWindowTitle(TITLE)
    names = "、".join(f"“{lock.name}”" for lock in locks)
    box.setText(parent.tr("总表“{0}”旁有锁定文件 {1}：Excel、WPS 或 LibreOffice 可能正打开着它。")
                .format(workbook.name, names))
    box.setInformativeText(parent.tr(
        "请先关闭打开总表的程序，再点“立即写入总表”。\n"
        "如果确认没有任何程序打开它（程序曾意外退出，留下了锁定文件），可以删除锁定文件后写入。"))
    remove = box.addButton(parent.tr("删除锁定文件并写入"), qt.QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(parent.tr("取消"), qt.QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is remove
