"""The start page: recent files, a practice file, the demo, office mode."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.ui import qt
from zhashui_inspector.ui.demo_file import ensure_demo, is_current
from zhashui_inspector.ui.qt import Qt
from zhashui_inspector.ui.settings import remember_recent
from zhashui_inspector.ui.start_page import PathRole, StartWindow
from zhashui_inspector.ui.windows import WindowManager


class FakeManager:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def open_file(self, path: Path) -> None:
        self.calls.append(("file", path))

    def open_demo(self) -> None:
        self.calls.append(("demo", None))

    def open_office(self, folder: Path, parent: object = None) -> object:
        self.calls.append(("office", folder))
        return object()


def test_recent_files_open_and_missing_ones_are_marked(qtbot, ui_settings, practice_file: Path,
                                                       tmp_path: Path) -> None:
    gone = tmp_path / "gone.sqlite"
    remember_recent(gone)
    remember_recent(practice_file)
    manager = FakeManager()
    window = StartWindow(manager)
    qtbot.addWidget(window)
    assert window.recent.count() == 2
    first, second = window.recent.item(0), window.recent.item(1)
    assert first.data(PathRole) == str(practice_file.resolve())
    assert "（文件已不在此处）" in second.text()
    window.recent.itemActivated.emit(first)
    assert manager.calls == [("file", practice_file.resolve())]


def test_demo_and_office_buttons(qtbot, ui_settings, tmp_path: Path, monkeypatch) -> None:
    manager = FakeManager()
    window = StartWindow(manager)
    qtbot.addWidget(window)
    labels = [b.text() for b in window.buttons]
    assert labels == ["打开工作文件…", "新建练习文件…", "打开演示", "县委依法治县办模式…"]
    window.buttons[2].click()
    monkeypatch.setattr(qt.QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    window2 = StartWindow(manager)
    qtbot.addWidget(window2)
    window2.buttons[3].click()
    assert manager.calls == [("demo", None), ("office", tmp_path)]


def test_office_mode_without_the_office_window_says_so(qtbot, ui_settings, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "zhashui_inspector.ui.office_window", None)
    manager = WindowManager()
    messages: list[str] = []
    monkeypatch.setattr(manager, "report_failure", lambda parent, message: messages.append(message))
    window = manager.open_office(Path("."))
    qtbot.addWidget(window)
    assert messages and messages[0].startswith("县委依法治县办模式尚未包含在此版本中")
    assert isinstance(window, StartWindow)


def test_a_practice_file_is_made_on_the_worker(qtbot, ui_settings, tmp_path: Path,
                                               monkeypatch) -> None:
    from zhashui_inspector.ui.practice_dialog import PracticeFileDialog

    manager = FakeManager()
    start = StartWindow(manager)
    qtbot.addWidget(start)
    qtbot.waitUntil(lambda: start.catalogue is not None, timeout=10_000)
    dialog = PracticeFileDialog(start.catalogue, start.worker, start)
    qtbot.addWidget(dialog)
    dialog.create()
    assert dialog.error.text() == "请填写持有人并至少选择一个单位"
    dialog.unit_role.setChecked(True)
    dialog.holder.setText("下梁镇司法所")
    for row in (5, 6):   # a unit file holds one unit: checking a second unchecks the first
        dialog.units.item(row).setCheckState(Qt.CheckState.Checked)
    assert dialog.chosen_units() == ["凤凰镇"]
    target = tmp_path / "练习.sqlite"
    monkeypatch.setattr(qt.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.create()
    assert dialog.created == target
    with WorkFile.open(target, readonly=True, lock=False) as wf:
        assert (wf.role, wf.units, wf.identity.holder) == ("unit", ("凤凰镇",), "下梁镇司法所")
        assert not wf.identity.issued


def test_the_demo_file_is_made_once_and_remade_when_stale(_demo_template: Path,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "demo" / "演示工作文件.sqlite"
    path.parent.mkdir()
    shutil.copyfile(_demo_template, path)
    stamp = path.stat().st_mtime_ns
    assert ensure_demo(path) == path and path.stat().st_mtime_ns == stamp   # current: kept
    path.write_bytes(b"not a work file")
    assert not is_current(path)
    ensure_demo(path)
    assert is_current(path)
    with WorkFile.open(path, readonly=True, lock=False) as wf:
        assert len(wf.units) == 12 and wf.is_signed("县气象局")


def test_recent_files_of_the_same_name_show_their_folders(qtbot, ui_settings,
                                                         practice_file: Path,
                                                         tmp_path: Path) -> None:
    """Even where the folders are too long for the list: the name, and under it the folder
    shortened in the middle, so that its end still shows."""
    deep = tmp_path / ("县委依法治县办下发的工作文件" * 4)
    copies = []
    for folder in ("U盘一/评估组", "U盘二/评估组"):   # told apart only near the end
        copy = deep / folder / "评估组张三.sqlite"
        copy.parent.mkdir(parents=True)
        shutil.copyfile(practice_file, copy)
        remember_recent(copy)
        copies.append(copy.resolve())
    window = StartWindow(FakeManager())
    qtbot.addWidget(window)
    window.show()
    view = window.recent
    view.setAlternatingRowColors(False)   # both rows' text on the same background
    view.setCurrentRow(-1)
    line = view.fontMetrics().height()
    assert view.fontMetrics().horizontalAdvance(str(deep)) > view.viewport().width()
    text_shown = []
    for row, path in enumerate(reversed(copies)):
        item = view.item(row)
        assert item.toolTip() == str(path)
        rect = view.visualItemRect(item).intersected(view.viewport().rect())   # what shows
        assert rect.height() >= 2 * line   # the name, and under it the folder
        image = view.viewport().grab(rect).toImage()
        dark = {(x, y) for x in range(3, image.width() - 3) for y in range(3, image.height() - 3)
                if image.pixelColor(x, y).lightness() < 170}   # text, not a focus frame
        assert any(y < line for _, y in dark)   # the name
        folder = {(x, y) for x, y in dark if y >= line + 2}
        assert folder
        text_shown.append(folder)
    assert text_shown[0] != text_shown[1]   # the same name, told apart by what is shown
