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

_frozen = False


def freeze_start_up_heap() -> None:
    """Once per process, after the first window is ready: collect, then freeze what is left."""
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.collect()
    gc.freeze()
