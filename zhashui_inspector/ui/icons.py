"""The application icon and the small colour marks drawn for ratings."""

from __future__ import annotations

from functools import cache

from zhashui_inspector.paths import resource_path
from zhashui_inspector.ui.qt import QColor, QIcon, QPainter, QPen, QPixmap, QRectF, Qt

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)

# One colour per rating, readable on white and distinct for the common colour blindnesses
# (the rating's name is always shown too, colour is never the only cue).
RATING_COLOURS = {
    "达标": "#2e7d32",
    "基本达标": "#c77c02",
    "未达标": "#c62828",
    "不适用": "#607d8b",
}
UNRATED_COLOUR = "#9aa5b1"
ACCENT = "#1f5fa8"


def rating_colour(rating: str | None) -> QColor:
    return QColor(RATING_COLOURS.get(rating or "", UNRATED_COLOUR))


@cache
def app_icon() -> QIcon:
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", f"zhashui-inspector-{size}.png")
        if path.is_file():
            icon.addFile(str(path))
    return icon


@cache
def rating_dot(rating: str | None, size: int = 12) -> QIcon:
    """A filled dot for a rating, a hollow ring for 未评; drawn at 1x and 2x for high DPI."""
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = rating_colour(rating)
        rect = QRectF(1.5, 1.5, size - 3, size - 3)
        if rating is None:
            painter.setPen(QPen(colour, 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
        painter.drawEllipse(rect)
        painter.end()
        icon.addPixmap(pixmap)
    return icon
