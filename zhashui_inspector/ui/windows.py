"""Which windows are open: the start page, work-file windows and the office window."""

from __future__ import annotations

import sys
from pathlib import Path

from zhashui_inspector.ui import qt  # dialogs: resolved on first use
from zhashui_inspector.ui.qt import QApplication, QCoreApplication, QWidget
from zhashui_inspector.ui.style import APP_STYLE


class WindowManager:
    """Opens windows and keeps them alive; passed to the windows instead of a global."""

    def __init__(self, smoke: bool = False) -> None:
        self.smoke = smoke
        self.smoke_error = 0
        self.windows: list[QWidget] = []
        self.first: QWidget | None = None

    def _keep(self, window: QWidget) -> QWidget:
        self.windows.append(window)
        if self.first is None:
            self.first = window
        window.destroyed.connect(lambda *_: self._forget(window))
        return window

    def _forget(self, window: QWidget) -> None:
        if window in self.windows:
            self.windows.remove(window)

    def is_ready(self) -> bool:
        """The first window shows what it is meant to show (a work file is loaded)."""
        ready = getattr(self.first, "is_ready", None)
        return bool(ready()) if callable(ready) else True

    def show_start(self) -> QWidget:
        from zhashui_inspector.ui.start_page import StartWindow

        window = StartWindow(self)
        window.show()
        return self._keep(window)

    def open_file(self, path: Path) -> QWidget:
        from zhashui_inspector.ui.main_window import MainWindow

        window = MainWindow(self)
        window.show()
        window.open_file(Path(path))
        return self._keep(window)

    def open_demo(self) -> QWidget:
        from zhashui_inspector.ui.main_window import MainWindow

        window = MainWindow(self)
        window.show()
        window.open_demo()
        return self._keep(window)

    def open_office(self, folder: Path, parent: QWidget | None = None) -> QWidget:
        try:
            from zhashui_inspector.ui.office_window import OfficeWindow
        except ModuleNotFoundError as exc:
            if exc.name != "zhashui_inspector.ui.office_window":
                raise
            self.report_failure(parent, QCoreApplication.translate(
                "windows", "县委依法治县办模式尚未包含在此版本中，请使用命令行的 office 命令，或更新程序后再试。"))
            return self.first or self.show_start()
        app = QApplication.instance()
        if isinstance(app, QApplication) and not app.styleSheet():
            app.setStyleSheet(APP_STYLE)   # the office window styles its parts by name
        window = OfficeWindow(Path(folder))
        window.show()
        return self._keep(window)

    def report_failure(self, parent: QWidget | None, message: str) -> None:
        """Tell the user; in `--smoke` runs print it and end with status 1 instead."""
        if self.smoke:
            print(message, file=sys.stderr, flush=True)
            self.smoke_error = 1
            QApplication.exit(1)
            return
        qt.QMessageBox.warning(parent, QCoreApplication.translate("windows", "柞水县复查验收评估"),
                               message)

    def file_failed(self, window: QWidget, message: str) -> None:
        """A work file could not be opened: say why and go back to the start page."""
        self.report_failure(window, message)
        if not self.smoke:
            if not any(w is not window and w.isVisible() for w in self.windows):
                self.show_start()
            window.close()

    def shut_down(self) -> None:
        for window in list(self.windows):
            window.close()
