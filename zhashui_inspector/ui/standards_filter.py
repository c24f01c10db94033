"""Filtering the standards tree: item numbers (7, 1,3,5-9), words, and quick filters on the
current unit's ratings and evidence."""

from __future__ import annotations

import enum

from zhashui_inspector.core.errors import ValidationError
from zhashui_inspector.core.records import ItemState
from zhashui_inspector.core.text import parse_item_spec
from zhashui_inspector.ui.qt import QObject, QSortFilterProxyModel
from zhashui_inspector.ui.standards_model import (
    NOT_APPLICABLE,
    AnyIndex,
    Node,
    NodeKind,
    StandardsTreeModel,
)


class QuickFilter(enum.Enum):
    UNRATED = "未评"
    BELOW = "未达标/基本达标"
    NOT_APPLICABLE = "不适用"
    WITH_EVIDENCE = "有证据"
    WITHOUT_EVIDENCE = "无证据"

    def accepts(self, state: ItemState | None) -> bool:
        rating = state.rating if state else None
        evidence = state.evidence_count if state else 0
        if self is QuickFilter.UNRATED:
            return rating is None
        if self is QuickFilter.BELOW:
            return rating in ("未达标", "基本达标")
        if self is QuickFilter.NOT_APPLICABLE:
            return rating == NOT_APPLICABLE
        if self is QuickFilter.WITH_EVIDENCE:
            return evidence > 0
        return evidence == 0


class StandardsFilterProxy(QSortFilterProxyModel):
    """Keeps items matching the text (numbers like 7 or 1,3,5-9, or words) and the quick
    filter; areas and sub-areas stay when any item under them does."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        # Filter when the filter changes, not on every rating: a node must not vanish
        # from under the inspector while they score it.
        self.setDynamicSortFilter(False)
        self.text = ""
        self.numbers: set[int] | None = None
        self.quick: QuickFilter | None = None

    def is_active(self) -> bool:
        return bool(self.text) or self.quick is not None

    def refilter(self) -> None:
        """Apply the filter again (after switching units: ratings differ)."""
        self.beginFilterChange()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        text = text.strip()
        self.text = text.casefold()
        self.numbers = None
        if text and any(ch.isdigit() for ch in text) and not any(
                ch.isalpha() for ch in text):
            try:
                self.numbers = set(parse_item_spec(text, range(1, 10_000)))
            except ValidationError:
                self.numbers = set()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_quick(self, quick: QuickFilter | None) -> None:
        self.beginFilterChange()
        self.quick = quick
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def accepts_item(self, node: Node, state: ItemState | None) -> bool:
        if self.quick is not None and not self.quick.accepts(state):
            return False
        if not self.text:
            return True
        if self.numbers is not None:
            return node.no in self.numbers
        chain = [node, node.parent, node.parent.parent if node.parent else None]
        return any(n is not None and self.text in n.search_text.casefold() for n in chain)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, StandardsTreeModel):
            return True
        node = model.node(model.index(source_row, 0, source_parent))
        if node is None:
            return False
        if node.kind is NodeKind.ALL:
            return True
        if node.kind is not NodeKind.ITEM:
            return not self.is_active()
        return self.accepts_item(node, model.states.get(node.no))

    def accepted_items(self, node: Node) -> list[int]:
        """The item numbers under `node` that pass the filter (all of them when inactive)."""
        model = self.sourceModel()
        if not isinstance(model, StandardsTreeModel) or not self.is_active():
            return list(node.item_nos)
        return [no for no in node.item_nos
                if self.accepts_item(model.item_nodes[no], model.states.get(no))]
