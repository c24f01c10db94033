"""The unit's 自评报告: an editor with a live 'n / 2500' count (whitespace not counted),
and, in inspector mode, the unit's own report read-only beside it."""

from __future__ import annotations

from zhashui_inspector.core.text import clip, count_chars
from zhashui_inspector.ui.cache import Change, ChangeKind
from zhashui_inspector.ui.plain_text import CUT_NOTE, LONG_TEXT_CHARS
from zhashui_inspector.ui.qt import (
    QEvent,
    QLabel,
    QObject,
    QPlainTextEdit,
    QSplitter,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from zhashui_inspector.ui.session import Session
from zhashui_inspector.ui.style import flag, styled

TYPING_PAUSE_MS = 800


def count_text(count: int, limit: int) -> tuple[str, bool]:
    """The counter's words, and whether they are a warning."""
    if count > limit:
        return (f"{count} / {limit} 字（空白不计）——超出 {count - limit} 字，签字确认前须删减",
                True)
    return f"{count} / {limit} 字（空白不计）", False


class SelfReportPane(QWidget):
    count_changed = Signal(int, int)   # count, limit

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.unit: str | None = None
        self._loading = False
        self.limit = session.catalogue.self_report_limit

        self.title = QLabel(self)
        styled(self.title, "paneTitle")
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("selfReportEditor")
        self.editor.setAccessibleName(self.tr("自评报告"))
        self.editor.setPlaceholderText(self.tr(
            "在此填写本单位的自评报告（不超过 {0} 字，空白不计）。").format(self.limit))
        self.editor.textChanged.connect(self._text_changed)
        self.editor.installEventFilter(self)
        self.counter = QLabel(self)
        self.counter.setObjectName("selfReportCounter")
        self.counter.setAccessibleName(self.tr("自评报告字数"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.flush)

        own = QWidget(self)
        own_layout = QVBoxLayout(own)
        own_layout.setContentsMargins(0, 0, 0, 0)
        own_layout.addWidget(self.title)
        own_layout.addWidget(self.editor, 1)
        own_layout.addWidget(self.counter)

        self.linked_title = QLabel(self.tr("单位自查材料：自评报告（只读）"), self)
        styled(self.linked_title, "linkedHeader")
        self.linked_view = QPlainTextEdit(self)
        self.linked_view.setReadOnly(True)
        self.linked_view.setAccessibleName(self.tr("单位自查材料：自评报告"))
        self.linked_counter = QLabel(self)
        self.linked_box = QWidget(self)
        linked_layout = QVBoxLayout(self.linked_box)
        linked_layout.setContentsMargins(0, 0, 0, 0)
        linked_layout.addWidget(self.linked_title)
        linked_layout.addWidget(self.linked_view, 1)
        linked_layout.addWidget(self.linked_counter)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("selfReportSplitter")
        self.splitter.addWidget(own)
        self.splitter.addWidget(self.linked_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.splitter)
        session.changed.connect(self.on_change)

    def set_unit(self, unit: str) -> None:
        self.flush()
        self.unit = unit
        self._load()

    def _load(self) -> None:
        if self.unit is None:
            return
        cache = self.session.unit(self.unit)
        signed = cache.signed
        self.title.setText(self.tr("{0} 自评报告").format(self.unit) + (
            self.tr("（已签字确认，只读）") if signed else ""))
        self.editor.setReadOnly(signed)
        if self.editor.toPlainText() != cache.self_report.text:
            self._loading = True
            self.editor.setPlainText(cache.self_report.text)
            self._loading = False
        self._update_counter()
        linked = self.session.linked_unit(self.unit)
        self.linked_box.setVisible(linked is not None)
        if linked is not None:
            # the unit's report is kept as written, however long; the counter says how long
            self.linked_view.setPlainText(clip(linked.self_report.text, LONG_TEXT_CHARS, CUT_NOTE))
            text, _over = count_text(linked.self_report.count, linked.self_report.limit)
            self.linked_counter.setText(text)

    def _text_changed(self) -> None:
        self._update_counter()
        if not self._loading:
            self._timer.start()

    def _update_counter(self) -> None:
        count = count_chars(self.editor.toPlainText())
        text, over = count_text(count, self.limit)
        self.counter.setText(("⚠ " if over else "") + text)
        flag(self.counter, "warning", over)
        flag(self.editor, "warning", over)
        self.count_changed.emit(count, self.limit)

    def flush(self) -> None:
        """Save what was typed (after a pause, on leaving the box, before switching unit)."""
        self._timer.stop()
        if self.unit is None or self.editor.isReadOnly():
            return
        self.session.set_self_report(self.unit, self.editor.toPlainText())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.editor and event.type() == QEvent.Type.FocusOut \
                and self._timer.isActive():
            self.flush()
        return False

    def on_change(self, change: Change) -> None:
        if self.unit is None:
            return
        if change.kind in (ChangeKind.SELF_REPORT, ChangeKind.SIGNOFF) and change.unit == self.unit:
            if not self._timer.isActive():
                self._load()
        elif change.kind is ChangeKind.LINKED:
            self._load()
