"""Every edit is committed at once on the worker; the status bar says "已保存 HH:MM:SS". When
the disk is full or the file has gone, the user is told, the edit stays on screen and can
be retried. A second window on the same file is refused."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.ui.save_state import SaveStatus

UNIT = "县财政局"


def _idle(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(window.session.worker.is_idle, timeout=10_000)


def test_saved_time_is_shown_after_each_edit(qtbot, open_window, practice_file: Path) -> None:
    window = open_window(practice_file)
    indicator = window.commands.save_indicator
    assert indicator.label.text() == "每项修改都会立即自动保存"
    window.checklist.rate_current("达标")
    _idle(qtbot, window)
    assert re.fullmatch(r"已保存 \d\d:\d\d:\d\d", indicator.label.text())
    assert not indicator.retry_button.isVisible()


def test_disk_full_keeps_the_edit_on_screen_and_retries(qtbot, open_window, practice_file: Path,
                                                        monkeypatch) -> None:
    window = open_window(practice_file)
    indicator = window.commands.save_indicator

    def disk_full(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(WorkFile, "update_item", disk_full)
    window.checklist.go_to(4)
    window.checklist.editor.rating_buttons["未达标"].click()
    qtbot.waitUntil(lambda: indicator.state.status is SaveStatus.FAILED, timeout=10_000)
    assert "磁盘空间已满" in indicator.label.text()
    assert indicator.label.property("problem") is True
    assert indicator.retry_button.isVisible()
    # the edit is still what the screen shows
    assert window.session.unit(UNIT).items[4].rating == "未达标"
    assert window.checklist.editor.rating_buttons["未达标"].isChecked()
    assert window.session.failed_count() == 1
    with WorkFile.open(practice_file, readonly=True, lock=False) as wf:
        assert wf.item_state(UNIT, 4).rating is None

    monkeypatch.undo()           # space freed
    indicator.retry_button.click()
    qtbot.waitUntil(lambda: indicator.state.status is SaveStatus.SAVED, timeout=10_000)
    assert not indicator.retry_button.isVisible()
    assert window.session.failed_count() == 0
    with WorkFile.open(practice_file, readonly=True, lock=False) as wf:
        assert wf.item_state(UNIT, 4).rating == "未达标"


def test_an_io_error_on_the_self_report_is_retried(qtbot, open_window, practice_file: Path,
                                                   monkeypatch) -> None:
    window = open_window(practice_file)
    indicator = window.commands.save_indicator

    def usb_gone(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(WorkFile, "set_self_report", usb_gone)
    window.self_report.editor.setPlainText("自评报告初稿")
    window.self_report.flush()
    qtbot.waitUntil(lambda: indicator.state.status is SaveStatus.FAILED, timeout=10_000)
    assert "无法写入工作文件" in indicator.label.text()
    assert window.self_report.editor.toPlainText() == "自评报告初稿"
    monkeypatch.undo()
    indicator.retry_button.click()
    qtbot.waitUntil(lambda: indicator.state.status is SaveStatus.SAVED, timeout=10_000)
    with WorkFile.open(practice_file, readonly=True, lock=False) as wf:
        assert wf.self_report(UNIT).text == "自评报告初稿"


def test_a_moved_file_keeps_the_edit_until_it_is_back(qtbot, open_window, practice_file: Path,
                                                       tmp_path: Path) -> None:
    window = open_window(practice_file)
    indicator = window.commands.save_indicator
    window.checklist.rate_current("达标")           # item 1, saved in place
    _idle(qtbot, window)
    moved = tmp_path / "somewhere-else.sqlite"
    os.rename(practice_file, moved)                  # someone tidied the USB stick's folders
    window.checklist.rate_current("基本达标")        # item 2: must not vanish into a moved file
    qtbot.waitUntil(lambda: indicator.state.status is SaveStatus.FAILED, timeout=10_000)
    assert "已被移动、改名或删除" in indicator.label.text()
    assert "修改仍在窗口中" in indicator.label.text()
    assert indicator.retry_button.isVisible()
    assert window.session.unit(UNIT).items[2].rating == "基本达标"

    os.rename(moved, practice_file)                  # put back
    indicator.retry_button.click()
    qtbot.waitUntil(lambda: indicator.state.status is SaveStatus.SAVED, timeout=10_000)
    with WorkFile.open(practice_file, readonly=True, lock=False) as wf:
        assert {n: wf.item_state(UNIT, n).rating for n in (1, 2)} == {1: "达标", 2: "基本达标"}


def test_a_second_window_on_the_same_file_is_refused(qtbot, open_window,
                                                     practice_file: Path) -> None:
    first = open_window(practice_file)
    second = open_window(practice_file)
    assert first.is_ready() and not second.is_ready()
    assert second.manager.failures == ["该工作文件已在另一个窗口或程序中打开，请先在那里关闭它"]
