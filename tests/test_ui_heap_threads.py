"""Reference cycles holding Qt objects are freed on the GUI thread, never by a worker."""

from __future__ import annotations

import gc
import threading

from zhashui_inspector.ui.heap import collect_on_the_gui_thread


class _Cycle:
    def __init__(self, freed_in: list[int]) -> None:
        self.me = self
        self.freed_in = freed_in

    def __del__(self) -> None:
        self.freed_in.append(threading.get_ident())


def test_a_cycle_is_freed_on_the_gui_thread_not_by_an_allocating_worker(qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    collect_on_the_gui_thread(qapp)
    assert not gc.isenabled()
    freed_in: list[int] = []
    _Cycle(freed_in)

    kept: list[list[int]] = []

    def allocate() -> None:   # what an import does: many containers, enough to collect
        kept.extend([n] for n in range(20_000))
    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert freed_in == []                       # the worker collected nothing
    qtbot.waitUntil(lambda: freed_in != [], timeout=5_000)
    assert freed_in == [threading.get_ident()]  # this (the GUI) thread did
