"""Starting the program: the QApplication, the first window, `--smoke` and `--demo`."""

from __future__ import annotations

import os
import sys
import time

from zhashui_inspector.ui.process_clock import process_age

# Taken before Qt is imported: the smoke test reports first paint from process start.
PROCESS_START = time.perf_counter() - process_age()

from pathlib import Path  # noqa: E402

from zhashui_inspector.ui.qt import (  # noqa: E402
    QApplication,
    QEvent,
    QIcon,
    QLibraryInfo,
    QLocale,
    QObject,
    QTimer,
    QTranslator,
    QWidget,
)
from zhashui_inspector.ui.settings import APPLICATION, ORGANIZATION  # noqa: E402
from zhashui_inspector.ui.windows import WindowManager  # noqa: E402

APP_USER_MODEL_ID = "Zhashui.Inspector"


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the program's name, icon and Chinese standard dialogs."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if sys.platform == "win32":  # own taskbar group and icon instead of python.exe's
        try:
            import ctypes

            ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(APP_USER_MODEL_ID)
        except (AttributeError, OSError):
            pass
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setWindowIcon(app_icon())
    from zhashui_inspector.ui.style import APP_STYLE

    app.setStyleSheet(APP_STYLE)
    translator = QTranslator(app)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    return app


def app_icon() -> QIcon:
    from zhashui_inspector.ui.icons import app_icon as load

    return load()


class FirstPaintProbe(QObject):
    """Waits for the first paint of a ready window, prints the time and quits (`--smoke`)."""

    def __init__(self, window: QWidget, is_ready: object, start: float) -> None:
        super().__init__(window)
        self.window = window
        self.is_ready = is_ready
        self.start = start
        self.elapsed_ms: float | None = None
        QApplication.instance().installEventFilter(self)  # type: ignore[union-attr]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (self.elapsed_ms is None and event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget) and watched.window() is self.window
                and callable(self.is_ready) and self.is_ready()):
            self.elapsed_ms = (time.perf_counter() - self.start) * 1000
            QTimer.singleShot(0, self._finish)
        return False

    def _finish(self) -> None:
        QApplication.instance().removeEventFilter(self)  # type: ignore[union-attr]
        print(f"窗口首次绘制：距进程启动 {self.elapsed_ms:.0f} 毫秒", flush=True)
        QApplication.exit(0)


def run(file: str | os.PathLike[str] | None = None, smoke: bool = False, demo: bool = False,
        office_dir: str | None = None) -> int:
    """Open the program's first window and run until the last window closes."""
    app = make_application()
    manager = WindowManager(smoke=smoke)
    if office_dir:
        window = manager.open_office(Path(office_dir))
    elif demo:
        window = manager.open_demo()
    elif file:
        window = manager.open_file(Path(file))
    else:
        window = manager.show_start()
    if smoke:
        FirstPaintProbe(window, manager.is_ready, PROCESS_START)
        # a window that never becomes ready must not hang a smoke test
        QTimer.singleShot(60_000, lambda: QApplication.exit(3))
    code = app.exec()
    manager.shut_down()
    return code if not smoke else (code or manager.smoke_error)
