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
