"""The unit switcher: every unit in scope with its progress and sign-off state."""

from __future__ import annotations

from functools import cache
from typing import Any

from zhashui_inspector.ui.actions import SPECS, Act
from zhashui_inspector.ui.cache import Change, ChangeKind
from zhashui_inspector.ui.icons import ACCENT, RATING_COLOURS
from zhashui_inspector.ui.progress import done_count
from zhashui_inspector.ui.qt import (
    QAbstractListModel,
    QColor,
    QComboBox,
    QIcon,
    QModelIndex,
    QObject,
    QPainter,
    QPen,
    QPersistentModelIndex,
    QPixmap,
    QPointF,
    QPolygonF,
    QRectF,
    Qt,
    QWidget,
    Signal,
)
from zhashui_inspector.ui.session import Session

UnitNameRole = Qt.ItemDataRole.UserRole + 21
ProgressRole = Qt.ItemDataRole.UserRole + 22   # (done, total)
SignedRole = Qt.ItemDataRole.UserRole + 23
AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invisible root, as a default argument


@cache
def progress_icon(done: int, total: int, signed: bool, size: int = 16) -> QIcon:
    """A ring filled as far as the unit is done; a check mark once signed off."""
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(2, 2, size - 4, size - 4)
        if signed:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(RATING_COLOURS["达标"]))
            painter.drawEllipse(rect)
            painter.setPen(QPen(QColor("white"), 1.8))
            c = rect.center()
            painter.drawPolyline(QPolygonF([QPointF(c.x() - 3.5, c.y()),
                                            QPointF(c.x() - 1, c.y() + 2.5),
                                            QPointF(c.x() + 3.5, c.y() - 2.5)]))
        else:
            painter.setPen(QPen(QColor("#c9d1d9"), 2.2))
            painter.drawEllipse(rect)
            if total and done:
                painter.setPen(QPen(QColor(ACCENT), 2.2))
                painter.drawArc(rect, 90 * 16, -int(360 * 16 * done / total))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class UnitListModel(QAbstractListModel):
    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.units: list[str] = list(session.units)

    def rowCount(self, parent: AnyIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.units)

    def progress(self, unit: str) -> tuple[int, int]:
        """(done, total), counted as the standards tree and the sign-off dialog count."""
        items = self.session.unit(unit).items
        return done_count(items.values(), unit_mode=self.session.role == "unit"), len(items)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.units):
            return None
        unit = self.units[index.row()]
        cache = self.session.unit(unit)
        done, total = self.progress(unit)
        if role == Qt.ItemDataRole.DisplayRole:
            state = "　已签字" if cache.signed else ""
            return f"{unit}　{done}/{total}{state}"
        if role == Qt.ItemDataRole.DecorationRole:
            return progress_icon(done, total, cache.signed)
        if role == UnitNameRole:
            return unit
        if role == ProgressRole:
            return (done, total)
        if role == SignedRole:
            return cache.signed
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            what = "已提供材料或说明" if self.session.role == "unit" else "已评定"
            signed = "，已签字确认（只读）" if cache.signed else "，未签字"
            return f"{unit}：{what} {done} / {total} 项{signed}"
        return None

    def unit_changed(self, unit: str | None) -> None:
        rows = range(len(self.units)) if unit is None else [self.units.index(unit)] \
            if unit in self.units else []
        for row in rows:
            index = self.index(row)
            self.dataChanged.emit(index, index)


class UnitSwitcher(QComboBox):
    unit_selected = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unitSwitcher")
        self.setAccessibleName(self.tr("当前单位"))
        # the keys that do switch units, from the registry that binds them
        self.setToolTip(self.tr("切换被评估单位（上一个 {0}，下一个 {1}）").format(
            "、".join(SPECS[Act.PREV_UNIT].shortcuts), "、".join(SPECS[Act.NEXT_UNIT].shortcuts)))
        self.model_ = UnitListModel(session, self)
        self.setModel(self.model_)
        # Room for the longest entry once, so progress changes never resize the toolbar.
        longest = max((len(self.model_.data(self.model_.index(r)) or "")
                       for r in range(self.model_.rowCount())), default=12)
        self.setMinimumContentsLength(longest + 3)
        self.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setFixedSize(self.sizeHint())
        self.setMaxVisibleItems(16)
        self.currentIndexChanged.connect(self._index_changed)
        session.changed.connect(self._on_change)

    def current_unit(self) -> str | None:
        row = self.currentIndex()
        return self.model_.units[row] if 0 <= row < len(self.model_.units) else None

    def select_unit(self, unit: str) -> None:
        if unit in self.model_.units:
            self.setCurrentIndex(self.model_.units.index(unit))

    def _index_changed(self, row: int) -> None:
        unit = self.current_unit()
        if unit is not None:
            self.unit_selected.emit(unit)

    def _on_change(self, change: Change) -> None:
        if change.kind in (ChangeKind.ITEMS, ChangeKind.SIGNOFF, ChangeKind.EVIDENCE):
            self.model_.unit_changed(change.unit)
