"""Running a long job in a Python process of its own, for the windows.

A window's worker thread shares the interpreter lock with the window. A hundred-page
report builds a large heap of reportlab objects, and each of Python's full garbage
collections (60–100 ms, several per report) holds the lock throughout: the window
cannot run a single Python slot meanwhile and freezes. A job in its own process has its
own lock and heap, so its collections never reach the window.

The job's function and arguments go to the child by pickling (a passphrase travels
through the pipe, never the command line or the environment); its result or its error
comes back the same way, so a ZhashuiError keeps its Chinese message. Processes are
started with "spawn" on every system (fork would copy the window's threads and Qt
state); a frozen program must call `multiprocessing.freeze_support()` first thing. The
child runs at a lower priority, so it never keeps the window from a core.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from zhashui_inspector.core.errors import WorkFileError

log = logging.getLogger(__name__)
T = TypeVar("T")


def _yield_to_the_window() -> None:
    """In the child: a lower priority, so on a busy machine the window gets a core first
    (it needs little; the job then takes a little longer)."""
    if hasattr(os, "nice"):   # POSIX; on Windows the child keeps the normal priority
        try:
            os.nice(5)
        except OSError:
            pass


def run_in_child(fn: Callable[..., T] | str, /, *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` in a new process; blocks (without the interpreter lock) until
    it returns, and raises what it raised. `fn` must be importable at module level.

    `fn` may also be named, "package.module:function": then only the child imports its
    module. A window should name its job so: importing the report modules in the window's
    process (reportlab, pyHanko: a few hundred modules, and PySide6 reads the source of
    each module imported after it) held the interpreter lock for over 100 ms."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=context,
                                 initializer=_yield_to_the_window) as pool:
            if isinstance(fn, str):
                return pool.submit(_call_named, fn, *args, **kwargs).result()
            return pool.submit(fn, *args, **kwargs).result()
    except BrokenProcessPool as exc:
        log.error("child process died: %s", exc)
        raise WorkFileError("后台进程意外退出，操作未完成（可能是内存不足），请重试",
                            detail=repr(exc)) from exc


def _call_named(target: str, /, *args: Any, **kwargs: Any) -> Any:
    """In the child: import "package.module:function" and call it."""
    import importlib

    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)(*args, **kwargs)
