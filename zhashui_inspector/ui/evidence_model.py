"""A list of evidence records (one item's, the unit's, or the unit's own self-check files)."""

from __future__ import annotations

from typing import Any

from zhashui_inspector.core.records import Evidence
from zhashui_inspector.core.text import clip
from zhashui_inspector.ui.plain_text import LABEL_CHARS, tooltip
from zhashui_inspector.ui.qt import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from zhashui_inspector.ui.thumbnails import ThumbnailCache

EvidenceRole = Qt.ItemDataRole.UserRole + 31
AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invisible root, as a default argument


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("字节", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "字节" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} 字节"


class EvidenceListModel(QAbstractListModel):
    def __init__(self, thumbnails: ThumbnailCache, *, linked: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self.linked = linked
        self.items: list[Evidence] = []
        thumbnails.ready.connect(self._thumbnail_ready)

    def set_items(self, items: list[Evidence]) -> None:
        """Show `items`; files added at the end or one taken out do not reset the view."""
        items = list(items)
        old = self.items
        if items == old:
            return
        if len(items) > len(old) and items[:len(old)] == old:
            self.beginInsertRows(ROOT, len(old), len(items) - 1)
            self.items = items
            self.endInsertRows()
        elif len(items) == len(old) - 1 and all(e in old for e in items):
            gone = next(row for row, e in enumerate(old) if e not in items)
            self.beginRemoveRows(ROOT, gone, gone)
            self.items = items
            self.endRemoveRows()
        else:
            self.beginResetModel()
            self.items = items
            self.endResetModel()

    def evidence(self, index: AnyIndex) -> Evidence | None:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        return self.items[index.row()]

    def row_of(self, evidence_id: int) -> int | None:
        for row, ev in enumerate(self.items):
            if ev.id == evidence_id:
                return row
        return None

    def rowCount(self, parent: AnyIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.items)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        ev = self.evidence(index)
        if ev is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:   # a unit's file may hold any length
            return clip(ev.caption or ev.name, LABEL_CHARS)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbnails.icon_for(ev, linked=self.linked)
        if role == EvidenceRole:
            return ev
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            source = "单位自查材料，" if self.linked else ""
            caption = f"{clip(ev.caption, LABEL_CHARS)}\n" if ev.caption else ""
            text = (f"{source}{caption}{clip(ev.name, LABEL_CHARS)}\n{ev.kind} · "
                    f"{human_size(ev.size)} · 添加于 {ev.added_at[:16].replace('T', ' ')}")
            return tooltip(text) if role == Qt.ItemDataRole.ToolTipRole else text
        return None

    def _thumbnail_ready(self, sha256: str) -> None:
        for row, ev in enumerate(self.items):
            if ev.sha256 == sha256:
                index = self.index(row)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
