"""The current unit's items under the selected node, as a list model read from the cache."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.records import ItemState
from zhashui_inspector.ui.qt import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

ItemNoRole = Qt.ItemDataRole.UserRole + 11
StateRole = Qt.ItemDataRole.UserRole + 12
LinkedStateRole = Qt.ItemDataRole.UserRole + 13   # the unit's own self-check entry
TextRole = Qt.ItemDataRole.UserRole + 14

AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invisible root, as a default argument
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
HANDLED_ROLES = frozenset({DISPLAY, TOOLTIP, ACCESSIBLE, int(ItemNoRole), int(StateRole),
                           int(LinkedStateRole), int(TextRole)})


def describe_state(state: ItemState | None) -> str:
    """The item's state in words, for screen readers and tooltips."""
    if state is None:
        return "未评"
    parts = [state.rating or "未评"]
    if state.methods:
        parts.append("核查方式：" + "、".join(state.methods))
    if state.needs_reason:
        parts.append("不适用理由未填写")
    elif state.reason:
        parts.append(f"不适用理由：{state.reason}")
    if state.comment:
        parts.append(f"备注：{state.comment}")
    parts.append(f"佐证材料 {state.evidence_count} 件")
    return "，".join(parts)


class ChecklistModel(QAbstractListModel):
    def __init__(self, catalogue: Catalogue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.item_nos: list[int] = []
        self.states: dict[int, ItemState] = {}
        self.linked: dict[int, ItemState] | None = None
        self._rows: dict[int, int] = {}

    def set_scope(self, item_nos: Iterable[int]) -> None:
        self.beginResetModel()
        self.item_nos = list(item_nos)
        self._rows = {no: row for row, no in enumerate(self.item_nos)}
        self.endResetModel()

    def set_states(self, states: dict[int, ItemState],
                   linked: dict[int, ItemState] | None = None) -> None:
        self.states = states
        self.linked = linked
        if self.item_nos:
            self.dataChanged.emit(self.index(0), self.index(len(self.item_nos) - 1))

    def items_changed(self, item_nos: Iterable[int]) -> None:
        for no in item_nos:
            row = self._rows.get(no)
            if row is not None:
                index = self.index(row)
                self.dataChanged.emit(index, index)

    def row_of(self, item_no: int) -> int | None:
        return self._rows.get(item_no)

    def rowCount(self, parent: AnyIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.item_nos)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        role = int(role)
        if role not in HANDLED_ROLES or not 0 <= index.row() < len(self.item_nos):
            return None
        no = self.item_nos[index.row()]
        state = self.states.get(no)
        if role == DISPLAY:
            return f"{no}. {self.catalogue.item(no).text}"
        if role == ItemNoRole:
            return no
        if role == TextRole:
            return self.catalogue.item(no).text
        if role == StateRole:
            return state
        if role == LinkedStateRole:
            return None if self.linked is None else self.linked.get(no)
        if role == ACCESSIBLE:
            return f"第 {no} 项，{describe_state(state)}：{self.catalogue.item(no).text}"
        if role == TOOLTIP:
            return describe_state(state)
        return None
