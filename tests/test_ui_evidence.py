"""Evidence comes in through the drop path (the same one the file dialog and paste use) and
is shown inside: photos upright by EXIF with zoom, PDFs with pages, text; thumbnails are
made from a reduced decode, off the GUI thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.ui.qt import (
    QApplication,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
    QMimeData,
    QPointF,
    Qt,
    QUrl,
)
from zhashui_inspector.ui.thumbnails import THUMB_PIXELS, decode_thumbnail

UNIT = "县财政局"


def camera_jpeg(path: Path, size: tuple[int, int], orientation: int = 6) -> Path:
    """A landscape sensor image that the camera marked 'rotate 90° clockwise' in EXIF."""
    img = Image.new("RGB", size, (30, 120, 200))
    img.paste((230, 60, 40), (0, 0, size[0] // 4, size[1] // 4))  # a mark in the top-left
    exif = Image.Exif()
    exif[0x0112] = orientation
    img.save(path, "JPEG", exif=exif.tobytes(), quality=85)
    return path


def two_page_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in (1, 2):
        pdf.setFont("Helvetica", 28)
        pdf.drawString(100, 700, f"Rules of procedure, page {page}")
        pdf.showPage()
    pdf.save()
    return path


def drop_files(widget, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    """What the file manager does: drag enter, move, drop, with file URLs."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    target = widget.viewport() if hasattr(widget, "viewport") else widget
    at = QPointF(20, 20)
    copy = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(at, copy, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "the strip must accept files"
    QApplication.sendEvent(target, QDragMoveEvent(at, copy, mime, Qt.MouseButton.LeftButton,
                                                  Qt.KeyboardModifier.NoModifier))
    drop = QDropEvent(at, copy, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)


def test_dropped_photo_and_pdf_are_added_and_shown(qtbot, open_window, practice_file: Path,
                                                   tmp_path: Path) -> None:
    window = open_window(practice_file)
    pane = window.evidence
    window.checklist.go_to(30)
    photo = camera_jpeg(tmp_path / "执法公示栏.jpg", (1200, 800))
    pdf = two_page_pdf(tmp_path / "议事规则.pdf")
    drop_files(pane.item_strip, [photo, pdf])
    qtbot.waitUntil(lambda: pane.item_model.rowCount() == 2, timeout=10_000)
    first, second = pane.item_model.items
    assert (first.name, first.kind, first.caption) == ("执法公示栏.jpg", "图片", "执法公示栏")
    assert (second.name, second.kind, second.mime) == ("议事规则.pdf", "文件", "application/pdf")
    assert window.session.unit(UNIT).items[30].evidence_count == 2
    assert "材料 2" not in window.checklist.model.index(0).data()  # the count is drawn, not text
    assert window.checklist.model.index(window.checklist.model.row_of(30)).data(
        Qt.ItemDataRole.AccessibleTextRole).endswith(window.session.catalogue.item(30).text)

    # the photo, upright as the camera meant it (EXIF 6: 1200×800 sensor → 800×1200)
    pane.select_evidence(first.id)
    image_view = pane.preview("image")
    qtbot.waitUntil(lambda: image_view.canvas.image is not None, timeout=10_000)
    assert pane.stack.currentWidget() is image_view
    assert (image_view.full_size.width(), image_view.full_size.height()) == (800, 1200)
    shown = image_view.canvas.image          # decoded at the size it is shown, upright
    assert shown.height() > shown.width() and shown.height() <= 1200
    assert abs(shown.width() / shown.height() - 800 / 1200) < 0.02
    assert shown.pixelColor(shown.width() - 3, 3).red() > 180  # the mark turned to top-right
    before = image_view.canvas.scale
    image_view.zoom(2.0)
    assert image_view.canvas.scale == pytest.approx(before * 2)
    # zoomed in, a sharper picture is decoded in the pool
    qtbot.waitUntil(lambda: image_view.canvas.rendered_scale == pytest.approx(before * 2),
                    timeout=10_000)
    assert image_view.canvas.image.height() == pytest.approx(1200 * before * 2, abs=2)
    image_view.rotate(90)
    assert image_view.canvas.view_size().width() > image_view.canvas.view_size().height()
    image_view.fit_to_window()
    assert image_view.fit

    # its thumbnail, made in the pool from the file just added
    qtbot.waitUntil(lambda: window.thumbnails.has(first.sha256), timeout=10_000)
    thumb = window.thumbnails.icon_for(first).pixmap(96, 96)
    assert thumb.height() > thumb.width()

    # the PDF inside the window, with pages
    pane.select_evidence(second.id)
    pdf_view = pane.preview("pdf")
    qtbot.waitUntil(lambda: pane.stack.currentWidget() is pdf_view, timeout=10_000)
    assert pdf_view.document.pageCount() == 2
    assert pdf_view.page_count.text() == "/ 2 页"
    pdf_view.page_spin.setValue(2)
    assert pdf_view.view.pageNavigator().currentPage() == 1
    pdf_view.zoom(1.25)

    # and both are in the file, in full
    qtbot.waitUntil(window.session.worker.is_idle)
    with WorkFile.open(practice_file, readonly=True, lock=False) as wf:
        stored = wf.evidence_list(UNIT, 30)
        assert [e.name for e in stored] == ["执法公示栏.jpg", "议事规则.pdf"]
        assert wf.evidence_bytes(stored[1].id) == pdf.read_bytes()


def test_file_dialog_and_paste_use_the_same_path(qtbot, open_window, practice_file: Path,
                                                 tmp_path: Path, monkeypatch) -> None:
    window = open_window(practice_file)
    pane = window.evidence
    window.checklist.go_to(12)
    text = tmp_path / "说明.txt"
    text.write_text("执法人员持证上岗名单\n共 12 人", encoding="gb18030")  # a Windows 中文 file
    other = tmp_path / "台账.zip"
    other.write_bytes(b"PK\x05\x06" + bytes(18))
    calls: list[tuple[list[Path], str, int | None]] = []
    real_add = window.ingest.add_paths

    def spy(paths, unit, item_no, **kw):  # type: ignore[no-untyped-def]
        calls.append((list(paths), unit, item_no))
        return real_add(paths, unit, item_no, **kw)

    monkeypatch.setattr(window.ingest, "add_paths", spy)
    from zhashui_inspector.ui import qt

    monkeypatch.setattr(qt.QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(text), str(other)], ""))
    pane.add_item_button.click()
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#2e7d32"))
    QApplication.clipboard().setImage(image)
    pane.paste_button.click()
    qtbot.waitUntil(lambda: pane.item_model.rowCount() == 3, timeout=10_000)
    pane.unit_strip.setFocus()
    qtbot.keyClick(pane.unit_strip, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: pane.unit_model.rowCount() == 1, timeout=10_000)
    assert pane.unit_model.items[0].item_no is None     # Ctrl+V on the unit's strip
    assert [c[1:] for c in calls] == [(UNIT, 12), (UNIT, 12), (UNIT, None)]
    names = [e.name for e in pane.item_model.items]
    assert names[:2] == ["说明.txt", "台账.zip"] and names[2].startswith("粘贴的图片-")
    assert pane.item_model.items[2].kind == "图片"

    pane.select_evidence(pane.item_model.items[0].id)
    text_view = pane.preview("text")
    qtbot.waitUntil(lambda: pane.stack.currentWidget() is text_view, timeout=10_000)
    assert "执法人员持证上岗名单" in text_view.toPlainText()
    pane.select_evidence(pane.item_model.items[1].id)
    other_view = pane.preview("other")
    assert pane.stack.currentWidget() is other_view
    assert other_view.open_button.isVisible() and "台账.zip" in other_view.name.text()

    # kind and caption are edited in place and saved
    pane.select_evidence(pane.item_model.items[1].id)
    pane.kind_combo.setCurrentText("表册")
    pane.kind_combo.activated.emit(pane.kind_combo.currentIndex())
    pane.caption_edit.setText("2023 年执法台账")
    pane.caption_edit.editingFinished.emit()
    qtbot.waitUntil(window.session.worker.is_idle)
    with WorkFile.open(practice_file, readonly=True, lock=False) as wf:
        ev = wf.evidence_list(UNIT, 12)[1]
        assert (ev.kind, ev.caption) == ("表册", "2023 年执法台账")


def test_a_big_file_streams_with_progress_and_can_be_cancelled(qtbot, open_window,
                                                               practice_file: Path,
                                                               tmp_path: Path) -> None:
    window = open_window(practice_file)
    big = tmp_path / "录像.mp4"
    with open(big, "wb") as fh:
        block = bytes(range(256)) * 4096
        for _ in range(24):       # 24 MB: several 1 MB chunks, so progress moves
            fh.write(block)
    seen: list[tuple[int, int]] = []
    job = window.session.add_evidence(UNIT, big, item_no=7, kind="其他", caption="",
                                      on_progress=lambda d, t: seen.append((d, t)))
    qtbot.waitUntil(lambda: not window.session.worker.is_pending(job), timeout=20_000)
    assert seen and seen[-1][0] == seen[-1][1] == 2 * big.stat().st_size
    assert window.session.unit(UNIT).items[7].evidence_count == 1

    # cancelled before it ends: nothing is added, nothing half-written stays
    window.ingest.add_paths([big.with_name("录像.mp4")], UNIT, 8)
    window.ingest.cancel()
    qtbot.waitUntil(window.session.worker.is_idle, timeout=20_000)
    assert window.session.unit(UNIT).items[8].evidence_count == 0
    with WorkFile.open(practice_file, readonly=True, lock=False) as wf:
        assert wf.evidence_list(UNIT, 8) == []


def test_thumbnails_decode_a_camera_photo_at_reduced_scale(tmp_path: Path, monkeypatch) -> None:
    from zhashui_inspector.ui import image_reading

    asked: list[tuple[int, int]] = []

    class SpyReader(image_reading.QImageReader):  # type: ignore[misc]
        def setScaledSize(self, size):  # type: ignore[no-untyped-def]  # noqa: N802
            asked.append((size.width(), size.height()))
            super().setScaledSize(size)

    monkeypatch.setattr(image_reading, "QImageReader", SpyReader)
    photo = camera_jpeg(tmp_path / "photo.jpg", (4000, 3000))   # 12 megapixels
    for source in (photo.read_bytes(), photo):                  # from the worker, or the file
        thumb = decode_thumbnail(source)
        assert max(thumb.width(), thumb.height()) == THUMB_PIXELS
        assert thumb.height() > thumb.width()      # upright: EXIF applied to the small image
        mark = QColor(thumb.pixel(thumb.width() - 5, 5))   # the top-left mark, turned right
        assert mark.red() > 150 and mark.blue() < 120
    # the reader was asked for the small size (libjpeg then decodes at 1/8 scale)
    assert asked == [(THUMB_PIXELS, 144)] * 2


def test_a_thumbnail_refuses_a_bomb_and_a_damaged_file(tmp_path: Path) -> None:
    from reliability_workshop import bomb_png

    with pytest.raises(ValueError, match="refused"):
        decode_thumbnail(bomb_png(20_000, 20_000))            # 400 megapixels, a few KB
    with pytest.raises(ValueError):
        decode_thumbnail(b"\xff\xd8\xff\xe0 not really a JPEG")
    small = tmp_path / "小.png"
    Image.new("RGB", (40, 30), "red").save(small)
    image = decode_thumbnail(small)               # smaller than a thumbnail: kept as it is
    assert (image.width(), image.height()) == (40, 30)


def test_other_types_open_with_the_system_viewer(qtbot, open_window, practice_file: Path,
                                                 tmp_path: Path, monkeypatch) -> None:
    from zhashui_inspector.ui import qt

    window = open_window(practice_file)
    pane = window.evidence
    window.checklist.go_to(20)
    sheet = tmp_path / "调解台账.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not really a workbook, but the viewer never looks inside")
    window.ingest.add_paths([sheet], UNIT, 20)
    qtbot.waitUntil(lambda: pane.item_model.rowCount() == 1, timeout=10_000)
    assert pane.item_model.items[0].kind == "表册"
    pane.select_evidence(pane.item_model.items[0].id)
    other = pane.preview("other")
    assert pane.stack.currentWidget() is other
    opened: list[str] = []
    monkeypatch.setattr(qt.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    other.open_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    exported = Path(opened[0])
    assert exported.name == "调解台账.xlsx"          # a temp copy, named as it was added
    assert exported.read_bytes() == sheet.read_bytes()


def test_a_forged_evidence_name_cannot_escape_the_export_folder(
        qtbot, open_window, practice_file: Path, tmp_path: Path, monkeypatch) -> None:
    import sqlite3

    from zhashui_inspector.core.workfile import WorkFile
    from zhashui_inspector.ui import qt

    sheet = tmp_path / "台账.xlsx"
    sheet.write_bytes(b"PK\x03\x04 forged name test")
    with WorkFile.open(practice_file) as wf:
        wf.add_evidence(UNIT, sheet, item_no=20, kind="表册")
    conn = sqlite3.connect(practice_file)  # a forged file: the name is a path
    conn.execute("UPDATE evidence SET name = '../../逃逸.xlsx'")
    conn.commit()
    conn.close()
    window = open_window(practice_file)
    pane = window.evidence
    window.checklist.go_to(20)
    qtbot.waitUntil(lambda: pane.item_model.rowCount() == 1, timeout=10_000)
    pane.select_evidence(pane.item_model.items[0].id)
    opened: list[str] = []
    monkeypatch.setattr(qt.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    pane.preview("other").open_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    exported = Path(opened[0])
    assert exported.name == "逃逸.xlsx"
    assert exported.parent.parent == pane._export_dir   # <export dir>/<evidence id>/name


def test_the_selected_photo_is_shown_once_the_checklist_has_been_painted(
        qtbot, open_window, practice_file: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """At start-up the first item's photo is selected; its viewer and its thumbnail wait
    for the checklist's first paint (ui/first_paint.py), then come on their own."""
    from zhashui_inspector.ui.qt import QEvent, QObject

    photo = camera_jpeg(tmp_path / "现场.jpg", (800, 600), orientation=1)
    with WorkFile.open(practice_file) as wf:
        wf.add_evidence(UNIT, photo, item_no=1, kind="图片")

    class PaintOrder(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.viewers_at_first_paint: int | None = None
            self.thumbnails_held = False
            self.window = None

        def eventFilter(self, watched, event):  # type: ignore[no-untyped-def]  # noqa: N802
            if (event.type() == QEvent.Type.Paint and self.window is not None
                    and watched is self.window.checklist.view.viewport()
                    and self.viewers_at_first_paint is None):
                self.viewers_at_first_paint = len(self.window.evidence._previews)
                self.thumbnails_held = self.window.thumbnails._held is not None
            return False

    order = PaintOrder()
    app = QApplication.instance()
    app.installEventFilter(order)
    try:
        from zhashui_inspector.ui import main_window

        real = main_window.MainWindow._build_workspace

        def spy(self):  # type: ignore[no-untyped-def]
            real(self)
            order.window = self
            assert self.evidence.selected is not None   # the photo of item 1, selected
            assert self.evidence.stack.currentWidget() is self.evidence.empty  # “正在载入…”

        main_window.MainWindow._build_workspace = spy  # type: ignore[method-assign]
        try:
            window = open_window(practice_file)
        finally:
            main_window.MainWindow._build_workspace = real  # type: ignore[method-assign]
        pane = window.evidence
        qtbot.waitUntil(lambda: order.viewers_at_first_paint is not None, timeout=5000)
        assert order.viewers_at_first_paint == 0   # no viewer built before the first paint
        assert order.thumbnails_held               # nor any thumbnail decoded
        qtbot.waitUntil(lambda: pane.stack.currentWidget() is pane._previews.get("image"),
                        timeout=10_000)
        ev = pane.selected
        qtbot.waitUntil(lambda: window.thumbnails.has(ev.sha256), timeout=10_000)
    finally:
        app.removeEventFilter(order)


def test_the_thumbnail_thread_yields_the_cores_to_the_window() -> None:
    """Qt's thread priorities do nothing on Linux; the decoding thread raises its own nice
    value there (once), and the window's thread keeps its own."""
    import os
    import sys
    import threading

    from zhashui_inspector.ui.thread_priority import BACKGROUND_NICE, lower_this_thread

    def nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) \
            if hasattr(os, "getpriority") else 0

    mine = nice()
    seen: list[int] = []

    def background() -> None:
        start = nice()
        lower_this_thread()
        lower_this_thread()                      # once per thread, not once per call
        seen.extend([start, nice()])

    thread = threading.Thread(target=background)
    thread.start()
    thread.join()
    expected = BACKGROUND_NICE if sys.platform.startswith("linux") else 0
    assert seen[1] - seen[0] == expected
    assert nice() == mine
