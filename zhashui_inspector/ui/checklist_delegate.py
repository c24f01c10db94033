"""How one checklist item is drawn: a card with the number, the full text, the rating
control, the methods, the notes and the evidence count. Clicks on the painted controls
become signals; the pane turns them into undoable edits."""

from __future__ import annotations

from dataclasses import dataclass, field

from zhashui_inspector.core.policy import NOT_APPLICABLE
from zhashui_inspector.core.records import ItemState
from zhashui_inspector.core.text import clip
from zhashui_inspector.ui.checklist_model import ItemNoRole, LinkedStateRole, StateRole, TextRole
from zhashui_inspector.ui.icons import ACCENT, UNRATED_COLOUR, rating_colour
from zhashui_inspector.ui.qt import (
    QAbstractItemModel,
    QColor,
    QEvent,
    QFont,
    QFontMetrics,
    QModelIndex,
    QMouseEvent,
    QPainter,
    QPen,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    Qt,
    QWidget,
    Signal,
)

UNIT_NA_LABEL = "本项不适用（不属于本单位职能）"
LINKED_COLOUR = "#00796b"
WARNING_COLOUR = "#c62828"
PAD = 10
CONTROL_H = 26
NOTE_LINE_CHARS = 300   # a note is one elided line; more is never seen
MIN_TEXT_SAMPLE = "法治政府建设示范单位创建"   # the narrowest text column: a dozen characters
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass
class CardLayout:
    card: QRect
    badge: QRect
    text: QRect
    evidence: QRect
    ratings: list[tuple[str, QRect]] = field(default_factory=list)
    methods: list[tuple[str, QRect]] = field(default_factory=list)
    notes: list[tuple[str, str, QRect]] = field(default_factory=list)  # text, colour, rect
    bottom: int = 0


class ChecklistDelegate(QStyledItemDelegate):
    rating_clicked = Signal(int, str)     # item number, rating
    method_toggled = Signal(int, str)     # item number, method
    not_applicable_toggled = Signal(int)  # unit mode: item number

    def __init__(self, ratings: tuple[str, ...], methods: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ratings = ratings
        self.methods = methods
        self.unit_mode = False
        self.read_only = False
        self.width_source: QWidget | None = None
        # Laying out 76 cards measures the same strings again and again: keep the answers.
        self._metrics: dict[str, QFontMetrics] = {}
        self._advance: dict[tuple[str, str], int] = {}
        self._text_height: dict[tuple[str, int, int], int] = {}
        self._heights: dict[tuple[str, int, int, bool, int], int] = {}

    def _fm(self, font: QFont) -> tuple[str, QFontMetrics]:
        key = font.key()
        fm = self._metrics.get(key)
        if fm is None:
            fm = self._metrics[key] = QFontMetrics(font)
        return key, fm

    def _width(self, key: str, fm: QFontMetrics, text: str) -> int:
        width = self._advance.get((key, text))
        if width is None:
            width = self._advance[(key, text)] = fm.horizontalAdvance(text)
        return width

    # ---- geometry ---------------------------------------------------------------------

    def minimum_width(self, font: QFont) -> int:
        """The narrowest card (as the width of the view's viewport) that shows the rating
        control (and, in unit mode, the N/A box) whole on one row, and the item's text in a
        column of a dozen characters between the number and the evidence count."""
        key, fm = self._fm(font)
        badge_w = self._width(key, fm, "76") + 18
        ev_w = self._width(key, fm, "材料 99") + 14
        controls = max(sum(self._width(key, fm, rating) + 22 for rating in self.ratings),
                       22 + self._width(key, fm, UNIT_NA_LABEL))
        text = self._width(key, fm, MIN_TEXT_SAMPLE) + 10 + ev_w
        # layout(): the card is inset by 6, its contents by PAD; the text starts after the
        # number's badge and a gap of 10; QRect.right() is one less than left + width
        return 2 * 6 + 2 * PAD + badge_w + 10 + max(controls, text) + 1

    def layout(self, rect: QRect, font: QFont, index: AnyIndex) -> CardLayout:
        key, fm = self._fm(font)
        state: ItemState | None = index.data(StateRole)
        linked: ItemState | None = index.data(LinkedStateRole)
        card = rect.adjusted(6, 3, -6, -3)
        badge = QRect(card.left() + PAD, card.top() + PAD, self._width(key, fm, "76") + 18, 24)
        ev_w = self._width(key, fm, "材料 99") + 14
        evidence = QRect(card.right() - PAD - ev_w, card.top() + PAD, ev_w, 22)
        text_left = badge.right() + 10
        text_width = max(80, evidence.left() - 10 - text_left)
        no = int(index.data(ItemNoRole))
        text_h = self._text_height.get((key, no, text_width))
        if text_h is None:
            if len(self._text_height) > 4000:  # a window resized many times
                self._text_height.clear()
            text_h = fm.boundingRect(QRect(0, 0, text_width, 100_000), int(Qt.TextFlag.TextWordWrap),
                                     index.data(TextRole) or "").height()
            self._text_height[(key, no, text_width)] = text_h
        text = QRect(text_left, card.top() + PAD + 2, text_width, text_h)
        out = CardLayout(card, badge, text, evidence)
        y = max(text.bottom(), badge.bottom()) + 8
        x = text_left
        right_limit = card.right() - PAD
        if self.unit_mode:
            w = 22 + self._width(key, fm, UNIT_NA_LABEL)
            out.methods.append((NOT_APPLICABLE, QRect(x, y, w, CONTROL_H)))
        else:
            for rating in self.ratings:
                w = self._width(key, fm, rating) + 22
                out.ratings.append((rating, QRect(x, y, w, CONTROL_H)))
                x += w
            x += 18
            for method in self.methods:
                w = 22 + self._width(key, fm, method)
                if x + w > right_limit:
                    x, y = text_left, y + CONTROL_H + 4
                out.methods.append((method, QRect(x, y, w, CONTROL_H)))
                x += w + 14
        y += CONTROL_H + 6
        for note, colour in self._notes(state, linked):
            line = QRect(text_left, y, right_limit - text_left, fm.height())
            out.notes.append((fm.elidedText(note, Qt.TextElideMode.ElideRight, line.width()),
                              colour, line))
            y += fm.height() + 2
        out.bottom = y + PAD - 4 + 3
        return out

    def _notes(self, state: ItemState | None, linked: ItemState | None) -> list[tuple[str, str]]:
        notes: list[tuple[str, str]] = []
        if state is not None:
            if state.needs_reason:
                notes.append(("⚠ 不适用须说明理由（在下方“不适用理由”中填写）", WARNING_COLOUR))
            elif state.rating == NOT_APPLICABLE and state.reason:
                notes.append((f"不适用理由：{_line(state.reason)}", "#37474f"))
            if state.comment:
                notes.append((f"备注：{_line(state.comment)}", "#546e7a"))
        if linked is not None and linked.rating == NOT_APPLICABLE:
            reason = _line(linked.reason) or "（未说明理由）"
            notes.append((f"单位自查材料：本单位说明不适用——{reason}", LINKED_COLOUR))
        return notes

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:  # noqa: N802
        width = max(self.width_source.width() if self.width_source is not None else 600, 320)
        notes = self.notes_count(index)
        key = (option.font.key(), index.data(ItemNoRole), width, self.unit_mode, notes)
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) > 4000:
                self._heights.clear()
            height = self._heights[key] = self.layout(QRect(0, 0, width, 10), option.font,
                                                      index).bottom
        return QSize(width, height)

    def notes_count(self, index: AnyIndex) -> int:
        """The lines of notes under the card: the only part of its height that a change of
        the item's data changes (a rating or an evidence count never does)."""
        return len(self._notes(index.data(StateRole), index.data(LinkedStateRole)))

    # ---- painting ---------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        lay = self.layout(option.rect, option.font, index)
        state: ItemState | None = index.data(StateRole)
        rating = state.rating if state else None
        current = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        accent = QColor(ACCENT)
        if current:
            painter.setPen(QPen(accent, 2))
            painter.setBrush(QColor("#eaf2fc"))
        else:
            painter.setPen(QPen(QColor("#d5dbe1"), 1))
            painter.setBrush(palette.base())
        painter.drawRoundedRect(QRectF(lay.card).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        if current:
            painter.fillRect(QRect(lay.card.left() + 1, lay.card.top() + 6, 4,
                                   lay.card.height() - 12), accent)

        # the number, coloured by rating
        badge_colour = rating_colour(rating)
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        if rating is None:
            painter.setPen(QPen(QColor(UNRATED_COLOUR), 1.2))
            painter.setBrush(palette.base())
            painter.drawRoundedRect(QRectF(lay.badge), 5, 5)
            painter.setPen(palette.text().color())
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(badge_colour)
            painter.drawRoundedRect(QRectF(lay.badge), 5, 5)
            painter.setPen(QColor("white"))
        painter.drawText(lay.badge, int(Qt.AlignmentFlag.AlignCenter), str(index.data(ItemNoRole)))
        painter.setFont(option.font)

        painter.setPen(palette.text().color())
        painter.drawText(lay.text, int(Qt.TextFlag.TextWordWrap), index.data(TextRole) or "")

        count = state.evidence_count if state else 0
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#e3ecf7") if count else QColor("#f1f3f5"))
        painter.drawRoundedRect(QRectF(lay.evidence), 11, 11)
        painter.setPen(QColor(ACCENT) if count else QColor("#8a949e"))
        painter.drawText(lay.evidence, int(Qt.AlignmentFlag.AlignCenter),
                         f"材料 {count}" if count else "无材料")

        self._paint_ratings(painter, lay, rating, option)
        self._paint_methods(painter, lay, state, option)
        for text, colour, rect in lay.notes:
            painter.setPen(QColor(colour))
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             text)
        painter.restore()

    def _paint_ratings(self, painter: QPainter, lay: CardLayout, rating: str | None,
                       option: QStyleOptionViewItem) -> None:
        if not lay.ratings:
            return
        first, last = lay.ratings[0][1], lay.ratings[-1][1]
        whole = QRectF(first.left(), first.top(), last.right() - first.left() + 1, first.height())
        disabled = self.read_only
        painter.setPen(QPen(QColor("#b8c1ca"), 1))
        painter.setBrush(option.palette.base())
        painter.drawRoundedRect(whole.adjusted(0.5, 0.5, -0.5, -0.5), 5, 5)
        for pos, (name, rect) in enumerate(lay.ratings):
            chosen = name == rating
            if chosen:
                colour = rating_colour(name)
                if disabled:
                    colour = colour.lighter(140)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawRoundedRect(QRectF(rect).adjusted(1.5, 1.5, -1.5, -1.5), 4, 4)
                painter.setPen(QColor("white"))
            else:
                painter.setPen(QColor("#9aa5b1") if disabled else QColor("#37474f"))
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), name)
            if pos and not chosen and lay.ratings[pos - 1][0] != rating:
                painter.setPen(QPen(QColor("#d5dbe1"), 1))
                painter.drawLine(rect.left(), rect.top() + 5, rect.left(), rect.bottom() - 5)

    def _paint_methods(self, painter: QPainter, lay: CardLayout, state: ItemState | None,
                       option: QStyleOptionViewItem) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else None
        for name, rect in lay.methods:
            if name == NOT_APPLICABLE:
                checked = state is not None and state.rating == NOT_APPLICABLE
                label = UNIT_NA_LABEL
            else:
                checked = state is not None and name in state.methods
                label = name
            box = QStyleOptionButton()
            box.rect = QRect(rect.left(), rect.center().y() - 8, 16, 16)
            box.state = QStyle.StateFlag.State_On if checked else QStyle.StateFlag.State_Off
            if not self.read_only:
                box.state |= QStyle.StateFlag.State_Enabled
            box.palette = option.palette
            if style is not None:
                style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorCheckBox, box, painter,
                                    widget)
            painter.setPen(QColor("#9aa5b1") if self.read_only else option.palette.text().color())
            painter.drawText(rect.adjusted(22, 0, 0, 0),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), label)

    # ---- clicks on the painted controls -------------------------------------------------

    def editorEvent(self, event: QEvent, model: QAbstractItemModel,  # noqa: N802
                    option: QStyleOptionViewItem, index: AnyIndex) -> bool:
        if self.read_only or event.type() != QEvent.Type.MouseButtonRelease:
            return False
        if not isinstance(event, QMouseEvent) or event.button() != Qt.MouseButton.LeftButton:
            return False
        pos = event.position().toPoint()
        lay = self.layout(option.rect, option.font, index)
        no = int(index.data(ItemNoRole))
        for name, rect in lay.ratings:
            if rect.contains(pos):
                self.rating_clicked.emit(no, name)
                return True
        for name, rect in lay.methods:
            if rect.contains(pos):
                if name == NOT_APPLICABLE:
                    self.not_applicable_toggled.emit(no)
                else:
                    self.method_toggled.emit(no, name)
                return True
        return False


def _line(text: str) -> str:
    """The start of a note as one line: a card shows a line of it, elided (measuring a
    whole 10 MB comment on every paint would stall the list)."""
    return " ".join(clip(text, NOTE_LINE_CHARS).split())
