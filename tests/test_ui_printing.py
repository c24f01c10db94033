"""Printing renders each PDF page with QtPdf onto the printer; the print menu builds the
checklist on the worker and hands it to the preview; "save as PDF" copies it."""

from __future__ import annotations

from pathlib import Path

from zhashui_inspector.ui import printing, qt
from zhashui_inspector.ui.actions import Act
from zhashui_inspector.ui.qt import (
    QApplication,
    QPageSize,
    QPdfWriter,
    QPrinter,
    QPrintPreviewDialog,
    QPrintPreviewWidget,
    QTimer,
)


def make_pdf(path: Path, pages: int = 2) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in range(pages):
        pdf.setFillGray(0)
        pdf.rect(100, 400, 300, 200 + 50 * page, fill=1)   # a big black block per page
        pdf.showPage()
    pdf.save()
    return path


def dark_share(image) -> float:  # type: ignore[no-untyped-def]
    dark = total = 0
    for y in range(0, image.height(), 8):
        for x in range(0, image.width(), 8):
            total += 1
            colour = image.pixelColor(x, y)   # QtPdf leaves paper transparent
            dark += colour.alpha() > 128 and colour.lightness() < 60
    return dark / total


def test_pages_are_rendered_onto_a_paged_device(qapp, tmp_path: Path) -> None:
    source = make_pdf(tmp_path / "in.pdf", pages=3)
    document = printing.load_pdf(source)
    assert document is not None and document.pageCount() == 3
    out = tmp_path / "printed.pdf"
    writer = QPdfWriter(str(out))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(150)
    assert printing.render_pdf_pages(document, writer) == 3
    del writer   # finishes the file
    printed = printing.load_pdf(out)
    assert printed is not None and printed.pageCount() == 3
    page = printed.render(1, printed.pagePointSize(1).toSize())
    assert 0.10 < dark_share(page) < 0.6    # the black block came through, not a blank page


def test_a_qprinter_gets_every_page(qapp, tmp_path: Path) -> None:
    document = printing.load_pdf(make_pdf(tmp_path / "in.pdf"))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printer.pdf"))
    assert printing.render_pdf_pages(document, printer, dpi=100) == 2
    printed = printing.load_pdf(tmp_path / "printer.pdf")
    assert printed is not None and printed.pageCount() == 2


def test_print_preview_shows_the_pdfs_pages(qtbot, tmp_path: Path) -> None:
    source = make_pdf(tmp_path / "checklist.pdf", pages=2)
    seen: list[int] = []

    def look_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QPrintPreviewDialog)
        preview = dialog.findChild(QPrintPreviewWidget)
        preview.updatePreview()
        seen.append(preview.pageCount())
        dialog.reject()

    QTimer.singleShot(300, look_and_close)
    assert printing.print_pdf(None, source, "测试")
    assert seen == [2]


def test_unreadable_pdf_is_reported(qapp, tmp_path: Path, monkeypatch) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not a pdf")
    messages: list[str] = []
    monkeypatch.setattr(qt.QMessageBox, "warning", lambda *a, **k: messages.append(a[2]))
    assert not printing.print_pdf(None, broken)
    assert messages == ["无法读取要打印的 PDF：broken.pdf"]


def test_print_menu_builds_the_checklist_and_save_as_copies_it(
        qtbot, open_window, demo_file: Path, tmp_path: Path, monkeypatch) -> None:
    window = open_window(demo_file)
    window.switch_unit("县气象局")
    printed: list[tuple[Path, str]] = []
    monkeypatch.setattr(printing, "print_pdf",
                        lambda parent, path, title="": printed.append((Path(path), title)))
    window.actions[Act.PRINT_UNIT].trigger()
    qtbot.waitUntil(lambda: bool(printed), timeout=60_000)
    path, title = printed[0]
    assert title == "县气象局检查表"
    document = printing.load_pdf(path)
    assert document is not None and document.pageCount() >= 2

    window.actions[Act.PRINT_BLANK].trigger()
    qtbot.waitUntil(lambda: len(printed) == 2, timeout=60_000)
    assert printed[1][1] == "空白检查表"

    target = tmp_path / "out" / "县气象局检查表.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(qt.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.actions[Act.SAVE_PDF].trigger()
    qtbot.waitUntil(target.exists, timeout=60_000)
    assert target.read_bytes().startswith(b"%PDF")
