"""Once the first window is ready, the start-up heap is out of the garbage collector's
sight, so its full collections no longer freeze the window (ui/heap.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import gc, sys, time
from pathlib import Path
from zhashui_inspector.ui.app import make_application
from zhashui_inspector.ui.windows import WindowManager
app = make_application()
manager = WindowManager()
before = gc.get_freeze_count()
window = manager.open_file(Path(sys.argv[1]))
deadline = time.monotonic() + 60
while not window.is_ready() and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.005)
for _ in range(50):
    app.processEvents()
print(before, gc.get_freeze_count(), len(gc.get_objects()))
manager.shut_down()
"""


def test_the_start_up_heap_is_frozen_once_the_window_is_ready(demo_file: Path,
                                                              tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", CHILD, str(demo_file)], capture_output=True,
                            text=True, encoding="utf-8", env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    before, frozen, scanned = (int(v) for v in result.stdout.split()[-3:])
    assert before == 0
    assert frozen > 10_000            # modules, classes, Qt wrappers, the catalogue
    assert scanned < frozen           # what a full collection still has to scan
