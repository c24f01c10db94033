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
    translator = QTranslator(app)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    from zhashui_inspector.ui.heap import collect_on_the_gui_thread

    collect_on_the_gui_thread(app)
    return app


def app_icon() -> QIcon:
    from zhashui_inspector.ui.icons import app_icon as load

    return load()


class FirstPaintProbe(QObject):
    """`--smoke`: waits for the first paint of the window's content, prints the time, quits.

    The content is what the user came for (the checklist of a work file, or the start
    page), so a window still saying "正在打开…" does not count.
    """

    def __init__(self, window: QWidget, start: float) -> None:
        super().__init__(window)
        self.window = window
        self.start = start
        self.elapsed_ms: float | None = None
        ready = getattr(window, "ready", None)
        is_ready = getattr(window, "is_ready", None)
        if ready is None or is_ready is None or is_ready():
            self._watch()
        else:
            ready.connect(self._watch)

    def _watch(self) -> None:
        content = getattr(self.window, "content_widget", None)
        target = content() if callable(content) else self.window
        target.installEventFilter(self)
        target.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if self.elapsed_ms is None and event.type() == QEvent.Type.Paint:
            self.elapsed_ms = (time.perf_counter() - self.start) * 1000
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._finish)
        return False

    def _finish(self) -> None:
        print(f"窗口首次绘制：距进程启动 {self.elapsed_ms:.0f} 毫秒", flush=True)
        QApplication.exit(0)


def run(file: str | os.PathLike[str] | None = None, smoke: bool = False, demo: bool = False,
        office_dir: str | None = None) -> int:
    """Open the program's first window and run until the last window closes.

    A work file double-clicked while the program runs goes to the running program
    (which opens it or raises its window), so one file never ends up in two programs.
    """
    app = make_application()
    instance = None
    if not smoke:
        from zhashui_inspector.ui.single_instance import SingleInstance

        instance = SingleInstance()
        if file and not (office_dir or demo) and instance.hand_over(Path(file)):
            return 0
    manager = WindowManager(smoke=smoke)
    if office_dir:
        window = manager.open_office(Path(office_dir))
    elif demo:
        window = manager.open_demo()
    elif file:
        window = manager.open_file(Path(file))
    else:
        window = manager.show_start()
    if instance is not None:
        serving = instance
        QTimer.singleShot(0, lambda: serving.serve(manager))   # after the first paint
    if smoke:
        FirstPaintProbe(window, PROCESS_START)
        # a window that never becomes ready must not hang a smoke test
        QTimer.singleShot(60_000, lambda: QApplication.exit(3))
    code = app.exec()
    if instance is not None:
        instance.close()
    manager.shut_down()
    return code if not smoke else (code or manager.smoke_error)
