"""PySide6 6.12 on Python 3.11 drops a reference to True on every signal emitted from
Python, and the interpreter aborts after a few thousand emits ("bool_dealloc"). The Qt
entry module guards against it; this runs in a child process so a regression aborts
the child, not the test run."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import sys
    from zhashui_inspector.ui.qt import QObject, Signal, QCoreApplication
    app = QCoreApplication.instance() or QCoreApplication([])
    class Emitter(QObject):
        changed = Signal(object)
        done = Signal()
    e = Emitter()
    e.changed.connect(lambda value: None)
    e.done.connect(lambda: None)
    for n in range(50000):
        e.changed.emit(n)
        e.done.emit()
    print("ok")
""")


def test_many_signals_emitted_from_python_do_not_abort_the_interpreter() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=120, env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "ok"
