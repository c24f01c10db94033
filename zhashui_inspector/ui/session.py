"""An open work file as the window sees it: a cached view plus operations on the worker.

Edits change the cache at once (so the screen never waits) and are committed through the
core on the worker thread. Each operation broadcasts one `Change`; each pane refreshes
itself from the cache. A write that fails because of the disk stays on screen and is
queued for `retry()`; a write the rules refuse is undone on screen and explained.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from zhashui_inspector.core.blobstore import Aborted
from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.errors import ValidationError, WorkFileError
from zhashui_inspector.core.records import Evidence, Identity, SelfReport, SignOff
from zhashui_inspector.core.text import count_chars
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.ui.cache import (
    Change,
    ChangeKind,
    FileSnapshot,
    LinkedFile,
    UnitCache,
    load_snapshot,
    load_unit,
)
from zhashui_inspector.ui.qt import QObject, Signal
from zhashui_inspector.ui.save_state import (
    SaveState,
    SaveStatus,
    describe_error,
    open_error_message,
)
from zhashui_inspector.ui.worker import FileWorker, Job, WorkerContext

Callback = Callable[[Any], None] | None
ErrorCallback = Callable[[BaseException], None] | None


class Session(QObject):
    changed = Signal(object)       # Change
    opened = Signal()
    open_failed = Signal(str)
    save_state = Signal(object)    # SaveState

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = FileWorker(self)
        self.snapshot: FileSnapshot | None = None
        self.linked: LinkedFile | None = None
        self._failed: dict[tuple[Any, ...], Callable[[], None]] = {}
        self._seq: dict[tuple[Any, ...], int] = {}
        self._add_ids = 0
        self._saving = 0
        self._last_failure: SaveState | None = None

    # ---- the open file ----------------------------------------------------------------

    def open(self, path: Path) -> None:
        path = Path(path)

        def job(ctx: WorkerContext) -> FileSnapshot:
            wf = WorkFile.open(path)
            try:
                snap = load_snapshot(wf)
            except BaseException:
                wf.close()
                raise
            if ctx.wf is not None:
                ctx.wf.close()
            ctx.wf = wf
            return snap

        self.worker.submit(job, self._on_opened,
                           lambda exc: self.open_failed.emit(open_error_message(exc, path)))

    def _on_opened(self, snap: FileSnapshot) -> None:
        self.snapshot = snap
        self.opened.emit()
        self.changed.emit(Change(ChangeKind.OPENED))

    def close(self) -> None:
        """Finish queued writes, close the files and end the worker thread."""
        self.worker.stop()

    @property
    def is_open(self) -> bool:
        return self.snapshot is not None

    def _snap(self) -> FileSnapshot:
        if self.snapshot is None:
            raise RuntimeError("no work file is open")
        return self.snapshot

    @property
    def path(self) -> Path:
        return self._snap().path

    @property
    def catalogue(self) -> Catalogue:
        return self._snap().catalogue

    @property
    def identity(self) -> Identity:
        return self._snap().identity

    @property
    def role(self) -> str:
        return self._snap().identity.role

    @property
    def units(self) -> tuple[str, ...]:
        return self._snap().identity.units

    def unit(self, name: str) -> UnitCache:
        return self._snap().units[name]

    def failed_count(self) -> int:
        """Edits that could not be written and wait for `retry()`."""
        return len(self._failed)

    def has_unsaved(self) -> bool:
        """Edits on screen that are not in the file yet (failed, or still being written)."""
        return bool(self._failed) or self._saving > 0

    # ---- saving -----------------------------------------------------------------------

    def _save(self, key: tuple[Any, ...], fn: Callable[[WorkerContext], Any], *,
              unit: str, retry: Callable[[], None], on_saved: Callback = None,
              on_progress: Callable[[int, int], None] | None = None) -> Job:
        seq = self._seq[key] = self._seq.get(key, 0) + 1
        self._saving += 1
        self.save_state.emit(SaveState(SaveStatus.SAVING))

        def done(result: Any) -> None:
            self._saving -= 1
            self._failed.pop(key, None)
            if on_saved is not None and self._seq.get(key) == seq:
                on_saved(result)
            self._report_state()

        def failed(exc: BaseException) -> None:
            self._saving -= 1
            if isinstance(exc, Aborted):
                self._report_state()
                return
            status, message = describe_error(exc)
            if status is SaveStatus.REJECTED:
                self._failed.pop(key, None)
                self.reload_unit(unit)
            else:
                self._failed[key] = retry
            self._last_failure = SaveState(status, message)
            self.save_state.emit(self._last_failure)

        return self.worker.submit(fn, done, failed, on_progress)

    def _report_state(self) -> None:
        if self._failed and self._last_failure is not None:
            self.save_state.emit(self._last_failure)
        elif self._saving == 0:
            self.save_state.emit(SaveState(SaveStatus.SAVED,
                                           at=datetime.now().strftime("%H:%M:%S")))

    def retry(self) -> None:
        """Write again everything that failed to save, in the order it was edited."""
        pending = list(self._failed.values())
        self._failed.clear()
        for resubmit in pending:
            resubmit()

    def reload_unit(self, unit: str) -> None:
        def job(ctx: WorkerContext) -> UnitCache:
            return load_unit(ctx.require(), unit)

        def done(cache: UnitCache) -> None:
            self._snap().units[unit] = cache
            self.changed.emit(Change(ChangeKind.ITEMS, unit, tuple(cache.items)))
            self.changed.emit(Change(ChangeKind.EVIDENCE, unit))
            self.changed.emit(Change(ChangeKind.SELF_REPORT, unit))

        self.worker.submit(job, done)

    # ---- ratings ----------------------------------------------------------------------

    def set_item(self, unit: str, item_no: int, **fields: Any) -> None:
        """Change rating / methods / comment / reason of one item (shown at once, then saved)."""
        cache = self.unit(unit)
        if "methods" in fields:
            fields["methods"] = tuple(fields["methods"])
        cache.items[item_no] = replace(cache.items[item_no], **fields)
        self.changed.emit(Change(ChangeKind.ITEMS, unit, (item_no,)))
        self._write_item(unit, item_no)

    def _write_item(self, unit: str, item_no: int) -> None:
        state = self.unit(unit).items[item_no]

        def write(ctx: WorkerContext) -> Any:
            return ctx.require().update_item(
                unit, item_no, rating=state.rating, methods=state.methods,
                comment=state.comment, reason=state.reason, allow_missing_reason=True)

        def saved(new_state: Any) -> None:
            current = self.unit(unit).items[item_no]
            self.unit(unit).items[item_no] = replace(
                current, updated_at=new_state.updated_at)

        self._save(("item", unit, item_no), write, unit=unit, on_saved=saved,
                   retry=lambda: self._write_item(unit, item_no))

    # ---- evidence -----------------------------------------------------------------------

    def add_evidence(self, unit: str, path: Path, *, item_no: int | None, kind: str,
                     caption: str, on_added: Callback = None,
                     on_progress: Callable[[int, int], None] | None = None) -> Job:
        self._add_ids += 1
        key = ("add", self._add_ids)

        def write(ctx: WorkerContext) -> Evidence:
            return ctx.require().add_evidence(unit, Path(path), item_no=item_no, kind=kind,
                                              caption=caption, progress=ctx.progress,
                                              abort=ctx.aborted)

        def added(ev: Evidence) -> None:
            self._insert_evidence(ev)
            if on_added is not None:
                on_added(ev)

        def again() -> None:
            self.add_evidence(unit, path, item_no=item_no, kind=kind, caption=caption,
                              on_added=on_added, on_progress=on_progress)

        return self._save(key, write, unit=unit, on_saved=added, retry=again,
                          on_progress=on_progress)

    def remove_evidence(self, ev: Evidence) -> None:
        cache = self.unit(ev.unit)
        cache.evidence = [e for e in cache.evidence if e.id != ev.id]
        self._evidence_changed(ev)
        self._save(("evidence", ev.id),
                   lambda ctx: ctx.require().remove_evidence(ev.id), unit=ev.unit,
                   retry=lambda: self.remove_evidence(ev))

    def restore_evidence(self, ev: Evidence) -> None:
        self._insert_evidence(ev)
        self._save(("evidence", ev.id),
                   lambda ctx: ctx.require().restore_evidence(ev.id), unit=ev.unit,
                   retry=lambda: self.restore_evidence(ev))

    def edit_evidence(self, ev: Evidence, *, kind: str, caption: str) -> None:
        new = replace(ev, kind=kind, caption=caption)
        cache = self.unit(ev.unit)
        cache.evidence = [new if e.id == ev.id else e for e in cache.evidence]
        self.changed.emit(Change(ChangeKind.EVIDENCE, ev.unit, _nos(ev.item_no)))
        self._save(("evidence-edit", ev.id),
                   lambda ctx: ctx.require().edit_evidence(ev.id, kind=kind, caption=caption),
                   unit=ev.unit, retry=lambda: self.edit_evidence(new, kind=kind,
                                                                  caption=caption))

    def _insert_evidence(self, ev: Evidence) -> None:
        cache = self.unit(ev.unit)
        if any(e.id == ev.id for e in cache.evidence):
            return
        cache.evidence = sorted([*cache.evidence, ev], key=lambda e: e.id)
        self._evidence_changed(ev)

    def _evidence_changed(self, ev: Evidence) -> None:
        cache = self.unit(ev.unit)
        cache.recount_evidence(ev.item_no)
        self.changed.emit(Change(ChangeKind.EVIDENCE, ev.unit, _nos(ev.item_no)))
        if ev.item_no is not None:
            self.changed.emit(Change(ChangeKind.ITEMS, ev.unit, (ev.item_no,)))

    def evidence_bytes(self, ev: Evidence, on_done: Callback, on_error: ErrorCallback = None,
                       *, linked: bool = False) -> Job:
        def read(ctx: WorkerContext) -> bytes:
            wf = ctx.linked if linked else ctx.require()
            if wf is None:
                raise ValidationError("单位自查文件已关闭")
            return wf.evidence_bytes(ev.id)

        return self.worker.submit(read, on_done, on_error)

    def export_evidence(self, ev: Evidence, dest: Path, on_done: Callback,
                        on_error: ErrorCallback = None, *, linked: bool = False) -> Job:
        def export(ctx: WorkerContext) -> Path:
            wf = ctx.linked if linked else ctx.require()
            if wf is None:
                raise ValidationError("单位自查文件已关闭")
            return wf.export_evidence(ev.id, dest)

        return self.worker.submit(export, on_done, on_error)

    # ---- self-report and sign-off -------------------------------------------------------

    def set_self_report(self, unit: str, text: str) -> None:
        cache = self.unit(unit)
        if cache.self_report.text == text:
            return
        cache.self_report = SelfReport(unit, text, count_chars(text), cache.self_report.limit,
                                       cache.self_report.updated_at)
        self.changed.emit(Change(ChangeKind.SELF_REPORT, unit))
        self._save(("self_report", unit),
                   lambda ctx: ctx.require().set_self_report(unit, text), unit=unit,
                   retry=lambda: self._resend_report(unit))

    def _resend_report(self, unit: str) -> None:
        text = self.unit(unit).self_report.text
        self._save(("self_report", unit),
                   lambda ctx: ctx.require().set_self_report(unit, text), unit=unit,
                   retry=lambda: self._resend_report(unit))

    def signoff_blockers(self, unit: str, on_done: Callback, on_error: ErrorCallback = None) -> None:
        self.worker.submit(lambda ctx: ctx.require().signoff_blockers(unit), on_done, on_error)

    def sign_off(self, unit: str, signer: str, png: bytes | None, on_done: Callback = None,
                 on_error: ErrorCallback = None) -> None:
        def sign(ctx: WorkerContext) -> list[SignOff]:
            wf = ctx.require()
            wf.sign_off(unit, signer, png)
            return wf.signoffs(unit)

        self._signoff_job(unit, sign, on_done, on_error)

    def reopen(self, unit: str, reason: str, on_done: Callback = None,
               on_error: ErrorCallback = None) -> None:
        def reopen(ctx: WorkerContext) -> list[SignOff]:
            wf = ctx.require()
            wf.reopen(unit, reason)
            return wf.signoffs(unit)

        self._signoff_job(unit, reopen, on_done, on_error)

    def _signoff_job(self, unit: str, fn: Callable[[WorkerContext], list[SignOff]],
                     on_done: Callback, on_error: ErrorCallback) -> None:
        def done(signoffs: list[SignOff]) -> None:
            self.unit(unit).signoffs = signoffs
            self.changed.emit(Change(ChangeKind.SIGNOFF, unit))
            self.save_state.emit(SaveState(SaveStatus.SAVED,
                                           at=datetime.now().strftime("%H:%M:%S")))
            if on_done is not None:
                on_done(signoffs)

        self.worker.submit(fn, done, on_error)

    def signature_png(self, signoff: SignOff, on_done: Callback) -> None:
        self.worker.submit(lambda ctx: ctx.require().signature_png(signoff), on_done)

    # ---- a unit's self-check file beside the inspector's ---------------------------------

    def load_linked(self, path: Path, on_done: Callback = None,
                    on_error: ErrorCallback = None) -> None:
        path = Path(path)
        units = self.units

        def job(ctx: WorkerContext) -> LinkedFile:
            # the unit's file is someone else's: checked as the office's import checks it
            other = WorkFile.open(path, readonly=True, lock=False, checked=True)
            try:
                if other.role != "unit" or len(other.units) != 1:
                    raise ValidationError(f"“{path.name}”不是单位自查文件")
                unit = other.units[0]
                if unit not in units:
                    raise ValidationError(f"“{path.name}”是{unit}的自查文件，不在本工作文件的评估范围内")
                try:
                    linked = LinkedFile(path, other.identity, load_unit(other, unit))
                except (sqlite3.DatabaseError, UnicodeDecodeError, ValueError, TypeError) as exc:
                    raise WorkFileError(f"“{path.name}”已损坏（读取数据时出错）",
                                        detail=repr(exc)) from exc
            except BaseException:
                other.close()
                raise
            if ctx.linked is not None:
                ctx.linked.close()
            ctx.linked = other
            return linked

        def done(linked: LinkedFile) -> None:
            self.linked = linked
            self.changed.emit(Change(ChangeKind.LINKED, linked.unit.name))
            if on_done is not None:
                on_done(linked)

        self.worker.submit(job, done, on_error)

    def unlink(self) -> None:
        def job(ctx: WorkerContext) -> None:
            if ctx.linked is not None:
                ctx.linked.close()
                ctx.linked = None

        self.linked = None
        self.worker.submit(job)
        self.changed.emit(Change(ChangeKind.LINKED))

    def linked_unit(self, unit: str) -> UnitCache | None:
        if self.linked is not None and self.linked.unit.name == unit:
            return self.linked.unit
        return None

    # ---- anything else that needs the file (printing, reports) ---------------------------

    def run(self, fn: Callable[[WorkerContext], Any], on_done: Callback = None,
            on_error: ErrorCallback = None,
            on_progress: Callable[[int, int], None] | None = None) -> Job:
        return self.worker.submit(fn, on_done, on_error, on_progress)


def _nos(item_no: int | None) -> tuple[int, ...]:
    return () if item_no is None else (item_no,)
