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
from zhashui_inspector.core.policy import NOT_APPLICABLE
from zhashui_inspector.core.records import ItemState
from zhashui_inspector.ui.icons import (
    ACCENT,
    RATING_COLOURS,
    UNRATED_COLOUR,
    rating_colour,
    rating_dot,
)
from zhashui_inspector.ui.progress import DONE_SHORT, item_done, progress_line
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

NodeRole = Qt.ItemDataRole.UserRole + 1
ItemNosRole = Qt.ItemDataRole.UserRole + 2
CountsRole = Qt.ItemDataRole.UserRole + 3   # Counter of ratings (None = 未评) under a node
ProgressRole = Qt.ItemDataRole.UserRole + 5   # (done, items) under a node, as shown
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
                           int(NodeRole), int(ItemNosRole), int(CountsRole), int(KindRole),
                           int(ProgressRole)})


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


@dataclass(frozen=True)
class Progress:
    """What a node's progress column shows and its tooltip explains."""

    ratings: Counter[str | None]   # None = 未评
    done: int
    total: int
    with_evidence: int = 0         # unit mode: items with evidence
    explained: int = 0             # unit mode: 不适用 with a reason, without evidence
    missing_reason: int = 0        # 不适用 without a reason

    @property
    def text(self) -> str:
        return f"{self.done}/{self.total}"


@cache
def progress_bar(shares: tuple[tuple[str, int], ...], total: int) -> QPixmap:
    """A small bar split into coloured shares of `total` (grey for the rest), drawn at 2x
    for high DPI.

    A pixmap, not a painting delegate: the view draws it natively, which keeps repainting
    the tree cheap.
    """
    pixmap = QPixmap(BAR_WIDTH * 2, BAR_HEIGHT * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.fillRect(QRectF(0, 1, BAR_WIDTH, BAR_HEIGHT - 2), QColor(UNRATED_COLOUR).lighter(150))
    x = 0.0
    for colour, count in shares:
        width = BAR_WIDTH * count / total if total else 0.0
        if width > 0:
            painter.fillRect(QRectF(x, 1, width, BAR_HEIGHT - 2), QColor(colour))
        x += width
    painter.end()
    return pixmap


def bar_shares(progress: Progress, *, unit_mode: bool) -> tuple[tuple[str, int], ...]:
    """Inspectors: one share per rating; units: evidence, then 不适用 explained."""
    if unit_mode:
        return ((ACCENT, progress.with_evidence),
                (RATING_COLOURS[NOT_APPLICABLE], progress.explained))
    return tuple((rating_colour(r).name(), progress.ratings.get(r, 0)) for r in BAR_ORDER[:-1])


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
        self._progress: dict[int, Progress] = {}   # by id(node), until data changes

    # ---- the unit shown -------------------------------------------------------------

    def set_states(self, states: dict[int, ItemState], *, unit_mode: bool = False) -> None:
        self.states = states
        self.unit_mode = unit_mode
        self._progress.clear()
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
        self._progress.clear()
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
        """The ratings of the items under a node (None = 未评)."""
        return self.progress(node).ratings

    def progress(self, node: Node) -> Progress:
        cached = self._progress.get(id(node))
        if cached is not None:
            return cached
        ratings: Counter[str | None] = Counter()
        done = with_evidence = explained = missing_reason = 0
        for no in node.item_nos:
            state = self.states.get(no)
            ratings[state.rating if state else None] += 1
            done += item_done(state, unit_mode=self.unit_mode)
            if state is None:
                continue
            if state.evidence_count:
                with_evidence += 1
            elif state.rating == NOT_APPLICABLE and state.reason.strip():
                explained += 1
            missing_reason += state.needs_reason
        progress = Progress(ratings, done, len(node.item_nos), with_evidence, explained,
                            missing_reason)
        self._progress[id(node)] = progress
        return progress

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
        if role == ProgressRole:
            return (int(item_done(state, unit_mode=self.unit_mode)), 1)
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
        progress = self.progress(node)
        if role == ProgressRole:
            return (progress.done, progress.total)
        if column == 0:
            if role == DISPLAY:
                return self._label(node)
            if role == TOOLTIP:
                return f"{node.tooltip or self._label(node)}\n{self._progress_text(progress)}"
            if role == ACCESSIBLE:
                return f"{self._label(node)}，{self._progress_text(progress)}"
        else:
            if role == DISPLAY:
                return progress.text
            if role == DECORATION:
                return progress_bar(bar_shares(progress, unit_mode=self.unit_mode),
                                    progress.total)
            if role == ALIGNMENT:
                return RIGHT_ALIGNED
            if role == TOOLTIP:
                return self._progress_text(progress)
        return None

    def _label(self, node: Node) -> str:
        """The 全部指标 row says what the progress column counts (the tree has no header)."""
        if node.kind is NodeKind.ALL:
            return f"全部指标 · {DONE_SHORT[self.unit_mode]}/共 {len(node.item_nos)} 项"
        return node.label

    def _state_text(self, state: ItemState | None) -> str:
        if state is None or state.rating is None:
            text = "未评"
        else:
            text = state.rating
        if state is not None and state.needs_reason:
            text += "（未说明理由）"
        if state is not None and state.evidence_count:
            text += f"，佐证材料 {state.evidence_count} 件"
        return text

    def _progress_text(self, progress: Progress) -> str:
        """'已评 22 / 76 项：达标 18，…；未评 54', or for units what they have provided."""
        head = progress_line(progress.done, progress.total, unit_mode=self.unit_mode)
        if self.unit_mode:
            parts = [f"有材料 {progress.with_evidence} 项",
                     f"不适用并已说明理由 {progress.explained} 项"]
            missing = progress.total - progress.done
            tail = f"；尚缺 {missing} 项" if missing else ""
        else:
            parts = [f"{r} {progress.ratings[r]}" for r in self.catalogue.ratings
                     if progress.ratings.get(r)]
            unrated = progress.ratings.get(None, 0)
            tail = f"；未评 {unrated}" if unrated else ""
        if progress.missing_reason:
            tail += f"；{progress.missing_reason} 项不适用未说明理由"
        return f"{head}：{'，'.join(parts)}{tail}" if parts else head + tail

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
