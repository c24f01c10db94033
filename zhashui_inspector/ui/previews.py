"""Showing one piece of evidence inside the window: images (zoom, fit, rotate, upright by
EXIF), PDFs (pages and zoom, through QtPdf), text files, and anything else as an icon with
"open with the system viewer"."""

from __future__ import annotations

from zhashui_inspector.ui.qt import (
    QBuffer,
    QByteArray,
    QHBoxLayout,
    QIcon,
    QIODevice,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)

ZOOM_STEP = 1.25


def tool_button(text: str, tip: str, parent: QWidget, shortcut: str = "") -> QToolButton:
    button = QToolButton(parent)
    button.setText(text)
    button.setToolTip(f"{tip}（{shortcut}）" if shortcut else tip)
    button.setAccessibleName(tip)
    button.setAutoRaise(True)
    if shortcut:
        button.setShortcut(shortcut)
    return button


def decode_text(data: bytes) -> str:
    """Text evidence as written: UTF-8 (with or without BOM), else GB18030 (Windows 中文)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


# ---- PDFs -----------------------------------------------------------------------------------

class PdfPreview(QWidget):
    """QtPdf inside the window; the module loads on the first PDF shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from zhashui_inspector.ui.qt import QPdfDocument, QPdfView

        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName(self.tr("PDF 文档"))
        self._buffer: QBuffer | None = None
        self._zoom_modes = QPdfView.ZoomMode

        self.page_spin = QSpinBox(self)
        self.page_spin.setAccessibleName(self.tr("页码"))
        self.page_spin.setMinimum(1)
        self.page_spin.valueChanged.connect(self._jump)
        self.page_count = QLabel(self)
        prev_page = tool_button(self.tr("上一页"), self.tr("上一页"), self)
        prev_page.clicked.connect(lambda: self.page_spin.setValue(self.page_spin.value() - 1))
        next_page = tool_button(self.tr("下一页"), self.tr("下一页"), self)
        next_page.clicked.connect(lambda: self.page_spin.setValue(self.page_spin.value() + 1))
        zoom_out = tool_button(self.tr("缩小"), self.tr("缩小"), self)
        zoom_out.clicked.connect(lambda: self.zoom(1 / ZOOM_STEP))
        zoom_in = tool_button(self.tr("放大"), self.tr("放大"), self)
        zoom_in.clicked.connect(lambda: self.zoom(ZOOM_STEP))
        fit_width = tool_button(self.tr("适合宽度"), self.tr("适合宽度"), self)
        fit_width.clicked.connect(lambda: self.view.setZoomMode(self._zoom_modes.FitToWidth))
        fit_page = tool_button(self.tr("整页"), self.tr("整页显示"), self)
        fit_page.clicked.connect(lambda: self.view.setZoomMode(self._zoom_modes.FitInView))
        self.view.pageNavigator().currentPageChanged.connect(
            lambda page: self._show_page(page + 1))

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for widget in (prev_page, self.page_spin, self.page_count, next_page):
            bar.addWidget(widget)
        bar.addSpacing(12)
        for widget in (zoom_out, zoom_in, fit_width, fit_page):
            bar.addWidget(widget)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    def load(self, data: bytes) -> bool:
        self.document.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        pages = self.document.pageCount()
        self.page_spin.blockSignals(True)
        self.page_spin.setMaximum(max(1, pages))
        self.page_spin.setValue(1)
        self.page_spin.blockSignals(False)
        self.page_count.setText(self.tr("/ {0} 页").format(pages))
        self.view.setZoomMode(self._zoom_modes.FitToWidth)
        return pages > 0

    def _jump(self, page: int) -> None:
        navigator = self.view.pageNavigator()
        if navigator.currentPage() != page - 1:
            navigator.jump(page - 1, navigator.currentLocation())

    def _show_page(self, page: int) -> None:
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(page)
        self.page_spin.blockSignals(False)

    def zoom(self, factor: float) -> None:
        self.view.setZoomMode(self._zoom_modes.Custom)
        self.view.setZoomFactor(min(max(self.view.zoomFactor() * factor, 0.1), 8.0))


# ---- text and everything else ---------------------------------------------------------------

class TextPreview(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAccessibleName(self.tr("文本内容"))

    def load(self, data: bytes) -> None:
        self.setPlainText(decode_text(data))


class OtherPreview(QWidget):
    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon = QLabel(self)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name = QLabel(self)
        self.name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name.setWordWrap(True)
        self.note = QLabel(self)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.open_button = QPushButton(self.tr("用系统程序打开"), self)
        self.open_button.setAccessibleName(self.tr("用系统程序打开"))
        self.open_button.clicked.connect(self.open_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (self.icon, self.name, self.note):
            layout.addWidget(widget)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def show_file(self, icon: QIcon, name: str, note: str) -> None:
        self.icon.setPixmap(icon.pixmap(96, 96))
        self.name.setText(name)
        self.note.setText(note)
