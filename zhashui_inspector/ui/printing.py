"""Printing a PDF through the system print dialog (with preview), and saving a copy of it.

The PDF's pages are rendered with QtPdf onto the QPrinter, so what prints is what the
PDF shows, fonts included, on any printer driver.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from zhashui_inspector.ui import qt  # dialogs: resolved on first use
from zhashui_inspector.ui.qt import (
    QCoreApplication,
    QImage,
    QPagedPaintDevice,
    QPainter,
    QRect,
    QSize,
    Qt,
    QWidget,
)
from zhashui_inspector.ui.screen_fit import fit_dialog

MAX_RENDER_DPI = 300
PREVIEW_SIZE = QSize(900, 1000)   # a whole A4 page, where the screen is tall enough


def tr(text: str) -> str:
    return QCoreApplication.translate("printing", text)


def load_pdf(pdf_path: Path, parent: object = None):  # type: ignore[no-untyped-def]
    """A QPdfDocument for the file, or None when it cannot be read."""
    from zhashui_inspector.ui.qt import QPdfDocument

    document = QPdfDocument(parent)  # type: ignore[arg-type]
    error = document.load(str(pdf_path))
    if error != QPdfDocument.Error.None_ or document.pageCount() == 0:
        return None
    return document


def render_pdf_pages(document, device: QPagedPaintDevice, dpi: int | None = None) -> int:  # type: ignore[no-untyped-def]
    """Draw every page of `document` onto `device`, one device page each; returns the count.

    Each page is rendered at the device's resolution (at most 300 dpi) and fitted into the
    printable area, keeping its proportions.
    """
    painter = QPainter()
    if not painter.begin(device):
        return 0
    resolution = dpi or min(device.logicalDpiX(), MAX_RENDER_DPI)
    pages = document.pageCount()
    try:
        for page in range(pages):
            if page and not device.newPage():
                break
            size_pt = document.pagePointSize(page)
            pixels = QSize(max(1, round(size_pt.width() * resolution / 72)),
                           max(1, round(size_pt.height() * resolution / 72)))
            image: QImage = document.render(page, pixels)
            target = _fit(painter.viewport(), image.size())
            painter.drawImage(target, image)
    finally:
        painter.end()
    return pages


def _fit(area: QRect, size: QSize) -> QRect:
    scaled = size.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
    left = area.left() + (area.width() - scaled.width()) // 2
    top = area.top() + (area.height() - scaled.height()) // 2
    return QRect(left, top, scaled.width(), scaled.height())


def print_pdf(parent: QWidget | None, pdf_path: Path, title: str = "") -> bool:
    """Show the print preview of a PDF; the user prints from there. False if unreadable."""
    from zhashui_inspector.ui.qt import QPageSize, QPrinter, QPrintPreviewDialog

    document = load_pdf(pdf_path, parent)
    if document is None:
        qt.QMessageBox.warning(parent, tr("打印"),
                               tr("无法读取要打印的 PDF：{0}").format(Path(pdf_path).name))
        return False
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setDocName(title or Path(pdf_path).stem)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(tr("打印预览 — {0}").format(title or Path(pdf_path).stem))

    def paint(device: QPagedPaintDevice) -> None:
        render_pdf_pages(document, device)

    dialog.paintRequested.connect(paint)
    fit_dialog(dialog, PREVIEW_SIZE)
    dialog.exec()
    document.close()
    return True


def save_pdf_copy(parent: QWidget | None, pdf_path: Path, suggested_name: str) -> Path | None:
    """Ask where to keep a copy of the PDF and copy it there."""
    target, _filter = qt.QFileDialog.getSaveFileName(parent, tr("另存为 PDF"), suggested_name,
                                                     tr("PDF 文件 (*.pdf)"))
    if not target:
        return None
    dest = Path(target)
    if dest.suffix.lower() != ".pdf":
        dest = dest.with_suffix(".pdf")
    try:
        shutil.copyfile(pdf_path, dest)
    except OSError as exc:
        qt.QMessageBox.warning(parent, tr("另存为 PDF"), tr("无法保存到 {0}：{1}").format(
            dest, exc.strerror or exc))
        return None
    return dest
