"""The centre of the window: the current unit's items as cards, and the current item's editor.

Every edit becomes an undo command; keyboard scoring (1–4, J/K, arrows) drives this pane.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zhashui_inspector.core.policy import NOT_APPLICABLE
from zhashui_inspector.ui.cache import Change, ChangeKind
from zhashui_inspector.ui.checklist_delegate import ChecklistDelegate
from zhashui_inspector.ui.checklist_model import ChecklistModel
from zhashui_inspector.ui.item_editor import ItemEditor
from zhashui_inspector.ui.qt import (
    QAbstractItemView,
    QEvent,
    QFont,
    QItemSelectionModel,
    QLabel,
    QListView,
    QModelIndex,
    QResizeEvent,
    QScrollArea,
    QSplitter,
    Qt,
    QUndoStack,
    QVBoxLayout,
    QWidget,
    Signal,
)
from zhashui_inspector.ui.session import Session
from zhashui_inspector.ui.style import RULES, styled
from zhashui_inspector.ui.undo import ItemEdit

FIRST_BATCH = 12   # cards laid out before the first paint: a screenful or more


class ChecklistView(QListView):
    """Cards one under the other; re-lays them out when its width changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklist")
        self.setAccessibleName(self.tr("本单位检查表"))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(False)
        # The first layout comes in batches: the first paint needs the first few cards
        # measured, not all 76 (about 30 ms of text layout); the rest follow on the next
        # turns of the event loop. Every later layout is one pass (`lay_out_in_one_pass`),
        # so going to an item always finds it laid out.
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(FIRST_BATCH)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always there, so the cards' width never changes when it appears (which would
        # measure all 76 texts twice).
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.verticalScrollBar().setSingleStep(24)
        self.setFrameShape(QListView.Shape.NoFrame)
        self._card_minimum: Callable[[QFont], int] | None = None
        # Said in place of the cards when there are none: an empty white list looks broken.
        self.empty_note = QLabel(self.viewport())
        self.empty_note.setObjectName("checklistEmpty")
        self.empty_note.setStyleSheet(RULES["itemPath"])   # the muted grey of other notes
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_note.setWordWrap(True)
        self.empty_note.hide()

    def show_empty_note(self, text: str) -> None:
        """Show `text` where the cards would be (an empty text: none)."""
        self.empty_note.setText(text)
        self.empty_note.setVisible(bool(text))
        self._place_empty_note()

    def _place_empty_note(self) -> None:
        self.empty_note.setGeometry(self.viewport().rect().adjusted(24, 24, -24, -24))

    def lay_out_in_one_pass(self) -> None:
        """After the first paint (the batches already begun still finish on their own)."""
        self.setLayoutMode(QListView.LayoutMode.SinglePass)

    def set_card_minimum(self, minimum: Callable[[QFont], int]) -> None:
        """Never narrower than a card needs (its viewport width for a font): the window's
        docks give way instead, whatever layout was restored."""
        self._card_minimum = minimum
        self._fit_minimum_width()

    def _fit_minimum_width(self) -> None:
        if self._card_minimum is not None:
            self.setMinimumWidth(self._card_minimum(self.font())
                                 + self.verticalScrollBar().sizeHint().width()
                                 + 2 * self.frameWidth())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_empty_note()
        # QListView lays its items out again only when its height changes (the direction
        # they flow in); a card's height follows the width, so a dock dragged wider or
        # narrower would leave the cards overlapping or apart.
        if event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_minimum_width()

    def dataChanged(self, top_left: QModelIndex, bottom_right: QModelIndex,  # noqa: N802
                    roles: Any = ()) -> None:
        """Repaint the cards that changed, as QAbstractItemView does. QListView's own
        first lays out all 76 cards again and repaints the whole view, even for a card
        scrolled out of sight: for every photo of a batch. A card's height changes only
        with its lines of notes, and the pane asks for that layout itself."""
        QAbstractItemView.dataChanged(self, top_left, bottom_right, list(roles))


class ChecklistPane(QWidget):
    current_item_changed = Signal(object)   # item number or None
    message = Signal(str)                   # a short note for the status bar

    def __init__(self, session: Session, undo_stack: QUndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.undo_stack = undo_stack
        self.unit: str | None = None
        catalogue = session.catalogue
        self.model = ChecklistModel(catalogue, self)
        self.delegate = ChecklistDelegate(catalogue.ratings, catalogue.methods, self)
        self._notes_sized: dict[int, int] = {}   # item number -> lines of notes laid out
        self.view = ChecklistView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegate(self.delegate)
        self.delegate.width_source = self.view.viewport()
        self.view.set_card_minimum(self.delegate.minimum_width)
        self.delegate.rating_clicked.connect(
            lambda no, rating: self.edit(no, self.tr("评定第 {0} 项").format(no), None,
                                         rating=rating))
        self.delegate.method_toggled.connect(self._toggle_method)
        self.delegate.not_applicable_toggled.connect(self._toggle_not_applicable)
        self.view.selectionModel().currentChanged.connect(self._current_changed)

        self.scope_label = QLabel(self)
        styled(self.scope_label, "scopeTitle")
        self.editor = ItemEditor(catalogue, self.edit, self)
        self.editor.escaped.connect(lambda: self.view.setFocus(Qt.FocusReason.ShortcutFocusReason))

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(4)
        top_layout.addWidget(self.scope_label)
        top_layout.addWidget(self.view, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("checklistSplitter")
        self.splitter.addWidget(top)
        # In a scroll area: a different item's text must not lay out the whole window again.
        editor_area = QScrollArea(self)
        editor_area.setWidgetResizable(True)
        editor_area.setFrameShape(QScrollArea.Shape.NoFrame)
        editor_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        editor_area.setWidget(self.editor)
        # Nor the editor under the cards: it never scrolls sideways, its buttons stay whole.
        editor_area.setMinimumWidth(self.editor.minimumSizeHint().width()
                                    + editor_area.verticalScrollBar().sizeHint().width())
        self.splitter.addWidget(editor_area)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addWidget(self.splitter)
        session.changed.connect(self.on_change)

    # ---- the unit and the items shown ---------------------------------------------------

    def set_unit(self, unit: str) -> None:
        self.editor.flush()
        self.unit = unit
        self._apply_mode()
        self._load_states()
        self._show_current()

    def _apply_mode(self) -> None:
        unit_mode = self.session.role == "unit"
        read_only = self.unit is None or self.session.unit(self.unit).signed
        self.delegate.unit_mode = unit_mode
        self.delegate.read_only = read_only
        self.editor.set_mode(unit_mode=unit_mode, read_only=read_only)
        self.view.scheduleDelayedItemsLayout()

    def _load_states(self) -> None:
        if self.unit is None:
            return
        linked = self.session.linked_unit(self.unit)
        self.model.set_states(self.session.unit(self.unit).items,
                              linked.items if linked is not None else None)
        self.view.scheduleDelayedItemsLayout()   # cards of this unit may differ in height
        self._record_notes()

    def _record_notes(self) -> None:
        """After a full layout is asked for: the lines of notes each card is sized with."""
        self._notes_sized = {no: self.delegate.notes_count(self.model.index(row))
                             for row, no in enumerate(self.model.item_nos)}

    def _fit_card(self, item_no: int) -> None:
        """Have the view lay the cards out again if this one's lines of notes changed.

        Only then: telling the view of every change measured all 76 cards and repainted
        the whole view, for every photo of a batch. The count is the pane's own record,
        not the delegate's last measure: the view measures a card whenever it asks where
        it is, before it has moved the cards below."""
        row = self.model.row_of(item_no)
        if row is None:
            return
        index = self.model.index(row)
        notes = self.delegate.notes_count(index)
        if self._notes_sized.get(item_no) != notes:
            self._notes_sized[item_no] = notes
            self.delegate.sizeHintChanged.emit(index)
            if item_no == self.current_item():
                # the card the user works on grew (a line asking for the 不适用 reason):
                # its new line stays in sight, not under the list's lower edge
                self.view.scrollTo(index)

    def set_scope(self, item_nos: list[int], current: int | None, title: str) -> None:
        keep = current if current is not None else self.current_item()
        self.scope_label.setText(self.tr("{0}　·　{1} 项").format(title, len(item_nos)))
        self.model.set_scope(item_nos)
        self._record_notes()
        self.view.show_empty_note("" if item_nos else self.tr(
            "没有符合筛选条件的指标。\n请修改左侧的筛选条件，或清空筛选文字并点“全部”，显示全部指标。"))
        if not item_nos:
            self._show_current()
            return
        row = self.model.row_of(keep) if keep is not None else None
        self._select_row(row if row is not None else 0)

    def current_item(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.item_nos[index.row()] if index.isValid() else None

    def _select_row(self, row: int) -> None:
        index = self.model.index(row)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if row == 0:
            # the same place, without laying out all cards now: at start-up the view's
            # width is not final yet and they would be laid out again before the first paint
            self.view.scrollToTop()
        else:
            self.view.scrollTo(index)

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._show_current()

    def _show_current(self, *, announce: bool = True) -> None:
        """Show the current item in the editor; `announce`: tell the window, whose
        evidence pane then shows the item's evidence (not when only its data changed: the
        pane follows evidence changes itself, and reloading its lists for every photo of a
        batch made each photo cost more than the one before)."""
        no = self.current_item()
        state = linked = None
        linked_evidence = 0
        if no is not None and self.unit is not None:
            state = self.session.unit(self.unit).items.get(no)
            linked_unit = self.session.linked_unit(self.unit)
            if linked_unit is not None:
                linked = linked_unit.items.get(no)
                linked_evidence = len(linked_unit.evidence_for(no))
        self.editor.show_item(no, state, linked, linked_evidence)
        if announce:
            self.current_item_changed.emit(no)

    def on_change(self, change: Change) -> None:
        if self.unit is None or not self.session.is_open:
            return
        if change.kind is ChangeKind.SIGNOFF and change.unit == self.unit:
            self._apply_mode()
            self._show_current()
        elif change.kind is ChangeKind.LINKED:
            self._load_states()
            self._show_current()
        elif change.kind is ChangeKind.ITEMS and change.unit == self.unit:
            self.model.items_changed(change.item_nos)
            for no in change.item_nos:   # a card may grow or shrink by a line of notes
                self._fit_card(no)
            if self.current_item() in change.item_nos:
                self._show_current(announce=False)

    # ---- moving -------------------------------------------------------------------------

    def move(self, delta: int) -> bool:
        rows = self.model.rowCount()
        if not rows:
            return False
        index = self.view.currentIndex()
        row = (index.row() if index.isValid() else -1) + delta
        if not 0 <= row < rows:
            self.message.emit(self.tr("已是本范围的最后一项") if delta > 0
                              else self.tr("已是本范围的第一项"))
            return False
        self.editor.flush()
        self._select_row(row)
        return True

    def go_to(self, item_no: int) -> bool:
        row = self.model.row_of(item_no)
        if row is None:
            return False
        self.editor.flush()
        self._select_row(row)
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    # ---- edits --------------------------------------------------------------------------

    def is_read_only(self) -> bool:
        return self.unit is None or self.session.unit(self.unit).signed

    def edit(self, item_no: int, text: str, merge_token: object | None, **fields: Any) -> None:
        if self.is_read_only() or self.unit is None:
            self.message.emit(self.tr("该单位已签字确认，只读；如需修改请先“重新打开”"))
            return
        state = self.session.unit(self.unit).items[item_no]
        if all(getattr(state, key) == value for key, value in fields.items()):
            return
        self.undo_stack.push(ItemEdit(self.session, self.unit, item_no, fields, text,
                                      merge_token))

    def rate_current(self, rating: str | None) -> None:
        """The keyboard's 1–4 (and 0): rate the current item, then move to the next."""
        no = self.current_item()
        if no is None:
            return
        if self.session.role == "unit":
            self.message.emit(self.tr("单位自查文件不评定等次；不适用的指标请勾选“本项不适用”并说明理由"))
            return
        if self.is_read_only():
            self.message.emit(self.tr("该单位已签字确认，只读；如需修改请先“重新打开”"))
            return
        self.editor.flush()
        self.edit(no, self.tr("评定第 {0} 项").format(no), None, rating=rating)
        if rating == NOT_APPLICABLE and self.session.unit(self.unit or "").items[no].needs_reason:
            self.editor.reason_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.message.emit(self.tr("请填写第 {0} 项不适用的理由").format(no))
            return
        self.move(+1)

    def _toggle_method(self, item_no: int, method: str) -> None:
        if self.unit is None:
            return
        methods = list(self.session.unit(self.unit).items[item_no].methods)
        methods = [m for m in methods if m != method] if method in methods else [*methods, method]
        ordered = tuple(m for m in self.session.catalogue.methods if m in methods)
        self.edit(item_no, self.tr("核查方式（第 {0} 项）").format(item_no), None, methods=ordered)

    def _toggle_not_applicable(self, item_no: int) -> None:
        if self.unit is None:
            return
        on = self.session.unit(self.unit).items[item_no].rating != NOT_APPLICABLE
        self.edit(item_no, self.tr("不适用（第 {0} 项）").format(item_no), None,
                  rating=NOT_APPLICABLE if on else None)
