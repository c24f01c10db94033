"""The self-report counter and its limit; sign-off refused with reasons, then signed with a
drawn signature; the unit is read-only until reopened with a reason."""

from __future__ import annotations

from pathlib import Path

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.ui import qt
from zhashui_inspector.ui.actions import Act
from zhashui_inspector.ui.qt import QApplication, QInputMethodEvent, QPoint, Qt
from zhashui_inspector.ui.signoff_dialog import SignOffDialog

UNIT = "县财政局"


def _type(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _rate_everything(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    for no in range(1, 77):
        window.session.set_item(UNIT, no, rating="达标", methods=("查阅资料",))
    qtbot.waitUntil(window.session.worker.is_idle, timeout=20_000)


def _sign(qtbot, dialog: SignOffDialog, name: str = "王五") -> None:
    dialog.name_edit.setText(name)
    pad = dialog.pad
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(40, 80))
    for x in range(50, 300, 20):
        qtbot.mouseMove(pad, QPoint(x, 80 + (x // 20) % 3 * 10))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(310, 90))


def test_self_report_counts_without_whitespace_and_warns_over_the_limit(
        qtbot, open_window, practice_file: Path) -> None:
    window = open_window(practice_file)
    pane = window.self_report
    window.tabs.setCurrentWidget(pane)
    pane.editor.setFocus()
    _type(pane.editor, "本单位 认真开展\n自查。")
    assert pane.counter.text() == "10 / 2500 字（空白不计）"
    assert window.tabs.tabText(1) == "自评报告 10/2500"
    assert pane.counter.property("warning") is False
    pane.editor.setPlainText("法" * 2_499 + " \n\t" + "治治")
    assert pane.counter.text().startswith("⚠ 2501 / 2500 字")
    assert "超出 1 字" in pane.counter.text()
    assert pane.counter.property("warning") is True
    assert window.tabs.tabText(1).startswith("⚠ ")
    pane.flush()
    qtbot.waitUntil(window.session.worker.is_idle)
    with WorkFile.open(practice_file, readonly=True, lock=False) as wf:
        report = wf.self_report(UNIT)
        assert (report.count, report.over_limit) == (2501, True)   # kept as written


def test_sign_off_is_refused_with_reasons_then_locks_the_unit(
        qtbot, open_window, practice_file: Path) -> None:
    window = open_window(practice_file)
    window.session.set_item(UNIT, 5, rating="不适用")   # N/A without a reason
    window.session.set_self_report(UNIT, "字" * 2600)
    dialog = SignOffDialog(window.session, UNIT, parent=window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.blockers is not None, timeout=10_000)
    text = dialog.blocker_label.text()
    assert "还有 75 项未评定" in text
    assert "第 5 项评为不适用但未说明理由" in text
    assert "自评报告 2600 字，超过 2500 字的限制" in text
    _sign(qtbot, dialog)
    assert not dialog.pad.is_empty()
    assert not dialog.sign_button.isEnabled()
    dialog.reject()

    _rate_everything(qtbot, window)
    window.session.set_self_report(UNIT, "本单位全面完成自查。")
    dialog = SignOffDialog(window.session, UNIT, parent=window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.blockers == [], timeout=10_000)
    assert not dialog.sign_button.isEnabled()      # no name, no signature yet
    _sign(qtbot, dialog)
    assert dialog.sign_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.sign_button.click()

    cache = window.session.unit(UNIT)
    assert cache.signed and cache.active_signoff.signer == "王五"
    assert window.banner.signed_frame.isVisible()
    assert "王五" in window.banner.signed_label.text()
    # read-only everywhere: cards, editor, keys, evidence, self-report
    assert window.checklist.delegate.read_only
    assert not window.checklist.editor.rating_buttons["达标"].isEnabled()
    assert window.self_report.editor.isReadOnly()
    assert not window.evidence.add_item_button.isEnabled()
    window.checklist.go_to(3)
    window.checklist.rate_current("未达标")
    assert window.session.unit(UNIT).items[3].rating == "达标"
    assert "只读" in window.statusBar().currentMessage()
    with WorkFile.open(practice_file, readonly=True, lock=False) as wf:
        signoff = wf.active_signoff(UNIT)
        png = wf.signature_png(signoff)
        assert png is not None and png.startswith(b"\x89PNG")


def test_reopening_asks_for_a_reason(qtbot, open_window, practice_file: Path,
                                     monkeypatch) -> None:
    window = open_window(practice_file)
    _rate_everything(qtbot, window)
    done: list[object] = []
    window.session.sign_off(UNIT, "王五", None, done.append)
    qtbot.waitUntil(lambda: bool(done))
    assert window.actions[Act.REOPEN].isVisible()
    assert not window.actions[Act.SIGN_OFF].isVisible()

    monkeypatch.setattr(qt.QInputDialog, "getMultiLineText", lambda *a, **k: ("", True))
    warnings: list[str] = []
    monkeypatch.setattr(qt.QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    window.banner.reopen_button.click()
    assert warnings == ["必须说明重新打开的理由"]
    assert window.session.unit(UNIT).signed

    monkeypatch.setattr(qt.QInputDialog, "getMultiLineText",
                        lambda *a, **k: ("现场复核发现第 3 项需改判", True))
    window.banner.reopen_button.click()
    qtbot.waitUntil(lambda: not window.session.unit(UNIT).signed, timeout=10_000)
    assert not window.checklist.delegate.read_only
    assert window.checklist.editor.rating_buttons["未达标"].isEnabled()
    assert not window.banner.signed_frame.isVisible()
    with WorkFile.open(practice_file, readonly=True, lock=False) as wf:
        assert wf.signoffs(UNIT)[-1].reopen_reason == "现场复核发现第 3 项需改判"


def test_the_suggestion_of_a_unit_not_fully_rated_is_marked_provisional(
        qtbot, open_window, practice_file: Path) -> None:
    window = open_window(practice_file)
    for no in (1, 2, 3):
        window.session.set_item(UNIT, no, rating="达标", methods=("查阅资料",))
    qtbot.waitUntil(window.session.worker.is_idle)

    def score_line() -> str:
        dialog = SignOffDialog(window.session, UNIT, parent=window)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: "建议结果" in dialog.score_label.text(), timeout=10_000)
        text = dialog.score_label.text()
        dialog.reject()
        return text

    assert "建议结果“保留（暂定，尚有 73 项未评）”" in score_line()
    _rate_everything(qtbot, window)
    text = score_line()
    assert "建议结果“保留”" in text and "暂定" not in text
