"""The one door through which Qt enters the program.

Every ui module imports Qt names from here (`from zhashui_inspector.ui.qt import QWidget`),
so a binding change or a compatibility shim lives in one place. Names are looked up on
first use: a star import would make PySide6 build every class up front, which costs a
quarter of a second at start-up. The PDF and printing modules load only when one of
their names is first asked for.
"""

from __future__ import annotations

import ctypes
import importlib
import sys
from types import ModuleType
from typing import Any


def _immortalize_singletons() -> None:
    """Work around a reference-count bug of PySide6 6.12 on Python < 3.12.

    Every `Signal.emit()` made from Python drops one reference to `True`, and
    `beginResetModel()`/`endResetModel()` drop references to `None`; after a few
    thousand edits the interpreter aborts with "bool_dealloc: deallocating True or
    False". From Python 3.12 these objects are immortal and the bug is harmless; here
    we give them the same treatment by raising their counts far out of reach.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for obj in (True, False, None):
        refcount = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt leads every object
        if refcount.value < 1 << 40:
            refcount.value += 1 << 40


_immortalize_singletons()

import PySide6.QtCore as _core  # noqa: E402
import PySide6.QtGui as _gui  # noqa: E402
import PySide6.QtWidgets as _widgets  # noqa: E402


def _scan_sources_as_bytes() -> None:
    """Make PySide6's look at each newly imported module cheaper; same answer.

    PySide6 asks of every module imported after it whether its source mentions
    "PySide6" (for `from __feature__ import ...`, which this program never uses), by
    `inspect.getsource`: linecache reads, decodes and splits each file and keeps the
    lines in memory. About 90 modules at start-up, some 13 ms before the first paint.
    Here a module with a source file is answered from the file's bytes; anything else
    (a frozen program's modules, extensions) still goes to PySide6's own function.
    """
    feature = sys.modules.get("shibokensupport.feature")
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if upstream is None or getattr(upstream, "reads_bytes", False):
        return

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as fh:
                    return b"PySide6" in fh.read()
            except OSError:
                pass
        return bool(upstream(module))

    uses_pyside.reads_bytes = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]


_scan_sources_as_bytes()
_EAGER: tuple[ModuleType, ...] = (_widgets, _gui, _core)
_LAZY_MODULES = {
    "QPdfDocument": "PySide6.QtPdf",
    "QPdfPageNavigator": "PySide6.QtPdf",
    "QPdfDocumentRenderOptions": "PySide6.QtPdf",
    "QPdfView": "PySide6.QtPdfWidgets",
    "QPrinter": "PySide6.QtPrintSupport",
    "QPrintDialog": "PySide6.QtPrintSupport",
    "QPrintPreviewDialog": "PySide6.QtPrintSupport",
    "QPrintPreviewWidget": "PySide6.QtPrintSupport",
    "QPageSetupDialog": "PySide6.QtPrintSupport",
    "QLocalServer": "PySide6.QtNetwork",
    "QLocalSocket": "PySide6.QtNetwork",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY_MODULES.get(name)
    if module_name is not None:
        value = getattr(importlib.import_module(module_name), name)
    else:
        for module in _EAGER:
            value = getattr(module, name, _MISSING)
            if value is not _MISSING:
                break
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


_MISSING = object()
