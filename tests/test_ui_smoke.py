"""`zhashui-inspector gui --smoke` opens the window, waits for the first paint and exits."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

SMOKE_LINE = re.compile(r"窗口首次绘制：距进程启动 (\d+) 毫秒")


def _run_gui(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"),
               XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path))
    return subprocess.run([sys.executable, "-m", "zhashui_inspector", "gui", *args],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)


def test_smoke_on_a_work_file_exits_zero(demo_file: Path, tmp_path: Path) -> None:
    result = _run_gui(str(demo_file), "--smoke", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert SMOKE_LINE.search(result.stdout), result.stdout


def test_smoke_on_the_start_page_exits_zero(tmp_path: Path) -> None:
    result = _run_gui("--smoke", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert SMOKE_LINE.search(result.stdout)


def test_smoke_on_a_missing_file_says_why_and_exits_one(tmp_path: Path) -> None:
    result = _run_gui(str(tmp_path / "gone.sqlite"), "--smoke", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "找不到工作文件：gone.sqlite" in result.stderr
    assert not SMOKE_LINE.search(result.stdout)


HAND_OVER = r"""
import os, sys
import zhashui_inspector.ui.single_instance as single_instance
name = os.environ["ZHASHUI_TEST_SERVER"]      # not the user's real server: tests run in parallel
single_instance.server_name = lambda user=None: name
from zhashui_inspector.cli.main import main
sys.exit(main())
"""


def test_a_second_start_hands_its_file_to_the_running_program(demo_file: Path,
                                                              practice_file: Path,
                                                              tmp_path: Path) -> None:
    import time
    import uuid

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"),
               ZHASHUI_TEST_SERVER=f"zhashui-test-{uuid.uuid4().hex[:12]}")
    first = subprocess.Popen([sys.executable, "-c", HAND_OVER, "gui", str(demo_file)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        second = None
        while time.monotonic() < deadline:
            if demo_file.with_name(demo_file.name + ".lock").exists():
                second = subprocess.run([sys.executable, "-c", HAND_OVER, "gui",
                                         str(practice_file)], env=env, timeout=60,
                                        capture_output=True, text=True)
                if practice_file.with_name(practice_file.name + ".lock").exists() or \
                        second.returncode == 0:
                    break
            time.sleep(0.2)
        assert second is not None and second.returncode == 0, second
        # the running program opened it (and holds its lock); the second start just left
        lock = practice_file.with_name(practice_file.name + ".lock")
        while time.monotonic() < deadline and not lock.exists():
            time.sleep(0.1)
        assert lock.exists()
        assert first.poll() is None
    finally:
        first.terminate()
        first.wait(timeout=30)


def test_start_up_leaves_the_heavy_libraries_alone(demo_file: Path, tmp_path: Path) -> None:
    """openpyxl, reportlab and pyHanko (and QtPdf, printing) load when first used, and
    the window does not build the command line's other commands."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "zhashui_inspector",
                             "gui", str(demo_file), "--smoke"], capture_output=True, text=True,
                            encoding="utf-8", env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
              if line.startswith("import time:")}
    assert "zhashui_inspector.ui.main_window" in loaded     # the measurement works
    heavy = {"openpyxl", "reportlab", "pyhanko", "PySide6.QtPdf", "PySide6.QtPrintSupport",
             "PIL", "zhashui_inspector.cli.office", "zhashui_inspector.cli.work",
             "zhashui_inspector.cli.reports"}
    assert loaded.isdisjoint(heavy), loaded & heavy
