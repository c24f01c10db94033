"""The start page shown without a work file: open, recent files, practice file, demo, office."""

from __future__ import annotations

from pathlib import Path

from zhashui_inspector.ui.qt import QLabel, QVBoxLayout, QWidget


class StartWindow(QWidget):
    def __init__(self, manager: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.setWindowTitle(self.tr("柞水县法治政府建设示范单位复查验收评估"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("柞水县法治政府建设示范单位复查验收评估")))

    def is_ready(self) -> bool:
        return True

    def open_path(self, path: Path) -> None:
        self.manager.open_file(path)  # type: ignore[attr-defined]
        self.close()
