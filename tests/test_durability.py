"""Durability: reopen after close, and SIGKILL of a writer mid-edit and mid-stream."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from zhashui_inspector.core.workfile import WorkFile

HARNESS = Path(__file__).resolve().parent.parent / "tools" / "crash_harness.py"


def _harness():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("crash_harness", HARNESS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_edits_survive_close_and_reopen(practice_file: Path) -> None:
    with WorkFile.open(practice_file) as wf:
        for no in range(1, 77):
            wf.update_item("下梁镇", no, rating="达标", comment=f"第{no}项")
    with WorkFile.open(practice_file) as wf:
        assert [s.comment for s in wf.unit_items("下梁镇")] == [f"第{n}项" for n in range(1, 77)]
        assert wf.verify_audit().ok


def test_sigkill_loses_nothing_acknowledged() -> None:
    harness = _harness()
    trials, acks, failures = harness.run(trials=6, max_delay=1.2, seed0=100)
    assert failures == []
    assert acks > 0  # the writer really got to work before it was killed
