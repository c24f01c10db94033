"""A test run keeps its hands off the user's settings: recent files, the window's layout and
the last signer are written into the run's temporary folder, by this process and by the
programs it starts (tests/conftest.py: isolated_home)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from zhashui_inspector.ui.settings import APPLICATION, ORGANIZATION, recent_files, settings

REPO = Path(__file__).resolve().parent.parent

CHILD = r"""
from PySide6.QtCore import QSettings
print(QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Zhashui",
                "ZhashuiInspector").fileName())
print(QSettings("QtProject").fileName())
"""


def _inside(path: str | Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


def test_settings_of_the_test_run_are_in_its_temporary_folder(
        isolated_home, tmp_path_factory: pytest.TempPathFactory) -> None:  # type: ignore[no-untyped-def]
    base = tmp_path_factory.getbasetemp()
    assert _inside(settings().fileName(), isolated_home.config)
    assert _inside(isolated_home.config, base)
    assert not _inside(settings().fileName(), isolated_home.user_config)
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        assert _inside(os.environ[name], base), name


def test_the_programs_a_test_starts_get_the_same_folder(
        isolated_home, tmp_path_factory: pytest.TempPathFactory) -> None:  # type: ignore[no-untyped-def]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                            encoding="utf-8", env=env, timeout=60, check=True)
    ours, qt_own = result.stdout.splitlines()
    assert Path(ours) == isolated_home.config / ORGANIZATION / f"{APPLICATION}.ini"
    assert _inside(ours, tmp_path_factory.getbasetemp())
    assert _inside(qt_own, isolated_home.config)   # Qt's file dialogs keep theirs there


def test_a_window_opened_without_its_own_settings_leaves_the_users_file_alone(
        qtbot, isolated_home, practice_file: Path) -> None:  # type: ignore[no-untyped-def]
    """What a window writes (no ui_settings here, as the single-instance test had none):
    its file in the recent files, the last unit, the layout when it closes."""
    from zhashui_inspector.ui.windows import WindowManager

    manager = WindowManager()
    try:
        window = manager.open_file(practice_file)
        qtbot.waitUntil(window.is_ready, timeout=15_000)
        window.close()
    finally:
        manager.shut_down()
    assert practice_file.resolve() in recent_files()
    written = Path(settings().fileName())
    assert _inside(written, isolated_home.config)
    text = written.read_text(encoding="utf-8")
    assert str(practice_file.resolve()) in text and "main_window" in text
    # (a program the user runs meanwhile may change the user's file, never with these paths)
    user_file = isolated_home.user_config / ORGANIZATION / f"{APPLICATION}.ini"
    assert not user_file.exists() or str(practice_file.parent).encode() not in \
        user_file.read_bytes()
