"""The one door through which Qt enters the program.

Every ui module imports Qt names from here (`from zhashui_inspector.ui.qt import QWidget`),
so a binding change or a compatibility shim lives in one place. Names are looked up on
first use: a star import would make PySide6 build every class up front, which costs a
quarter of a second at start-up. The PDF and printing modules load only when one of
their names is first asked for.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import PySide6.QtCore as _core
import PySide6.QtGui as _gui
import PySide6.QtWidgets as _widgets

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
