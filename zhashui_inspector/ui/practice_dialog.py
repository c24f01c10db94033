"""Making a practice work file: role, holder, units in scope, where to save it."""

from __future__ import annotations

from pathlib import Path

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.ui import qt  # dialogs: resolved on first use
from zhashui_inspector.ui.qt import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from zhashui_inspector.ui.style import flag, styled
from zhashui_inspector.ui.worker import FileWorker


class PracticeFileDialog(QDialog):
    def __init__(self, catalogue: Catalogue, worker: FileWorker,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.worker = worker
        self.created: Path | None = None
        self.setWindowTitle(self.tr("新建练习文件"))
        note = QLabel(self.tr("练习文件不是县委依法治县办下发的，评定结果不能交回导入。"), self)
        note.setWordWrap(True)
        self.inspector = QRadioButton(self.tr("评估组（现场评分）"), self)
        self.unit_role = QRadioButton(self.tr("被评估单位（自查）"), self)
        self.inspector.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.inspector)
        group.addButton(self.unit_role)
        self.unit_role.toggled.connect(self._role_changed)
        roles = QHBoxLayout()
        roles.addWidget(self.inspector)
        roles.addWidget(self.unit_role)
        roles.addStretch(1)
        self.holder = QLineEdit(self)
        self.holder.setAccessibleName(self.tr("持有人姓名"))
        self.holder.setPlaceholderText(self.tr("如：王五"))
        self.units = QListWidget(self)
        self.units.setAccessibleName(self.tr("被评估单位"))
        for unit in catalogue.units:
            item = QListWidgetItem(f"{unit.name}（{unit.kind_label}，"
                                   f"{'、'.join(str(y) for y in unit.years)} 年命名）", self.units)
            item.setData(Qt.ItemDataRole.UserRole, unit.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.units.itemChanged.connect(self._unit_checked)
        self.error = QLabel(self)
        styled(self.error, "blockers")
        flag(self.error, "problem", True)
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("角色："), roles)
        form.addRow(self.tr("持有人："), self.holder)
        form.addRow(self.tr("单位："), self.units)
        buttons = QDialogButtonBox(self)
        self.ok = buttons.addButton(self.tr("保存并打开…"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, 560)

    def _role_changed(self) -> None:
        if self.unit_role.isChecked():
            first = True
            for row in range(self.units.count()):
                item = self.units.item(row)
                if item.checkState() == Qt.CheckState.Checked:
                    if not first:
                        item.setCheckState(Qt.CheckState.Unchecked)
                    first = False

    def _unit_checked(self, changed: QListWidgetItem) -> None:
        if self.unit_role.isChecked() and changed.checkState() == Qt.CheckState.Checked:
            self.units.blockSignals(True)
            for row in range(self.units.count()):
                item = self.units.item(row)
                if item is not changed:
                    item.setCheckState(Qt.CheckState.Unchecked)
            self.units.blockSignals(False)

    def chosen_units(self) -> list[str]:
        return [str(self.units.item(r).data(Qt.ItemDataRole.UserRole))
                for r in range(self.units.count())
                if self.units.item(r).checkState() == Qt.CheckState.Checked]

    def create(self) -> None:
        role = "unit" if self.unit_role.isChecked() else "inspector"
        holder, units = self.holder.text().strip(), self.chosen_units()
        if not holder or not units:
            self.error.setText(self.tr("请填写持有人并至少选择一个单位"))
            return
        name = f"练习-{units[0] if role == 'unit' else holder}.sqlite"
        target, _filter = qt.QFileDialog.getSaveFileName(self, self.tr("保存练习文件"), name,
                                                         "工作文件 (*.sqlite)")
        if not target:
            return
        path = Path(target)
        if path.suffix.lower() != ".sqlite":
            path = path.with_suffix(".sqlite")
        self.ok.setEnabled(False)

        def make(ctx: object) -> Path:
            WorkFile.create(path, role=role, holder=holder, units=units).close()
            return path

        def failed(exc: BaseException) -> None:
            self.ok.setEnabled(True)
            self.error.setText(str(exc))

        def done(created: Path) -> None:
            self.created = created
            self.accept()

        self.worker.submit(make, done, failed)
