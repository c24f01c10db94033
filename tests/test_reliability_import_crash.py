"""SIGKILL of `office import` at a few moments (tools/import_crash_harness.py runs 50)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HARNESS = Path(__file__).resolve().parent.parent / "tools" / "import_crash_harness.py"


def _harness():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("import_crash_harness", HARNESS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module        # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_a_killed_import_leaves_the_office_before_or_after_each_file(
        hang_guard: None) -> None:
    """Kills spread over an uninterrupted import's time: each leaves a ledger before or
    after a file, whole archive files, the old or the new workbook, and importing again
    ends where an uninterrupted import ends (the harness checks all of it)."""
    harness = _harness()
    failures, outcomes, _duration = harness.run(trials=2, seed0=1000, fractions=[0.6, 0.9],
                                                video_mb=4)
    assert failures == []
    assert sum(outcomes.values()) == 2
