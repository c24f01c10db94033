"""The standards as a tree model (areas → sub-areas → items) with the current unit's progress,
and the proxy that filters it by text, item numbers and quick filters."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.records import ItemState
from zhashui_inspector.ui.icons import UNRATED_COLOUR, rating_colour, rating_dot
from zhashui_inspector.ui.qt import (
    QAbstractItemModel,
    QColor,
    QModelIndex,
    QObject,
    QPainter,
    QPersistentModelIndex,
    QPixmap,
    QRectF,
    Qt,
)

NOT_APPLICABLE = "不适用"
NodeRole = Qt.ItemDataRole.UserRole + 1
ItemNosRole = Qt.ItemDataRole.UserRole + 2
CountsRole = Qt.ItemDataRole.UserRole + 3   # Counter of ratings (None = 未评) under a node
KindRole = Qt.ItemDataRole.UserRole + 4

AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invisible root, as a default argument

# Roles as plain ints: views ask data() thousands of times per repaint.
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
DECORATION = int(Qt.ItemDataRole.DecorationRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
ITEM_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
NO_FLAGS = Qt.ItemFlag.NoItemFlags
BAR_WIDTH, BAR_HEIGHT = 34, 7
HANDLED_ROLES = frozenset({DISPLAY, DECORATION, TOOLTIP, ACCESSIBLE, FOREGROUND, ALIGNMENT,
                           int(NodeRole), int(ItemNosRole), int(CountsRole), int(KindRole)})


class NodeKind(enum.Enum):
    ALL = "all"
    AREA = "area"
    SUBAREA = "subarea"
    ITEM = "item"


@dataclass(eq=False)
class Node:
    kind: NodeKind
    no: int
    label: str
    search_text: str
    item_nos: tuple[int, ...]
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    row: int = 0
    tooltip: str = ""


def build_nodes(catalogue: Catalogue) -> list[Node]:
    """The top rows: 全部指标, then the nine areas with their sub-areas and items."""
    all_nos = tuple(i.no for i in catalogue.items())
    top = [Node(NodeKind.ALL, 0, f"全部指标（{len(all_nos)} 项）", "", all_nos)]
    for area in catalogue.areas:
        area_node = Node(NodeKind.AREA, area.no, f"{area.numeral}、{area.title}", area.title,
                         tuple(i.no for i in area.items), row=len(top),
                         tooltip=f"{area.numeral}、{area.title}")
        for sub in area.subareas:
            sub_node = Node(NodeKind.SUBAREA, sub.no, f"{sub.no}. {sub.display_title}",
                            sub.title or "", tuple(i.no for i in sub.items), parent=area_node,
                            row=len(area_node.children),
                            tooltip=sub.display_title + (f"\n{sub.note}" if sub.note else ""))
            for item in sub.items:
                sub_node.children.append(Node(
                    NodeKind.ITEM, item.no, f"{item.no}. {item.text}", item.text, (item.no,),
                    parent=sub_node, row=len(sub_node.children),
                    tooltip=f"第 {item.no} 项：{item.text}"))
            area_node.children.append(sub_node)
        top.append(area_node)
    return top


BAR_ORDER: tuple[str | None, ...] = ("达标", "基本达标", "未达标", NOT_APPLICABLE, None)


@cache
def progress_bar(shares: tuple[int, ...]) -> QPixmap:
    """A small bar split by rating colours (then grey for 未评), drawn at 2x for high DPI.

    A pixmap, not a painting delegate: the view draws it natively, which keeps repainting
    the tree cheap.
    """
    pixmap = QPixmap(BAR_WIDTH * 2, BAR_HEIGHT * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    total = sum(shares)
    painter = QPainter(pixmap)
    painter.fillRect(QRectF(0, 1, BAR_WIDTH, BAR_HEIGHT - 2), QColor(UNRATED_COLOUR).lighter(150))
    x = 0.0
    for rating, count in zip(BAR_ORDER[:-1], shares, strict=False):
        width = BAR_WIDTH * count / total if total else 0.0
        if width > 0:
            painter.fillRect(QRectF(x, 1, width, BAR_HEIGHT - 2), rating_colour(rating))
        x += width
    painter.end()
    return pixmap


def progress_text(counts: Counter[str | None], *, unit_mode: bool) -> str:
    """'rated / applicable' for inspectors; for units, items with evidence or explained."""
    total = sum(counts.values())
    na = counts.get(NOT_APPLICABLE, 0)
    applicable = total - na
    if unit_mode:
        return f"{counts.get('有材料', 0)}/{applicable}"
    rated = total - counts.get(None, 0) - na
    return f"{rated}/{applicable}"


class StandardsTreeModel(QAbstractItemModel):
    """Two columns: the node (number and title, colour mark) and its progress."""

    COLUMNS = 2

    def __init__(self, catalogue: Catalogue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.top = build_nodes(catalogue)
        self.item_nodes = {item.no: item for area in self.top for sub in area.children
                           for item in sub.children}
        self.states: dict[int, ItemState] = {}
        self.unit_mode = False
        self._counts: dict[int, Counter[str | None]] = {}   # by id(node), until data changes

    # ---- the unit shown -------------------------------------------------------------

    def set_states(self, states: dict[int, ItemState], *, unit_mode: bool = False) -> None:
        self.states = states
        self.unit_mode = unit_mode
        self._counts.clear()
        self._all_changed()

    def items_changed(self, item_nos: Iterable[int]) -> None:
        """Some items changed: they, their sub-area, area and 全部指标 show new values."""
        changed: dict[int, Node] = {}
        for no in item_nos:
            node: Node | None = self.item_nodes.get(no)
            while node is not None:
                changed[id(node)] = node
                node = node.parent
        if not changed:
            return
        changed[id(self.top[0])] = self.top[0]
        self._counts.clear()
        for node in changed.values():
            self.dataChanged.emit(self.createIndex(node.row, 0, node),
                                  self.createIndex(node.row, self.COLUMNS - 1, node))

    def _all_changed(self) -> None:
        """One signal per group of siblings: 41 signals for 117 rows."""
        self._siblings_changed(self.top)

    def _siblings_changed(self, nodes: list[Node]) -> None:
        if not nodes:
            return
        first, last = nodes[0], nodes[-1]
        self.dataChanged.emit(self.createIndex(first.row, 0, first),
                              self.createIndex(last.row, self.COLUMNS - 1, last))
        for node in nodes:
            self._siblings_changed(node.children)

    def counts(self, node: Node) -> Counter[str | None]:
        cached = self._counts.get(id(node))
        if cached is not None:
            return cached
        counts: Counter[str | None] = Counter()
        for no in node.item_nos:
            state = self.states.get(no)
            counts[state.rating if state else None] += 1
            if self.unit_mode and state is not None and state.rating != NOT_APPLICABLE \
                    and state.evidence_count:
                counts["有材料"] += 1
        self._counts[id(node)] = counts
        return counts

    # ---- QAbstractItemModel ----------------------------------------------------------

    def node(self, index: AnyIndex) -> Node | None:
        if not index.isValid():
            return None
        node = index.internalPointer()
        return node if isinstance(node, Node) else None

    def index(self, row: int, column: int, parent: AnyIndex = ROOT) -> QModelIndex:
        if parent.isValid():
            if parent.column() != 0:
                return QModelIndex()
            siblings = parent.internalPointer().children
        else:
            siblings = self.top
        if 0 <= row < len(siblings) and 0 <= column < self.COLUMNS:
            return self.createIndex(row, column, siblings[row])
        return QModelIndex()

    def parent(self, index: AnyIndex = ROOT) -> QModelIndex:  # type: ignore[override]
        node = self.node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def rowCount(self, parent: AnyIndex = ROOT) -> int:  # noqa: N802
        if parent.isValid() and parent.column() != 0:
            return 0
        node = self.node(parent)
        return len(self.top) if node is None else len(node.children)

    def columnCount(self, parent: AnyIndex = ROOT) -> int:  # noqa: N802
        return self.COLUMNS

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return ITEM_FLAGS if index.isValid() else NO_FLAGS

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("指标", "进度")[section] if 0 <= section < self.COLUMNS else None
        return None

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        role = int(role)
        if role not in HANDLED_ROLES:
            return None
        node = self.node(index)
        if node is None:
            return None
        column = index.column()
        if role == NodeRole:
            return node
        if role == ItemNosRole:
            return list(node.item_nos)
        if role == KindRole:
            return node.kind.value
        if node.kind is NodeKind.ITEM:
            return self._item_data(node, column, role)
        return self._group_data(node, column, role)

    def _item_data(self, node: Node, column: int, role: int) -> Any:
        state = self.states.get(node.no)
        rating = state.rating if state else None
        if role == CountsRole:
            return self.counts(node)
        if column == 0:
            if role == DISPLAY:
                return node.label
            if role == DECORATION:
                return rating_dot(rating)
            if role in (TOOLTIP, ACCESSIBLE):
                return f"{node.tooltip}\n{self._state_text(state)}"
        else:
            if role == DISPLAY:
                if self.unit_mode:
                    return "不适用" if rating == NOT_APPLICABLE else (
                        f"{state.evidence_count} 件" if state and state.evidence_count else "—")
                return rating or "未评"
            if role == FOREGROUND:
                return rating_colour(rating)
            if role == ALIGNMENT:
                return RIGHT_ALIGNED
        return None

    def _group_data(self, node: Node, column: int, role: int) -> Any:
        if role == CountsRole:
            return self.counts(node)
        if column == 0:
            if role == DISPLAY:
                return node.label
            if role == TOOLTIP:
                return f"{node.tooltip or node.label}\n{self._counts_text(self.counts(node))}"
            if role == ACCESSIBLE:
                return f"{node.label}，{self._counts_text(self.counts(node))}"
        else:
            if role == DISPLAY:
                return progress_text(self.counts(node), unit_mode=self.unit_mode)
            if role == DECORATION:
                counts = self.counts(node)
                return progress_bar(tuple(counts.get(r, 0) for r in BAR_ORDER))
            if role == ALIGNMENT:
                return RIGHT_ALIGNED
            if role == TOOLTIP:
                return self._counts_text(self.counts(node))
        return None

    def _state_text(self, state: ItemState | None) -> str:
        if state is None or state.rating is None:
            text = "未评"
        else:
            text = state.rating
        if state is not None and state.evidence_count:
            text += f"，佐证材料 {state.evidence_count} 件"
        return text

    def _counts_text(self, counts: Counter[str | None]) -> str:
        if self.unit_mode:
            return (f"有材料 {counts.get('有材料', 0)} 项，不适用 {counts.get(NOT_APPLICABLE, 0)} 项")
        parts = [f"{r} {counts[r]}" for r in self.catalogue.ratings if counts.get(r)]
        if counts.get(None):
            parts.append(f"未评 {counts[None]}")
        return "，".join(parts)

    def index_for(self, kind: NodeKind, no: int) -> QModelIndex:
        def walk(nodes: list[Node]) -> Node | None:
            for node in nodes:
                if node.kind is kind and node.no == no:
                    return node
                found = walk(node.children)
                if found is not None:
                    return found
            return None

        node = walk(self.top)
        return QModelIndex() if node is None else self.createIndex(node.row, 0, node)
