"""Keeping Python's garbage collector from freezing the window.

A full collection scans every object the process holds, holding the interpreter lock,
so the window can run none of its Python code meanwhile: in an import of 50 returned
files on a thread, the longest gaps of a 5 ms heartbeat were two such collections (23 and
26 ms; with the heap frozen the longest gap was 14 ms). Most of the objects live as long
as the program
(modules, classes, Qt's wrappers, the catalogue), so once the first window is ready they
are moved out of the collector's sight (`gc.freeze`); later collections scan only what
came after. Objects frozen this way are still freed when nothing refers to them; only a
reference cycle among them would outlive its use, and start-up leaves none that matter.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhashui_inspector.ui.qt import QObject

_frozen = False


def freeze_start_up_heap() -> None:
    """Once per process, after the first window is ready: collect, then freeze what is left."""
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.collect()
    gc.freeze()


class MainThreadCollector:
    """Python's cycle collector run on the GUI thread only.

    Left automatic, a collection runs in whichever thread happens to allocate: the worker
    thread, in the middle of an import, could then free a closed window's or dialog's Qt
    objects (kept in a reference cycle) away from the GUI thread, and Qt crashes. The
    automatic collector is turned off; a timer on the GUI thread collects by the same
    thresholds instead (as calibre does)."""

    def __init__(self, app: QObject, interval_ms: int = 500) -> None:
        from zhashui_inspector.ui.qt import QTimer

        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(app)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        young, middle, old = gc.get_count()
        if young > self.threshold[0]:
            gc.collect(0)
            if middle > self.threshold[1]:
                gc.collect(1)
                if old > self.threshold[2]:
                    gc.collect(2)


def collect_on_the_gui_thread(app: QObject) -> MainThreadCollector:
    """Once per application: install the collector (kept on the application object)."""
    collector: MainThreadCollector | None = getattr(app, "_zhashui_collector", None)
    if collector is None:
        collector = MainThreadCollector(app)
        app._zhashui_collector = collector  # type: ignore[attr-defined]
    return collector
