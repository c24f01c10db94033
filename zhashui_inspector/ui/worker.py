"""One thread that owns the open work file: every read and write that touches disk runs here.

The GUI thread submits jobs (plain callables taking a `WorkerContext`) and gets the result
or the exception back on its own thread through a callback, so it never waits on disk.
Jobs run one at a time in the order they were submitted, like a single-worker executor.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.ui.qt import QMetaObject, QObject, Qt, QThread, Signal, Slot

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.05  # seconds between progress reports sent to the GUI


class WorkerContext:
    """What a job sees: the open files, and progress/abort hooks for long jobs."""

    def __init__(self) -> None:
        self.wf: WorkFile | None = None
        self.linked: WorkFile | None = None  # a unit's self-check file, read-only
        self._job: Job | None = None
        self._report: Callable[[Job, int, int], None] = lambda job, done, total: None
        self._last_report = 0.0

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self._job is not None and (now - self._last_report >= PROGRESS_INTERVAL
                                      or done >= total):
            self._last_report = now
            self._report(self._job, done, total)

    def aborted(self) -> bool:
        return self._job is not None and self._job.abort_event.is_set()

    def require(self) -> WorkFile:
        if self.wf is None:
            raise RuntimeError("no work file is open")
        return self.wf


@dataclass(eq=False)
class Job:
    fn: Callable[[WorkerContext], Any]
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException], None] | None = None
    on_progress: Callable[[int, int], None] | None = None
    id: int = 0
    result: Any = None
    error: BaseException | None = None
    abort_event: threading.Event = field(default_factory=threading.Event)

    def abort(self) -> None:
        self.abort_event.set()


class _Runner(QObject):
    """Lives on the worker thread and runs jobs in order."""

    done = Signal(object)
    progressed = Signal(object, int, int)

    def __init__(self) -> None:
        super().__init__()
        self.ctx = WorkerContext()
        self.ctx._report = lambda job, done, total: self.progressed.emit(job, done, total)

    @Slot(object)
    def run(self, job: Job) -> None:
        self.ctx._job = job
        self.ctx._last_report = 0.0
        try:
            job.result = job.fn(self.ctx)
        except Exception as exc:  # handed to the GUI thread, which decides what to show
            log.debug("job %s failed: %r", job.id, exc)
            job.error = exc
        finally:
            self.ctx._job = None
        self.done.emit(job)

    @Slot()
    def shut_down(self) -> None:
        for wf in (self.ctx.linked, self.ctx.wf):
            if wf is not None:
                try:
                    wf.close()
                except Exception:  # closing must not stop the thread from ending
                    log.exception("closing a work file failed")
        self.ctx.wf = self.ctx.linked = None
        thread = QThread.currentThread()
        if thread is not None:
            thread.quit()


class FileWorker(QObject):
    """The GUI thread's handle on the worker thread."""

    idle = Signal()
    busy_changed = Signal(bool)
    _submit = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = count(1)
        self._pending: dict[int, Job] = {}
        self._thread = QThread()
        self._thread.setObjectName("work-file-worker")
        self._runner = _Runner()
        self._runner.moveToThread(self._thread)
        self._submit.connect(self._runner.run)
        self._runner.done.connect(self._deliver)
        self._runner.progressed.connect(self._progress)
        self._thread.start()
        # However the owner goes away, the thread must end first: Qt aborts the program
        # when a running QThread is destroyed.
        thread, runner = self._thread, self._runner
        self.destroyed.connect(lambda *_: _finish(thread, runner))

    def submit(self, fn: Callable[[WorkerContext], Any], on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               on_progress: Callable[[int, int], None] | None = None) -> Job:
        job = Job(fn, on_done, on_error, on_progress, id=next(self._ids))
        was_idle = not self._pending
        self._pending[job.id] = job
        if was_idle:
            self.busy_changed.emit(True)
        self._submit.emit(job)
        return job

    def is_idle(self) -> bool:
        return not self._pending

    def is_pending(self, job: Job) -> bool:
        return job.id in self._pending

    def stop(self) -> None:
        """Let queued jobs finish, close the files, end the thread (waits for it)."""
        _finish(self._thread, self._runner)

    @Slot(object, int, int)
    def _progress(self, job: Job, done: int, total: int) -> None:
        if job.on_progress is not None and job.id in self._pending:
            job.on_progress(done, total)

    @Slot(object)
    def _deliver(self, job: Job) -> None:
        self._pending.pop(job.id, None)
        try:
            if job.error is not None:
                if job.on_error is not None:
                    job.on_error(job.error)
                else:
                    log.error("unhandled job error: %r", job.error)
            elif job.on_done is not None:
                job.on_done(job.result)
        finally:
            if not self._pending:
                self.busy_changed.emit(False)
                self.idle.emit()


def _finish(thread: QThread, runner: _Runner) -> None:
    try:
        if thread.isRunning():
            QMetaObject.invokeMethod(runner, "shut_down", Qt.ConnectionType.QueuedConnection)
            thread.wait()
    except RuntimeError:  # already gone with its owner at interpreter exit
        pass
