"""The Qt entry module makes PySide6's look at each imported module cheaper; the answer
must stay PySide6's own."""

from __future__ import annotations

import inspect
import json
import sqlite3
import sys
from pathlib import Path
from types import ModuleType

from zhashui_inspector.core import audit
from zhashui_inspector.ui import qt


def _pyside_answer(module: ModuleType) -> bool:
    """What PySide6 6.12's `_mod_uses_pyside` computes."""
    try:
        return "PySide6" in inspect.getsource(module)
    except (TypeError, OSError, SyntaxError):
        return False


def test_imported_modules_are_scanned_from_bytes_with_the_same_answer(tmp_path: Path) -> None:
    feature = sys.modules["shibokensupport.feature"]
    ours = feature._mod_uses_pyside
    assert getattr(ours, "reads_bytes", False)   # installed once, by importing ui.qt

    mentions = ModuleType("mentions")
    mentions.__file__ = str(tmp_path / "mentions.py")
    Path(mentions.__file__).write_text("# 界面\nimport PySide6\n", encoding="utf-8")
    frozen_like = ModuleType("frozen_like")
    frozen_like.__file__ = str(tmp_path / "gone.py")   # a frozen program has no sources
    extension = sys.modules["_sqlite3"]
    modules = [qt, audit, json, sqlite3, sys, extension, mentions, frozen_like]
    assert [ours(m) for m in modules] == [_pyside_answer(m) for m in modules]
    assert ours(qt) and ours(mentions) and not ours(audit) and not ours(frozen_like)

def test_installing_twice_keeps_one_layer() -> None:
    feature = sys.modules["shibokensupport.feature"]
    before = feature._mod_uses_pyside
    qt._scan_sources_as_bytes()
    assert feature._mod_uses_pyside is before
