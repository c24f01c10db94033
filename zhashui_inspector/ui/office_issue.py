"""Issuing work files from the office window: who holds one, in which role, for which units.

A review team's file covers the units it visits; a unit's self-check file covers that
unit alone, so choosing several units in the unit role issues one file for each (the
self-check stage sends one to every unit), named after the unit and held by it.

The dialog only gathers the choice; `IssueActions` (a mixin of `OfficeWindow`) asks where
to save and issues on the window's worker (exchange.issue), so each file carries the
office's MAC and the ledger records it like one issued from the command line.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from zhashui_inspector.core.errors import ZhashuiError
from zhashui_inspector.exchange.office import Office
from zhashui_inspector.ui import qt  # dialogs: resolved on first use
from zhashui_inspector.ui.office_dialogs import TITLE
from zhashui_inspector.ui.qt import (
    QComboBox,
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    Qt,
    QUrl,
    QVBoxLayout,
    QWidget,
)
from zhashui_inspector.ui.style import flag
from zhashui_inspector.ui.worker import WorkerContext

ROLES = (("inspector", "评估组（复查验收评估）"), ("unit", "被评估单位（全面自查）"))
# what Windows does not allow in a file name, and control characters
_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
NAME_CHARS = 60


@dataclass(frozen=True)
class IssueOrder:
    """One work file to issue."""

    out: Path
    role: str
    holder: str
    units: tuple[str, ...]


class IssueDialog(QDialog):
    """The role, the holder and the units of the work file (or files) to issue."""

    def __init__(self, units: Sequence[str], round_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("下发工作文件"))
        self.role = QComboBox()
        for key, label in ROLES:
            self.role.addItem(self.tr(label), key)
        self.holder = QLineEdit()
        self.holder.setPlaceholderText(self.tr("评估组写组名或组长姓名，单位自查写单位或经办科室"))
        self.holder.setMinimumWidth(   # the whole hint, not "…单位..."
            self.holder.fontMetrics().horizontalAdvance(self.holder.placeholderText()) + 24)
        self.units = QListWidget()
        for name in units:
            item = QListWidgetItem(name, self.units)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.units.setMinimumHeight(220)
        self.all_button = QPushButton(self.tr("全选"))
        self.none_button = QPushButton(self.tr("全不选"))
        self.all_button.clicked.connect(lambda: self._check_all(Qt.CheckState.Checked))
        self.none_button.clicked.connect(lambda: self._check_all(Qt.CheckState.Unchecked))
        picks = QHBoxLayout()
        picks.addWidget(self.all_button)
        picks.addWidget(self.none_button)
        picks.addStretch(1)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self._touched = False   # what is missing is said in red once the user has begun
        self.batch_note = QLabel()
        self.batch_note.setWordWrap(True)
        note = QLabel(self.tr("文件属于当前轮次“{0}”，带本办的校验码：只有本办下发的文件交回后才能导入，"
                              "持有人、角色和单位在下发后不能更改。").format(round_name))
        note.setWordWrap(True)
        note.setObjectName("itemPath")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("下发…"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("角色"), self.role)
        form.addRow(self.tr("持有人"), self.holder)
        form.addRow(self.tr("被评估单位"), self.units)
        form.addRow("", picks)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.batch_note)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.role.currentIndexChanged.connect(self._touch)
        self.holder.textChanged.connect(self._touch)
        self.units.itemChanged.connect(self._touch)
        self._update()

    def _touch(self) -> None:
        self._touched = True
        self._update()

    def _check_all(self, state: Qt.CheckState) -> None:
        for row in range(self.units.count()):
            self.units.item(row).setCheckState(state)

    def chosen_units(self) -> list[str]:
        return [self.units.item(row).text() for row in range(self.units.count())
                if self.units.item(row).checkState() == Qt.CheckState.Checked]

    def chosen_role(self) -> str:
        return str(self.role.currentData())

    def is_batch(self) -> bool:
        """Several units in the unit role: one self-check file for each."""
        return self.chosen_role() == "unit" and len(self.chosen_units()) > 1

    def why_not(self) -> str:
        """What keeps the file from being issued as chosen ("" when nothing)."""
        if not self.is_batch() and not self.holder.text().strip():
            return self.tr("请填写持有人")
        if not self.chosen_units():
            return self.tr("请至少选择一个被评估单位")
        return ""

    def _update(self) -> None:
        batch = self.is_batch()
        self.holder.setEnabled(not batch)
        self.batch_note.setText(
            self.tr("将为所选的 {0} 个单位各下发一份自查文件，持有人为各单位名称，"
                    "下一步选择保存的文件夹。").format(len(self.chosen_units())) if batch else "")
        problem = self.why_not()
        self.problem.setText(problem)
        flag(self.problem, "warning", bool(problem) and self._touched)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def values(self) -> tuple[str, str, list[str]]:
        """(role, holder, units) as chosen."""
        return self.chosen_role(), self.holder.text().strip(), self.chosen_units()

    def file_name(self, today: datetime.date | None = None) -> str:
        """A name for the new file: holder, units (or how many), the day."""
        role, holder, units = self.values()
        label = "自查" if role == "unit" else "评估"
        scope = units[0] if len(units) == 1 else f"{len(units)}个单位"
        return suggested_name(f"{holder}-{scope}{label}", today)

    def batch_orders(self, folder: Path, today: datetime.date | None = None) -> list[IssueOrder]:
        """One self-check file per chosen unit, held by the unit, saved in `folder`."""
        return [IssueOrder(folder / suggested_name(f"{unit}-自查", today), "unit", unit, (unit,))
                for unit in self.chosen_units()]


def suggested_name(stem: str, today: datetime.date | None = None) -> str:
    """`stem` made safe as a file name on Windows, with the day and `.sqlite`."""
    clean = _NOT_IN_NAMES.sub("_", stem).strip(" .")[:NAME_CHARS] or "工作文件"
    return f"{clean}-{(today or datetime.date.today()):%Y%m%d}.sqlite"


class IssueActions:
    """The office window's side of issuing: the dialog, where to save, the job."""

    def open_issue(self) -> IssueDialog | None:
        """Ask who gets a new work file (window-modal, returns at once)."""
        if self.snapshot is None:
            return None
        dialog = IssueDialog(self.snapshot.units, self.snapshot.round.name, self)
        dialog.accepted.connect(lambda: self._ask_issue_path(dialog))
        dialog.open()
        return dialog

    def _ask_issue_path(self, dialog: IssueDialog) -> None:
        role, holder, units = dialog.values()
        folder = self.office_dir / "issued"
        folder.mkdir(exist_ok=True)
        if dialog.is_batch():
            name = qt.QFileDialog.getExistingDirectory(
                self, self.tr("选择保存各单位自查文件的文件夹"), str(folder))
            if name:
                self.issue_orders(dialog.batch_orders(Path(name)))
            return
        name, _filter = qt.QFileDialog.getSaveFileName(
            self, self.tr("保存下发的工作文件"), str(folder / dialog.file_name()),
            self.tr("工作文件 (*.sqlite)"), "",
            qt.QFileDialog.Option.DontConfirmOverwrite)  # an existing file is never replaced
        if name:
            self.issue_file(Path(name), role, holder, units)

    def issue_file(self, out: Path, role: str, holder: str, units: list[str]) -> None:
        self.issue_orders([IssueOrder(out, role, holder, tuple(units))])

    def issue_orders(self, orders: list[IssueOrder]) -> None:
        """Issue each file (unlocking the key first if need be), then rewrite the workbook.
        One file that cannot be issued stops a single order; in a batch it is listed and
        the others are issued."""
        self.with_passphrase(lambda phrase: self._start_issue(orders, phrase))

    def _start_issue(self, orders: list[IssueOrder], phrase: str) -> None:
        from zhashui_inspector.exchange.issue import issue_work_file

        folder = self.office_dir

        def job(_ctx: WorkerContext) -> tuple[list[Path], list[str], str]:
            issued: list[Path] = []
            refused: list[str] = []
            with Office.open(folder) as office:
                keys = office.keys(phrase)
                for order in orders:
                    try:
                        issued.append(issue_work_file(
                            office, keys, order.out, role=order.role, holder=order.holder,
                            units=order.units).path)
                    except ZhashuiError as exc:   # an existing file, a folder not writable
                        if len(orders) == 1:
                            raise
                        refused.append(f"{order.out.name}：{exc.message}")
                return issued, refused, office.refresh_workbook() if issued else ""

        self._run(job, lambda done: self._issued(orders, *done))

    def _issued(self, orders: list[IssueOrder], issued: list[Path], refused: list[str],
                problem: str) -> None:
        if problem:
            qt.QMessageBox.warning(self, TITLE, problem)
        self.tabs.setCurrentWidget(self.issued_page)
        if len(orders) == 1:
            (path,) = issued
            self.statusBar().showMessage(self.tr("已下发 {0}").format(path), 20000)
            text = self.tr("已下发给“{0}”：{1}\n\n请把此文件拷贝给持有人。交回后，在本窗口导入交回的文件。"
                           ).format(orders[0].holder, path)
            where = path.parent
        else:
            where = orders[0].out.parent
            self.statusBar().showMessage(
                self.tr("已下发 {0} 份自查文件").format(len(issued)), 20000)
            text = self.tr("已为 {0} 个单位各下发一份自查文件，保存在：{1}\n\n"
                           "请把各单位的文件拷贝给该单位。").format(len(issued), where)
            if refused:
                text += self.tr("\n\n以下 {0} 份未下发：\n").format(len(refused)) + "\n".join(refused)
        box = qt.QMessageBox(qt.QMessageBox.Icon.Information, TITLE, text, parent=self)
        folder_button = box.addButton(self.tr("打开所在文件夹"), qt.QMessageBox.ButtonRole.ActionRole)
        box.addButton(self.tr("关闭"), qt.QMessageBox.ButtonRole.RejectRole)

        def clicked(button: object) -> None:
            if button is folder_button:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(where)))
        box.buttonClicked.connect(clicked)
        box.open()
        self.issue_box = box
        self.refresh()
