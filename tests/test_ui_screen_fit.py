"""Windows open inside the screen they open on: the usual sizes where there is room, no
larger than a 1366×768 laptop leaves, and a saved geometry never beyond the screen."""

from __future__ import annotations

from pathlib import Path

from screens import LAPTOP, OFFICE_PC, on_screen, use_screen

from zhashui_inspector.ui import printing, screen_fit
from zhashui_inspector.ui.actions import Act
from zhashui_inspector.ui.qt import (
    QApplication,
    QMainWindow,
    QPrintPreviewDialog,
    QRect,
    QSize,
    QTimer,
    QWidget,
)
from zhashui_inspector.ui.settings import save_bytes


def framed(window: QWidget) -> QRect:
    """Where the window and the title bar and borders it will get are on the screen."""
    frame = screen_fit.FRAME_ALLOWANCE
    return QRect(window.pos(), window.size() + frame)


def test_the_window_keeps_its_usual_size_where_the_screen_has_room(
        qtbot, open_window, demo_file: Path) -> None:
    window = open_window(demo_file)   # on an office PC's screen
    assert window.size() == QSize(1440, 900)
    assert OFFICE_PC.contains(framed(window))


def test_on_a_laptop_the_window_and_its_controls_are_all_on_the_screen(
        qtbot, open_window, demo_file: Path, monkeypatch) -> None:
    use_screen(monkeypatch, LAPTOP)
    window = open_window(demo_file)
    assert LAPTOP.contains(framed(window)), window.geometry()
    assert window.width() >= 1300 and window.height() >= 660   # the whole screen, not less
    qtbot.waitUntil(lambda: window.checklist.editor.comment_edit.isVisible(), timeout=5_000)
    evidence = window.evidence
    reachable = {
        "签字确认": window.toolbar.widgetForAction(window.actions[Act.SIGN_OFF]),
        "添加": evidence.add_item_button,
        "粘贴": evidence.paste_button,
        "删除": evidence.remove_button,
        "备注": window.checklist.editor.comment_edit,
        "评定": window.checklist.editor.rating_buttons["未达标"],
        "保存状态": window.commands.save_indicator,
    }
    for name, widget in reachable.items():
        assert widget is not None, name
        assert on_screen(widget, LAPTOP), (name, widget.mapToGlobal(widget.rect().topLeft()),
                                           widget.size(), widget.visibleRegion().boundingRect())


def test_a_geometry_saved_on_a_larger_monitor_comes_back_inside_the_laptop_screen(
        qtbot, ui_settings: Path, open_window, demo_file: Path, monkeypatch) -> None:
    big = QMainWindow()
    big.setGeometry(QRect(200, 150, 1800, 1000))
    save_bytes("main_window/geometry", big.saveGeometry())
    use_screen(monkeypatch, LAPTOP)
    window = open_window(demo_file)
    assert LAPTOP.contains(framed(window)), window.geometry()


def test_the_print_preview_fits_the_screen(qtbot, tmp_path: Path, monkeypatch) -> None:
    from test_ui_printing import make_pdf

    use_screen(monkeypatch, LAPTOP)
    sizes: list[QSize] = []

    def look_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QPrintPreviewDialog)
        sizes.append(dialog.size())
        dialog.reject()

    QTimer.singleShot(300, look_and_close)
    assert printing.print_pdf(None, make_pdf(tmp_path / "checklist.pdf"), "测试")
    assert sizes and sizes[0].width() == 900   # as wide as usual
    assert sizes[0].height() + screen_fit.FRAME_ALLOWANCE.height() <= LAPTOP.height()


def test_the_office_window_fits_the_screen(qtbot, ui_settings: Path, office_dir: Path,
                                           monkeypatch) -> None:
    from zhashui_inspector.ui.office_window import OfficeWindow

    use_screen(monkeypatch, LAPTOP)
    window = OfficeWindow(office_dir)
    qtbot.addWidget(window)
    window.show()
    assert window.width() == 1200
    assert LAPTOP.contains(framed(window)), window.geometry()
    status = window.statusBar()
    assert on_screen(status, LAPTOP)


def test_the_start_page_fits_a_small_screen(qtbot, ui_settings: Path, monkeypatch) -> None:
    from zhashui_inspector.ui.start_page import StartWindow

    small = use_screen(monkeypatch, QRect(0, 0, 1024, 560))
    window = StartWindow(object())
    qtbot.addWidget(window)
    window.show()
    assert window.width() == 980   # the usual width, a lower height
    assert small.contains(framed(window)), window.geometry()
