"""Shared fixtures. GUI tests run on Qt's offscreen platform, never skipped."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")

REPO = Path(__file__).resolve().parent.parent
# What a test run must never write to: the user's own settings, recent files, layout.
_USER_CONFIG = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
_USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
_HOME_VARIABLES = ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")


class IsolatedHome(NamedTuple):
    home: Path          # HOME of this test run and of every program it starts
    config: Path        # where QSettings keep the program's settings during the run
    user_config: Path   # the user's real config folder, left alone


@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IsolatedHome]:
    """Settings of the whole test run in a folder of its own, before any test can touch them.

    QSettings of this process are pointed there, and HOME and the XDG folders too, so that
    the programs the tests start (the GUI, the frozen bundle, helper processes) inherit it.
    Caches (fonts, PyInstaller's) stay where they are: rebuilding them would only be slow."""
    from zhashui_inspector.ui.qt import QSettings

    home = tmp_path_factory.mktemp("home")
    config = home / ".config"
    saved = {name: os.environ.get(name) for name in _HOME_VARIABLES}
    os.environ.update(HOME=str(home), XDG_CONFIG_HOME=str(config),
                      XDG_DATA_HOME=str(home / ".local" / "share"),
                      XDG_CACHE_HOME=str(_USER_CACHE))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(config))
    yield IsolatedHome(home, config, _USER_CONFIG)
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from zhashui_inspector.core.demo import make_demo

    return make_demo(tmp_path_factory.mktemp("demo-template") / "demo.sqlite")


@pytest.fixture
def demo_file(_demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo work file (made once per test run, copied per test)."""
    dest = tmp_path / "demo.sqlite"
    shutil.copyfile(_demo_template, dest)
    return dest


@pytest.fixture
def practice_file(tmp_path: Path) -> Path:
    """An empty inspector work file for 县财政局 and 下梁镇."""
    from zhashui_inspector.core.workfile import WorkFile

    path = tmp_path / "practice.sqlite"
    WorkFile.create(path, role="inspector", holder="王五", units=["县财政局", "下梁镇"]).close()
    return path


@pytest.fixture(scope="session")
def _office_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from exchange_support import PASSPHRASE

    from zhashui_inspector.exchange.office import Office

    root = tmp_path_factory.mktemp("office-template") / "office"
    with Office.init(root, PASSPHRASE) as office:
        assert office.refresh_workbook() == ""
    return root


@pytest.fixture
def office_dir(_office_template: Path, tmp_path: Path) -> Path:
    """A fresh office folder (keys, ledger, empty workbook; made once, copied per test)."""
    dest = tmp_path / "office"
    shutil.copytree(_office_template, dest)
    return dest


@pytest.fixture
def ui_settings(tmp_path: Path, isolated_home: IsolatedHome) -> Iterator[Path]:
    """QSettings of the GUI in a fresh folder, so a test never sees another's (a user's it
    never sees anyway: see isolated_home)."""
    from zhashui_inspector.ui.qt import QSettings

    folder = tmp_path / "qsettings"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(isolated_home.config))


@pytest.fixture
def open_window(qtbot, ui_settings, monkeypatch):  # type: ignore[no-untyped-def]
    """Open a work file in a real main window and wait until it shows the file.

    The window opens on an office PC's screen (the offscreen platform's is 800×800) unless
    the test gives it another (`screens.use_screen`)."""
    from datetime import date

    from screens import OFFICE_PC, use_screen

    from zhashui_inspector.ui.main_window import MainWindow
    from zhashui_inspector.ui.windows import WindowManager

    use_screen(monkeypatch, OFFICE_PC)

    opened = []

    def opener(path: Path, today: date | None = None):  # type: ignore[no-untyped-def]
        manager = WindowManager()
        manager.failures = []  # type: ignore[attr-defined]
        manager.report_failure = lambda parent, message: manager.failures.append(message)  # type: ignore[method-assign,attr-defined]
        manager.show_start = lambda: None  # type: ignore[method-assign,assignment]
        window = MainWindow(manager, today=today or date(2023, 11, 28))
        manager.first = window
        window.show()
        window.open_file(Path(path))
        opened.append(window)
        qtbot.waitUntil(lambda: window.is_ready() or bool(manager.failures), timeout=15_000)
        return window

    yield opener
    for window in opened:
        try:
            if window.isVisible():
                window.close()
        except RuntimeError:  # already deleted by the test
            pass


@pytest.fixture
def hang_guard():  # type: ignore[no-untyped-def]
    """End the test run with a traceback if this test hangs (it could not be interrupted:
    the import waits on worker threads), instead of blocking CI forever."""
    import faulthandler

    faulthandler.dump_traceback_later(300, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(autouse=True)
def collect_cycles_on_the_gui_thread(qapp):  # type: ignore[no-untyped-def]
    """As the program does (`ui.heap.MainThreadCollector`): cycles are collected on this
    thread only, never by a worker that happens to allocate while a window of an earlier
    test waits to be freed. After each test the collector runs once more by its
    thresholds, for the tests that spin no event loop."""
    from zhashui_inspector.ui.heap import collect_on_the_gui_thread

    collector = collect_on_the_gui_thread(qapp)
    yield
    collector.check()
