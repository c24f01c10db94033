"""Background threads that leave the cores to the window's thread.

Qt's thread priorities do nothing on Linux (its default scheduler has one priority), so
while a thumbnail thread decodes and the worker copies photos, the two of them can
hold both cores of a small laptop and the window's thread waits for one: in the ingest
benchmark the window's late ticks came with its own thread idle and the other two busy.
On Linux each thread has its own nice value; a background thread raises its own.
"""

from __future__ import annotations

import os
import sys
import threading

BACKGROUND_NICE = 5
_done = threading.local()   # per thread (a native id is reused once its thread ends)


def lower_this_thread() -> None:
    """Once per thread: make the calling thread yield to the window's (Linux; elsewhere
    QThread.Priority does the job and this does nothing)."""
    if getattr(_done, "lowered", False) or not sys.platform.startswith("linux"):
        return
    _done.lowered = True
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + BACKGROUND_NICE)
    except OSError:
        pass   # not allowed here: the thread keeps its priority
