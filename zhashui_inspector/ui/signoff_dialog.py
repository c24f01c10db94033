"""Signing off a unit: a signature pad (mouse, pen or touch), the signer's name and the time.

The dialog asks the core what still blocks sign-off and lists it; the button to sign stays
off until nothing does, a name is given and a signature is drawn.
"""

from __future__ import annotations

from datetime import datetime

from zhashui_inspector.core.policy import UnitScore, suggestion_text
from zhashui_inspector.ui.progress import done_count, progress_line
from zhashui_inspector.ui.qt import (
    QBuffer,
    QColor,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QFormLayout,
    QImage,
    QIODevice,
    QLabel,
    QLineEdit,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPointF,
    QPushButton,
    QSize,
    Qt,
    QTabletEvent,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from zhashui_inspector.ui.session import Session
from zhashui_inspector.ui.style import flag, styled

INK = QColor("#0d2a6b")


class SignaturePad(QWidget):
    """Draw a signature with the mouse, a pen (pressure sets the width) or a finger."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setMinimumSize(QSize(460, 170))
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName(self.tr("签名区"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.strokes: list[list[tuple[QPointF, float]]] = []
        self._drawing = False

    def is_empty(self) -> bool:
        return not any(len(stroke) > 1 for stroke in self.strokes)

    def clear(self) -> None:
        self.strokes.clear()
        self.update()
        self.changed.emit()

    # ---- input ------------------------------------------------------------------------------

    def _begin(self, pos: QPointF, width: float) -> None:
        self._drawing = True
        self.strokes.append([(pos, width)])

    def _extend(self, pos: QPointF, width: float) -> None:
        if self._drawing and self.strokes:
            self.strokes[-1].append((pos, width))
            self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position(), 2.6)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._extend(event.position(), 2.6)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._extend(event.position(), 2.6)
        self._end()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        width = 1.2 + 3.2 * max(0.0, min(1.0, event.pressure()))
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position(), width)
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position(), width)
        elif kind == QEvent.Type.TabletRelease:
            self._end()
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd):
            points = event.points()  # type: ignore[attr-defined]
            if points:
                pos = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self._begin(pos, 2.8)
                elif kind == QEvent.Type.TouchUpdate:
                    self._extend(pos, 2.8)
                else:
                    self._extend(pos, 2.8)
                    self._end()
            event.accept()
            return True
        return super().event(event)

    # ---- drawing ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor("#c9d1d9"), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        baseline = self.height() - 36
        painter.setPen(QPen(QColor("#aab4be"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(24, baseline, self.width() - 24, baseline)
        if self.is_empty():
            painter.setPen(QColor("#9aa5b1"))
            painter.drawText(self.rect().adjusted(0, 0, 0, -40), int(Qt.AlignmentFlag.AlignCenter),
                             self.tr("在此处签名（鼠标、手写笔或手指）"))
        self._draw_strokes(painter)

    def _draw_strokes(self, painter: QPainter, scale: float = 1.0) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for stroke in self.strokes:
            for (a, wa), (b, wb) in zip(stroke, stroke[1:], strict=False):
                pen = QPen(INK, (wa + wb) / 2 * scale, Qt.PenStyle.SolidLine,
                           Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                path = QPainterPath(a * scale)
                path.lineTo(b * scale)
                painter.drawPath(path)

    def to_png(self, scale: float = 2.0) -> bytes | None:
        """The signature as a PNG with a transparent background (None when nothing drawn)."""
        if self.is_empty():
            return None
        image = QImage(int(self.width() * scale), int(self.height() * scale),
                       QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        self._draw_strokes(painter, scale)
        painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return bytes(buffer.data().data())


class SignOffDialog(QDialog):
    def __init__(self, session: Session, unit: str, signer: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.unit = unit
        self.blockers: list[str] | None = None
        self.setWindowTitle(self.tr("签字确认：{0}").format(unit))
        self.setModal(True)
        self.setMinimumWidth(540)

        intro = QLabel(self.tr("签字确认后，“{0}”的评定、材料和自评报告将只读；"
                               "如需修改，须说明理由重新打开。").format(unit), self)
        intro.setWordWrap(True)
        self.blocker_label = QLabel(self.tr("正在检查能否签字确认…"), self)
        styled(self.blocker_label, "blockers")
        self.blocker_label.setWordWrap(True)
        self.blocker_label.setTextFormat(Qt.TextFormat.PlainText)
        self.score_label = QLabel(self)
        styled(self.score_label, "scoreLine")
        self.score_label.setWordWrap(True)
        self.name_edit = QLineEdit(signer, self)
        self.name_edit.setAccessibleName(self.tr("签字人姓名"))
        self.name_edit.setPlaceholderText(self.tr("签字人姓名"))
        self.name_edit.textChanged.connect(self._update_button)
        self.time_label = QLabel(self)
        self.time_label.setAccessibleName(self.tr("签字时间"))
        self.pad = SignaturePad(self)
        self.pad.changed.connect(self._update_button)
        clear = QPushButton(self.tr("清除签名"), self)
        clear.setAccessibleName(self.tr("清除签名"))
        clear.clicked.connect(self.pad.clear)

        form = QFormLayout()
        form.addRow(self.tr("签字人："), self.name_edit)
        form.addRow(self.tr("时间："), self.time_label)

        self.buttons = QDialogButtonBox(self)
        self.sign_button = self.buttons.addButton(self.tr("签字确认"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setAccessibleName(self.tr("签字确认"))
        self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.addButton(clear, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.accepted.connect(self.sign)
        self.buttons.rejected.connect(self.reject)
        self.error_label = QLabel(self)
        styled(self.error_label, "blockers")
        flag(self.error_label, "problem", True)
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.blocker_label)
        layout.addWidget(self.score_label)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("签名："), self))
        layout.addWidget(self.pad, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(1000)
        self._tick()
        self._update_button()
        session.signoff_blockers(unit, self._blockers_loaded,
                                 lambda exc: self._blockers_loaded([str(exc)]))
        session.run(lambda ctx: ctx.require().score(unit), self._score_loaded)

    def _score_loaded(self, score: object) -> None:
        """How far the unit is (counted as the unit switcher and the tree count it), then
        the score and the suggestion once anything is scored."""
        unit_mode = self.session.role == "unit"
        states = self.session.unit(self.unit).items.values()
        text = progress_line(done_count(states, unit_mode=unit_mode),
                             len(self.session.catalogue.items()), unit_mode=unit_mode)
        if isinstance(score, UnitScore) and score.overall is not None:
            text += self.tr("；按默认评分规则：得分率 {0:.1f}%，建议结果“{1}”"
                            "（仅供参考，由县委依法治县办决定）").format(
                score.overall, suggestion_text(score.suggested, score.unrated))
        self.score_label.setText(text)

    def _tick(self) -> None:
        self.time_label.setText(datetime.now().strftime("%Y年%m月%d日 %H:%M:%S")
                                + self.tr("（以按下“签字确认”时为准）"))

    def _blockers_loaded(self, blockers: list[str]) -> None:
        self.blockers = list(blockers)
        if blockers:
            self.blocker_label.setText(self.tr("暂不能签字确认：\n") + "\n".join(
                f"• {b}" for b in blockers))
            flag(self.blocker_label, "problem", True)
        else:
            self.blocker_label.setText(self.tr("✓ 各项均已评定，可以签字确认。"))
            flag(self.blocker_label, "problem", False)
            flag(self.blocker_label, "fine", True)
        self._update_button()

    def _update_button(self) -> None:
        ready = (self.blockers == [] and bool(self.name_edit.text().strip())
                 and not self.pad.is_empty())
        self.sign_button.setEnabled(ready)
        if self.blockers:
            self.sign_button.setToolTip(self.tr("还有未完成的事项，见上方说明"))
        elif not self.name_edit.text().strip():
            self.sign_button.setToolTip(self.tr("请填写签字人姓名"))
        elif self.pad.is_empty():
            self.sign_button.setToolTip(self.tr("请在签名区签名"))
        else:
            self.sign_button.setToolTip("")

    def sign(self) -> None:
        if not self.sign_button.isEnabled():
            return
        self.sign_button.setEnabled(False)
        self.session.sign_off(self.unit, self.name_edit.text().strip(), self.pad.to_png(),
                              lambda _signoffs: self.accept(), self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.error_label.setText(str(exc))
        self.error_label.show()
        self._update_button()
