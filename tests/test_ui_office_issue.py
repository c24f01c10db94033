"""The 下发工作文件 dialog says what is missing, in red only once the user has begun."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from zhashui_inspector.ui.office_issue import IssueDialog
from zhashui_inspector.ui.qt import QApplication, QDialogButtonBox, Qt, QWidget
from zhashui_inspector.ui.style import APP_STYLE


@pytest.fixture
def office_style(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The application's style sheet as the office window has it."""
    before = qapp.styleSheet()
    qapp.setStyleSheet(APP_STYLE)
    yield
    qapp.setStyleSheet(before)


def red(label: QWidget) -> bool:
    """The label's text is drawn in red."""
    shown = label.grab().toImage()
    return any(shown.pixelColor(x, y).red() > 150 and shown.pixelColor(x, y).green() < 90
               for x in range(shown.width()) for y in range(shown.height()))


def test_nothing_is_an_error_before_anything_is_typed(qtbot, office_style) -> None:
    dialog = IssueDialog(["县财政局", "下梁镇"], "2023年度复查验收评估")
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and dialog.problem.text() == "请填写持有人"
    assert not red(dialog.problem)
    hint = dialog.holder.placeholderText()
    assert dialog.holder.fontMetrics().horizontalAdvance(hint) < dialog.holder.width() - 8

    dialog.holder.setText("第三评估组")
    dialog.holder.clear()   # typed, then taken back: now it is something to fix
    assert dialog.problem.text() == "请填写持有人" and red(dialog.problem)
    dialog.holder.setText("第三评估组")
    assert dialog.problem.text() == "请至少选择一个被评估单位" and red(dialog.problem)
    dialog.units.item(0).setCheckState(Qt.CheckState.Checked)
    assert ok.isEnabled() and dialog.problem.text() == ""
