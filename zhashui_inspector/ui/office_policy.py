"""The office's scoring policy, edited in the office window: points per rating, the
thresholds of each outcome, the veto items, and (in a dialog of their own) the weights
of the 76 items.

Every report prints the policy it used, so a change here shows in the next report and,
at once, in the suggestions and the workbook. A number is shown with as many decimals as
it has (up to four), and beyond the boxes' usual range if it is, so saving a policy nobody
changed changes nothing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

from zhashui_inspector.core.catalogue import Policy, Threshold
from zhashui_inspector.ui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

_SEPARATORS = re.compile(r"[\s,，、;；]+")
MAX_DECIMALS = 4


def _decimals(value: float) -> int:
    """How many decimals `value` is written with (its shortest repr), at least one."""
    text = repr(float(value))
    if "e" in text:
        return MAX_DECIMALS
    return min(MAX_DECIMALS, max(1, len(text.partition(".")[2].rstrip("0"))))


def _number(maximum: float, step: float, suffix: str = "") -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0.0, maximum)
    spin.setSingleStep(step)
    spin.setDecimals(1)
    spin.setSuffix(suffix)
    return spin


def _set_number(spin: QDoubleSpinBox, value: float) -> None:
    """Show `value` as it is: its decimals, and past the box's usual range if need be."""
    spin.setDecimals(max(spin.decimals(), _decimals(value)))
    spin.setMaximum(max(spin.maximum(), value))
    spin.setValue(value)


class _Optional(QWidget):
    """A number, or none at all (a box ticked for "none")."""

    def __init__(self, value: float | None, maximum: float, step: float, none_text: str,
                 suffix: str = "") -> None:
        super().__init__()
        self.spin = _number(maximum, step, suffix)
        self.none = QCheckBox(none_text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.spin)
        layout.addWidget(self.none)
        self.none.toggled.connect(lambda on: self.spin.setEnabled(not on))
        self.set_value(value)

    def set_value(self, value: float | None) -> None:
        self.none.setChecked(value is None)
        self.spin.setEnabled(value is not None)
        if value is not None:
            _set_number(self.spin, value)

    def value(self) -> float | None:
        return None if self.none.isChecked() else float(self.spin.value())


class PolicyDialog(QDialog):
    """Edit the policy in force; `policy()` gives what the dialog shows."""

    def __init__(self, current: Policy, default: Policy, outcomes: Sequence[str],
                 items: Mapping[int, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("评分规则"))
        self._base = current
        self._default = default
        self._items = dict(items)
        self._weights = dict(current.weights)
        self.label = QLineEdit()
        points_box = QGroupBox(self.tr("计分（每项指标的分值，乘以其权重）"))
        points_grid = QGridLayout(points_box)
        self.points: dict[str, _Optional] = {}
        for row, rating in enumerate(current.points):
            self.points[rating] = _Optional(None, 10.0, 0.5, self.tr("不计入（不进分母）"),
                                            self.tr(" 分"))
            points_grid.addWidget(QLabel(rating), row, 0)
            points_grid.addWidget(self.points[rating], row, 1)
        thresholds_box = QGroupBox(self.tr("建议结果（自上而下，取第一个满足的）"))
        grid = QGridLayout(thresholds_box)
        grid.addWidget(QLabel(self.tr("总得分率不低于")), 0, 1)
        grid.addWidget(QLabel(self.tr("各领域得分率均不低于")), 0, 2)
        self.thresholds: list[tuple[str, _Optional, _Optional]] = []
        for row, threshold in enumerate(current.thresholds, 1):
            overall = _Optional(None, 100.0, 1.0, self.tr("不限"), "%")
            area = _Optional(None, 100.0, 1.0, self.tr("不限"), "%")
            grid.addWidget(QLabel(threshold.outcome), row, 0)
            grid.addWidget(overall, row, 1)
            grid.addWidget(area, row, 2)
            self.thresholds.append((threshold.outcome, overall, area))
        veto_box = QGroupBox(self.tr("否决项"))
        veto_layout = QHBoxLayout(veto_box)
        self.veto_items = QLineEdit()
        self.veto_items.setPlaceholderText(self.tr("指标编号，如 3、17（留空为无）"))
        self.veto_items.setMinimumWidth(self.veto_items.fontMetrics().horizontalAdvance(
            self.veto_items.placeholderText()) + 24)
        self.veto_outcome = QComboBox()
        self.veto_outcome.addItems(list(outcomes))
        veto_layout.addWidget(QLabel(self.tr("这些指标评为最低等次时")), 0)
        veto_layout.addWidget(self.veto_items, 1)
        veto_layout.addWidget(QLabel(self.tr("，建议结果不高于")), 0)
        veto_layout.addWidget(self.veto_outcome, 0)
        weights_row = QHBoxLayout()
        self.weights_summary = QLabel()
        self.weights_button = QPushButton(self.tr("各指标权重…"))
        self.weights_button.clicked.connect(self.edit_weights)
        weights_row.addWidget(self.weights_summary, 1)
        weights_row.addWidget(self.weights_button)
        note = QLabel(self.tr("保存后，建议结果和总表立即按新规则更新，报告中印出所用规则。"))
        note.setWordWrap(True)
        note.setObjectName("itemPath")
        self.problem = QLabel()
        self.problem.setProperty("warning", True)
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.setText(self.tr("恢复默认规则"))
        restore.clicked.connect(lambda: self._show(self._default))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QHBoxLayout()
        form.addWidget(QLabel(self.tr("规则名称")))
        form.addWidget(self.label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(points_box)
        layout.addWidget(thresholds_box)
        layout.addWidget(veto_box)
        layout.addLayout(weights_row)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._show(current)
        for widget in (*self.points.values(), *(w for _o, a, b in self.thresholds for w in (a, b))):
            widget.spin.valueChanged.connect(self._update)
            widget.none.toggled.connect(self._update)
        self.label.textChanged.connect(self._update)
        self.veto_items.textChanged.connect(self._update)
        self._update()

    def _show(self, policy: Policy) -> None:
        self.label.setText(policy.label)
        for rating, widget in self.points.items():
            widget.set_value(policy.points.get(rating))
        by_outcome = {t.outcome: t for t in policy.thresholds}
        for outcome, overall, area in self.thresholds:
            threshold = by_outcome.get(outcome, Threshold(outcome, None, None))
            overall.set_value(threshold.overall_min)
            area.set_value(threshold.area_min)
        self.veto_items.setText("、".join(str(n) for n in policy.veto_items))
        self.veto_outcome.setCurrentText(policy.veto_outcome)
        self._set_weights(policy.weights)

    def _set_weights(self, weights: Mapping[int, float]) -> None:
        self._weights = dict(weights)
        other = sum(1 for w in self._weights.values() if w != 1.0)
        self.weights_summary.setText(
            self.tr("各指标权重：{0} 项，其中 {1} 项不为 1").format(len(self._weights), other)
            if other else self.tr("各指标权重：{0} 项均为 1").format(len(self._weights)))

    def edit_weights(self) -> WeightsDialog:
        """The weights of every item in a dialog of their own (window-modal)."""
        dialog = WeightsDialog(self._weights, self._items, self)
        dialog.accepted.connect(lambda: self._set_weights(dialog.weights()))
        dialog.open()
        return dialog

    def _veto_numbers(self) -> tuple[list[int], list[str]]:
        """(item numbers, the parts that are not items of the standards)."""
        numbers, wrong = [], []
        for part in _SEPARATORS.split(self.veto_items.text().strip()):
            if not part:
                continue
            if part.isdigit() and int(part) in self._items:
                numbers.append(int(part))
            else:
                wrong.append(part)
        return sorted(set(numbers)), wrong

    def why_not(self) -> str:
        """What keeps the policy from being saved ("" when nothing)."""
        if not self.label.text().strip():
            return self.tr("请填写规则名称（报告中印出）")
        if all(w.value() is None for w in self.points.values()):
            return self.tr("至少要有一个评定结果计分")
        _numbers, wrong = self._veto_numbers()
        if wrong:
            return self.tr("否决项“{0}”不是创建标准中的指标编号（1–{1}）").format(
                wrong[0], max(self._items))
        return ""

    def _update(self) -> None:
        problem = self.why_not()
        self.problem.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not problem)

    def policy(self) -> Policy:
        """The policy as shown (the weights unchanged)."""
        return dataclasses.replace(
            self._base, label=self.label.text().strip(),
            points={rating: widget.value() for rating, widget in self.points.items()},
            thresholds=tuple(Threshold(outcome, overall.value(), area.value())
                             for outcome, overall, area in self.thresholds),
            veto_items=tuple(self._veto_numbers()[0]),
            veto_outcome=self.veto_outcome.currentText(), weights=dict(self._weights))


class WeightsDialog(QDialog):
    """The weight of each item: how much its points count towards the score."""

    def __init__(self, weights: Mapping[int, float], items: Mapping[int, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("各指标权重"))
        self.table = QTableWidget(len(items), 3)
        self.table.setHorizontalHeaderLabels([self.tr("序号"), self.tr("指标内容"), self.tr("权重")])
        self.table.verticalHeader().hide()
        self.spins: dict[int, QDoubleSpinBox] = {}
        for row, (no, text) in enumerate(sorted(items.items())):
            number = QTableWidgetItem(str(no))
            content = QTableWidgetItem(text)
            content.setToolTip(text)
            self.table.setItem(row, 0, number)
            self.table.setItem(row, 1, content)
            spin = _number(100.0, 0.5)
            _set_number(spin, weights.get(no, 1.0))
            self.table.setCellWidget(row, 2, spin)
            self.spins[no] = spin
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(1, 520)
        self.table.setMinimumSize(720, 420)
        all_one = QPushButton(self.tr("全部设为 1"))
        all_one.clicked.connect(lambda: [s.setValue(1.0) for s in self.spins.values()])
        note = QLabel(self.tr("得分率 = 各项得分 × 权重之和 ÷ 适用指标的权重之和；权重为 0 的指标不计分。"))
        note.setWordWrap(True)
        note.setObjectName("itemPath")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(all_one)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(note)
        layout.addLayout(row)

    def weights(self) -> dict[int, float]:
        return {no: float(spin.value()) for no, spin in self.spins.items()}
