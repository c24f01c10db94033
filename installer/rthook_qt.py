"""Run-time hook of the frozen program: tell Qt where its plugins are, without importing Qt.

It stands in for PyInstaller's pyi_rth_pyside6, which imports PySide6.QtCore (and with it
shiboken's signature machinery, about 70 ms) at every start, including the command-line
commands that never touch Qt. That hook's other duty, registering an embedded qt.conf,
PySide6 performs itself when it is imported (the PyPI wheels are relocatable).
"""

import os
import sys


def _point_qt_at_the_bundle() -> None:
    base = sys._MEIPASS  # type: ignore[attr-defined]
    if sys.platform == "win32":
        qt_dir = os.path.join(base, "PySide6")
        # Qt's DLLs look for OpenSSL and friends next to the program as well.
        path = os.environ.get("PATH", "")
        if base not in path.split(os.pathsep):
            os.environ["PATH"] = base + (os.pathsep + path if path else "")
    else:
        qt_dir = os.path.join(base, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_dir, "plugins")


_point_qt_at_the_bundle()
