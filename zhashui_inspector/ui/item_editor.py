"""The panel under the checklist that edits the current item: rating, methods, comment and
the N/A reason (flagged while missing), with the unit's own self-check note beside it."""

from __future__ import annotations

from collections.abc import Callable

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.policy import NOT_APPLICABLE
from zhashui_inspector.core.records import ItemState
from zhashui_inspector.core.text import clip
from zhashui_inspector.ui.icons import rating_colour
from zhashui_inspector.ui.plain_text import CUT_NOTE, NOTE_CHARS
from zhashui_inspector.ui.qt import (
    QCheckBox,
    QEvent,
    QFrame,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QObject,
    QPalette,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from zhashui_inspector.ui.style import flag, styled

TYPING_PAUSE_MS = 600
EditFn = Callable[..., None]  # edit(item_no, text, merge_token, **fields)


class NoteEdit(QPlainTextEdit):
    """A short multi-line text box that commits after a typing pause and on leaving it."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()  # back to the checklist, keyboard scoring goes on
            return
        super().keyPressEvent(event)

    def __init__(self, placeholder: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hint = placeholder
        self._editable_palette = QPalette(self.palette())
        self.setPlaceholderText(placeholder)
        self.setAccessibleName(accessible)
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)

    def set_hint(self, placeholder: str) -> None:
        """What an empty box invites the user to write (while it can be written in)."""
        self._hint = placeholder
        if not self.isReadOnly():
            self.setPlaceholderText(placeholder)

    def set_locked(self, locked: bool) -> None:
        """Read-only, with its text in the normal colour (a disabled box greys it out like
        a placeholder) on the window's background instead of a writing field's."""
        self.setReadOnly(locked)
        palette = QPalette(self._editable_palette)
        if locked:
            palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
        self.setPalette(palette)
        self.viewport().setPalette(palette)   # which paints the background, and keeps its own
        self.setPlaceholderText(self.tr("（未填写）") if locked else self._hint)


class ItemEditor(QFrame):
    escaped = Signal()

    def __init__(self, catalogue: Catalogue, edit: EditFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        styled(self, "itemEditor")
        self.catalogue = catalogue
        self.edit = edit
        self.item_no: int | None = None
        self.state: ItemState | None = None
        self.unit_mode = False
        self.read_only = False
        self._loading = False
        self._tokens: dict[str, object] = {"comment": object(), "reason": object()}

        self.path_label = QLabel(self)
        styled(self.path_label, "itemPath")
        # Wrapped like the item's text: a long sub-area title kept on one line made the
        # editor wider than what shows it, and cut off the end of every line below.
        self.path_label.setWordWrap(True)
        self.text_label = QLabel(self)
        self.text_label.setObjectName("itemText")
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.rating_buttons: dict[str | None, QPushButton] = {}
        rating_row = QHBoxLayout()
        rating_row.setSpacing(6)
        for key, rating in enumerate(catalogue.ratings, start=1):
            button = QPushButton(f"{rating}  {key}", self)
            button.setCheckable(True)
            button.setAccessibleName(self.tr("评为{0}（快捷键 {1}）").format(rating, key))
            button.setToolTip(self.tr("评为“{0}”并转到下一项（快捷键 {1}）").format(rating, key))
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _=False, r=rating: self._rate(r))
            self.rating_buttons[rating] = button
            rating_row.addWidget(button)
        clear = QPushButton(self.tr("清除评定  0"), self)
        clear.setAccessibleName(self.tr("清除评定（快捷键 0）"))
        clear.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        clear.clicked.connect(lambda: self._rate(None))
        self.rating_buttons[None] = clear
        rating_row.addWidget(clear)
        rating_row.addStretch(1)
        methods_row = QHBoxLayout()
        methods_row.setSpacing(14)
        methods_label = QLabel(self.tr("核查方式："), self)
        methods_row.addWidget(methods_label)
        self.method_boxes: dict[str, QCheckBox] = {}
        for method in catalogue.methods:
            box = QCheckBox(method, self)
            box.setAccessibleName(self.tr("核查方式：{0}").format(method))
            box.toggled.connect(lambda on, m=method: self._toggle_method(m, on))
            self.method_boxes[method] = box
            methods_row.addWidget(box)
        methods_row.addStretch(1)
        rows = QVBoxLayout()
        rows.setSpacing(6)
        rows.addLayout(rating_row)
        rows.addLayout(methods_row)
        self.rating_row = QWidget(self)
        self.rating_row.setLayout(rows)
        rows.setContentsMargins(0, 0, 0, 0)

        self.na_box = QCheckBox(self.tr("本项不适用（不属于本单位职能）"), self)
        self.na_box.setAccessibleName(self.tr("本项不适用"))
        self.na_box.toggled.connect(self._toggle_not_applicable)

        self.reason_label = QLabel(self.tr("不适用理由（必填）"), self)
        self.reason_edit = NoteEdit(self.tr("说明为什么本项不适用于该单位"), self.tr("不适用理由"), self)
        self.reason_edit.setObjectName("reasonEdit")
        self.comment_label = QLabel(self.tr("备注"), self)
        self.comment_edit = NoteEdit(self.tr("核查情况、发现的问题、整改意见…"), self.tr("备注"), self)
        self.comment_edit.setObjectName("commentEdit")
        self.linked_label = QLabel(self)
        styled(self.linked_label, "linkedNote")
        self.linked_label.setWordWrap(True)
        self.linked_label.setTextFormat(Qt.TextFormat.PlainText)   # the unit's words, as typed
        self.linked_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.linked_label.setAccessibleName(self.tr("单位自查材料"))

        self._timers: dict[str, QTimer] = {}
        for field, box in (("comment", self.comment_edit), ("reason", self.reason_edit)):
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(TYPING_PAUSE_MS)
            timer.timeout.connect(lambda f=field: self._commit_text(f))
            self._timers[field] = timer
            box.textChanged.connect(lambda f=field: self._text_changed(f))
            box.installEventFilter(self)
            box.escaped.connect(self._escape)

        notes = QHBoxLayout()
        notes.setSpacing(12)
        self.reason_box = self._column(self.reason_label, self.reason_edit)
        self.comment_box = self._column(self.comment_label, self.comment_edit)
        notes.addWidget(self.reason_box, 1)
        notes.addWidget(self.comment_box, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.path_label)
        layout.addWidget(self.text_label)
        layout.addWidget(self.rating_row)
        layout.addWidget(self.na_box)
        layout.addLayout(notes)
        layout.addWidget(self.linked_label)
        layout.addStretch(1)
        self.show_item(None, None)

    def _column(self, label: QLabel, box: QPlainTextEdit) -> QWidget:
        column = QWidget(self)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(2)
        column_layout.addWidget(label)
        column_layout.addWidget(box)
        return column

    # ---- what is shown ----------------------------------------------------------------

    def set_mode(self, *, unit_mode: bool, read_only: bool) -> None:
        self.unit_mode = unit_mode
        self.read_only = read_only
        self.rating_row.setVisible(not unit_mode)
        self.na_box.setVisible(unit_mode)
        self.comment_label.setText(self.tr("说明") if unit_mode else self.tr("备注"))
        self.comment_edit.set_hint(
            self.tr("对本项材料的说明（可选）…") if unit_mode
            else self.tr("核查情况、发现的问题、整改意见…"))
        self._refresh()

    def show_item(self, item_no: int | None, state: ItemState | None,
                  linked: ItemState | None = None, linked_evidence: int = 0) -> None:
        if item_no != self.item_no:
            self.flush()
            self._tokens = {"comment": object(), "reason": object()}
        self.item_no = item_no
        self.state = state
        self.linked = linked
        self.linked_evidence = linked_evidence
        self._refresh()

    def _refresh(self) -> None:
        self._loading = True
        try:
            self._refresh_widgets()
        finally:
            self._loading = False

    def _refresh_widgets(self) -> None:
        no, state = self.item_no, self.state
        enabled = no is not None and not self.read_only
        for widget in (*self.rating_buttons.values(), *self.method_boxes.values(), self.na_box):
            widget.setEnabled(enabled)
        if no is None:   # and nothing of the item shown before stays, as if it were this one's
            state = None
            self.path_label.setText("")
            self.text_label.setText(self.tr("（未选中指标）"))
        else:
            item = self.catalogue.item(no)
            area = self.catalogue.area(item.area_no)
            sub = self.catalogue.subarea(item.subarea_no)
            self.path_label.setText(self.tr("第 {0} 项　·　{1}、{2}　›　{3}. {4}").format(
                no, area.numeral, area.title, sub.no, sub.display_title))
            self.text_label.setText(item.text)
        self.path_label.setVisible(no is not None)
        rating = state.rating if state else None
        for name, button in self.rating_buttons.items():
            if name is None:
                continue
            button.setChecked(name == rating)
            colour = rating_colour(name).name()
            button.setStyleSheet(
                f"QPushButton:checked {{ background: {colour}; color: white; "
                f"border: 1px solid {colour}; border-radius: 4px; padding: 4px 10px; }}"
                if name == rating else "")
        for method, box in self.method_boxes.items():
            box.setChecked(state is not None and method in state.methods)
        self.na_box.setChecked(rating == NOT_APPLICABLE)
        self._set_text(self.comment_edit, state.comment if state else "")
        self._set_text(self.reason_edit, state.reason if state else "")
        show_reason = rating == NOT_APPLICABLE
        self.reason_box.setVisible(show_reason)
        missing = show_reason and not self.reason_edit.toPlainText().strip()
        self.reason_label.setText(self.tr("⚠ 不适用理由（必填，尚未填写）") if missing
                                  else self.tr("不适用理由（必填）"))
        flag(self.reason_label, "missing", missing)
        flag(self.reason_edit, "missing", missing)
        # after the flag: a new style sheet gives the box's viewport the usual palette again
        for box in (self.comment_edit, self.reason_edit):   # a signed unit's stay legible
            box.setEnabled(no is not None)
            box.set_locked(self.read_only)
        self._refresh_linked()

    def _refresh_linked(self) -> None:
        linked = self.linked
        if linked is None and not self.linked_evidence:
            self.linked_label.hide()
            return
        parts = []
        if linked is not None and linked.rating == NOT_APPLICABLE:
            parts.append(self.tr("本单位说明不适用：{0}").format(
                clip(linked.reason.strip(), NOTE_CHARS, CUT_NOTE) or self.tr("（未说明理由）")))
        if linked is not None and linked.comment.strip():
            parts.append(self.tr("说明：{0}").format(
                clip(linked.comment.strip(), NOTE_CHARS, CUT_NOTE)))
        if self.linked_evidence:
            parts.append(self.tr("本项佐证材料 {0} 件（见右侧“单位自查材料”）").format(
                self.linked_evidence))
        if not parts:
            self.linked_label.hide()
            return
        self.linked_label.setText(self.tr("单位自查材料　") + "；".join(parts))
        self.linked_label.show()

    @staticmethod
    def _set_text(box: QPlainTextEdit, text: str) -> None:
        if box.toPlainText() != text:
            box.setPlainText(text)
            cursor = box.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            box.setTextCursor(cursor)

    # ---- edits ------------------------------------------------------------------------

    def _rate(self, rating: str | None) -> None:
        if self.item_no is None or self.read_only:
            return
        self.flush()
        self.edit(self.item_no, self.tr("评定第 {0} 项").format(self.item_no), None,
                  rating=rating)

    def _toggle_method(self, method: str, on: bool) -> None:
        if self._loading or self.item_no is None or self.state is None:
            return
        methods = [m for m in self.catalogue.methods
                   if (m in self.state.methods and m != method) or (m == method and on)]
        self.edit(self.item_no, self.tr("核查方式（第 {0} 项）").format(self.item_no), None,
                  methods=tuple(methods))

    def _toggle_not_applicable(self, on: bool) -> None:
        if self._loading or self.item_no is None:
            return
        self.edit(self.item_no, self.tr("不适用（第 {0} 项）").format(self.item_no), None,
                  rating=NOT_APPLICABLE if on else None)
        if on:
            self.reason_edit.setFocus()

    def _text_changed(self, field: str) -> None:
        if not self._loading:
            self._timers[field].start()

    def _commit_text(self, field: str) -> None:
        self._timers[field].stop()
        if self.item_no is None or self.state is None or self.read_only:
            return
        box = self.comment_edit if field == "comment" else self.reason_edit
        text = box.toPlainText()
        if getattr(self.state, field) == text:
            return
        label = self.tr("备注") if field == "comment" else self.tr("不适用理由")
        self.edit(self.item_no, self.tr("{0}（第 {1} 项）").format(label, self.item_no),
                  self._tokens[field], **{field: text})

    def _escape(self) -> None:
        self.flush()
        self.escaped.emit()

    def flush(self) -> None:
        """Commit text still waiting for a typing pause (before switching item or unit)."""
        for field, timer in self._timers.items():
            if timer.isActive():
                self._commit_text(field)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.FocusOut:
            self.flush()
            field = "comment" if watched is self.comment_edit else "reason"
            self._tokens[field] = object()  # a new stretch of typing next time
        return False
