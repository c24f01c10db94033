"""The standards tree pane: filter box, quick filters and the tree of areas → sub-areas → items.

Selecting a node tells the window which items the checklist should show.
"""

from __future__ import annotations

from zhashui_inspector.ui.qt import (
    QAbstractItemView,
    QButtonGroup,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QModelIndex,
    QSizePolicy,
    Qt,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from zhashui_inspector.ui.standards_filter import QuickFilter, StandardsFilterProxy
from zhashui_inspector.ui.standards_model import (
    BAR_WIDTH,
    Node,
    NodeKind,
    NodeRole,
    StandardsTreeModel,
)
from zhashui_inspector.ui.style import CHECKED_BUTTON


class StandardsTreePane(QWidget):
    """Filter box, quick-filter buttons and the tree; emits the items to show."""

    scope_selected = Signal(list, object, str)   # item numbers, current item or None, title

    def __init__(self, model: StandardsTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = StandardsFilterProxy(self)
        self.proxy.setSourceModel(model)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("standardsFilter")
        self.filter_edit.setPlaceholderText(self.tr("筛选：编号（如 7 或 1-5）或文字　Ctrl+F"))
        self.filter_edit.setAccessibleName(self.tr("筛选指标"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._text_changed)

        self.view = QTreeView(self)
        self.view.setObjectName("standardsTree")
        self.view.setAccessibleName(self.tr("创建标准目录"))
        self.view.setModel(self.proxy)
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, BAR_WIDTH + 24 + self.fontMetrics().horizontalAdvance("76/76 "))
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self._expand_areas()

        self.quick_group = QButtonGroup(self)
        self.quick_group.setExclusive(True)
        self.quick_buttons: dict[QuickFilter | None, QToolButton] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        choices: list[tuple[QuickFilter | None, str]] = [
            (None, self.tr("全部")), *[(q, self.tr(q.value)) for q in QuickFilter]]
        for pos, (quick, label) in enumerate(choices):
            button = QToolButton(self)
            button.setText(label)
            button.setCheckable(True)
            button.setStyleSheet(CHECKED_BUTTON)
            button.setAutoRaise(False)
            button.setAccessibleName(self.tr("只显示：{0}").format(label))
            button.setToolTip(self.tr("只显示：{0}").format(label))
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.toggled.connect(lambda on, q=quick: self._quick_toggled(q, on))
            self.quick_group.addButton(button)
            self.quick_buttons[quick] = button
            grid.addWidget(button, pos // 3, pos % 3)
        self.quick_grid = grid
        self.quick_buttons[None].setChecked(True)


        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.filter_edit)
        layout.addLayout(grid)
        layout.addWidget(self.view, 1)

    # ---- filters --------------------------------------------------------------------

    def set_unit_mode(self, unit_mode: bool) -> None:
        """Units rate nothing: no 未评 or 未达标 filters, the others close up."""
        hidden = {QuickFilter.UNRATED, QuickFilter.BELOW} if unit_mode else set()
        shown = [b for q, b in self.quick_buttons.items() if q not in hidden]
        for quick, button in self.quick_buttons.items():
            self.quick_grid.removeWidget(button)
            button.setVisible(quick not in hidden)
        columns = 4 if unit_mode else 3
        for pos, button in enumerate(shown):
            self.quick_grid.addWidget(button, pos // columns, pos % columns)

    def _quick_toggled(self, quick: QuickFilter | None, on: bool) -> None:
        if on:
            self.set_quick_filter(quick)

    def set_quick_filter(self, quick: QuickFilter | None) -> None:
        if self.quick_buttons[quick].isChecked() is False:
            self.quick_buttons[quick].setChecked(True)
            return
        self.proxy.set_quick(quick)
        self._filter_changed()

    def _text_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._filter_changed()

    def _filter_changed(self) -> None:
        if self.proxy.is_active():
            self.view.expandAll()
        else:
            self.view.collapseAll()
            self._expand_areas()
        self.emit_scope()

    def refilter(self) -> None:
        """Apply the filter to the current ratings (after switching units)."""
        self.proxy.refilter()
        if self.proxy.is_active():
            self.view.expandAll()

    def _expand_areas(self) -> None:
        for row in range(self.proxy.rowCount()):
            self.view.expand(self.proxy.index(row, 0))

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # ---- selection ------------------------------------------------------------------

    def current_node(self) -> Node | None:
        node = self.view.currentIndex().data(NodeRole)
        return node if isinstance(node, Node) else None

    def select_all_items(self) -> None:
        self.view.setCurrentIndex(self.proxy.index(0, 0))

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self.emit_scope()

    def emit_scope(self) -> None:
        node = self.current_node() or self.model.top[0]
        current: int | None = None
        if node.kind is NodeKind.ITEM and node.parent is not None:
            current = node.no
            items = self.proxy.accepted_items(node.parent)
            if current not in items:
                items = sorted([*items, current])
            title = node.parent.label
        else:
            items = self.proxy.accepted_items(node)
            title = node.label.split("（")[0] if node.kind is NodeKind.ALL else node.label
        if self.proxy.is_active():
            title += self.tr("（已筛选）")
        self.scope_selected.emit(items, current, title)
