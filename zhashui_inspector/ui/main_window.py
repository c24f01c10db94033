"""The window on one work file: it assembles the panes and wires them to one session."""

from __future__ import annotations

from pathlib import Path

from zhashui_inspector.ui.qt import QCloseEvent, QLabel, QMainWindow, Qt, QWidget
from zhashui_inspector.ui.session import Session
from zhashui_inspector.ui.settings import remember_recent

APP_TITLE = "柞水县法治政府建设示范单位复查验收评估"


class MainWindow(QMainWindow):
    def __init__(self, manager: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.manager = manager
        self.session = Session(self)
        self.session.opened.connect(self._on_opened)
        self.session.open_failed.connect(self._on_open_failed)
        self._ready = False
        self.setWindowTitle(APP_TITLE)
        self.resize(1280, 800)
        self._loading = QLabel(self.tr("正在打开工作文件…"))
        self._loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(self._loading)

    def is_ready(self) -> bool:
        return self._ready

    def open_file(self, path: Path) -> None:
        self._loading.setText(self.tr("正在打开 {0} …").format(Path(path).name))
        self.session.open(path)

    def open_demo(self) -> None:
        from zhashui_inspector.ui.demo_file import ensure_demo

        self._loading.setText(self.tr("正在准备演示数据…"))
        self.session.run(lambda ctx: ensure_demo(), self.open_file,
                         lambda exc: self._on_open_failed(str(exc)))

    def _on_opened(self) -> None:
        remember_recent(self.session.path)
        self.setWindowTitle(f"{self.session.path.name} — {APP_TITLE}")
        self._ready = True
        self.update()

    def _on_open_failed(self, message: str) -> None:
        self.manager.file_failed(self, message)  # type: ignore[attr-defined]

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.session.close()
        super().closeEvent(event)
