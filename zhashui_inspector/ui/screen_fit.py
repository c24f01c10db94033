"""Windows open at a size that fits the screen they open on.

Each window has a preferred size (what suits a 1920×1080 office PC); on a smaller screen,
such as a 1366×768 laptop with its taskbar, it takes what the screen leaves instead. A
geometry restored from the settings is kept, but never beyond the usable part of the
screen (a layout saved on a larger monitor would hide the window's edges).
"""

from __future__ import annotations

from zhashui_inspector.ui.qt import QByteArray, QGuiApplication, QRect, QSize, QWidget

# Title bar and borders a window system adds around the window's own area (Windows 10/11
# at 100 %); before a window is first shown Qt cannot tell their real size.
FRAME_ALLOWANCE = QSize(16, 39)


def available_area(widget: QWidget) -> QRect:
    """The part of the widget's screen that windows may use (without taskbar or dock)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def _frame(widget: QWidget) -> QSize:
    """What the window system adds around the widget: measured once shown, else assumed."""
    extra = widget.frameGeometry().size() - widget.geometry().size()
    if widget.isVisible() and (extra.width() > 0 or extra.height() > 0):
        return extra
    return FRAME_ALLOWANCE


def fitted_size(preferred: QSize, area: QSize, frame: QSize = FRAME_ALLOWANCE) -> QSize:
    """`preferred`, made no larger than what `area` leaves once the frame is added."""
    return preferred.boundedTo(QSize(max(1, area.width() - frame.width()),
                                     max(1, area.height() - frame.height())))


def fit_window(window: QWidget, preferred: QSize, saved: QByteArray | None = None) -> None:
    """Give a top-level window the saved geometry or the preferred size, inside its screen.

    A window that comes back maximised or full screen is left to the window system."""
    restored = saved is not None and window.restoreGeometry(saved)
    if restored and (window.isMaximized() or window.isFullScreen()):
        return
    area = available_area(window)
    frame = _frame(window)
    size = fitted_size(window.size() if restored else preferred, area.size(), frame)
    window.resize(size.expandedTo(window.minimumSize()).boundedTo(window.maximumSize()))
    width = window.width() + frame.width()
    height = window.height() + frame.height()
    if restored:
        left = min(max(window.x(), area.left()), area.right() + 1 - width)
        top = min(max(window.y(), area.top()), area.bottom() + 1 - height)
    else:   # a new window: centred, where the window system would have let it run off
        left = area.left() + (area.width() - width) // 2
        top = area.top() + (area.height() - height) // 2
    window.move(max(left, area.left()), max(top, area.top()))


def fit_dialog(dialog: QWidget, preferred: QSize) -> None:
    """A dialog's size: the preferred one where it fits (Qt places it over its parent)."""
    screen_of = dialog.parentWidget() or dialog
    dialog.resize(fitted_size(preferred, available_area(screen_of).size(), FRAME_ALLOWANCE))
