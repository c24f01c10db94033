"""Showing a picture inside the window: fit, zoom and rotate, upright by its EXIF
orientation, decoded off the GUI thread at the size it is shown."""

from __future__ import annotations

from zhashui_inspector.ui.image_reading import read_upright
from zhashui_inspector.ui.previews import ZOOM_STEP, tool_button
from zhashui_inspector.ui.qt import (
    QFrame,
    QHBoxLayout,
    QImage,
    QLabel,
    QObject,
    QPainter,
    QPaintEvent,
    QPalette,
    QRunnable,
    QScrollArea,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    QTransform,
    QVBoxLayout,
    QWheelEvent,
    QWidget,
    Signal,
)


class _ImageRelay(QObject):
    decoded = Signal(int, object, object, float)   # token, QImage or None, full size, scale


class _ImageDecode(QRunnable):
    """Decode a picture in a pool thread at the scale it will be shown.

    JPEGs decode at reduced scale directly (DCT scaling), so showing a 12-megapixel photo
    fitted to the window never decodes all of it; zooming in decodes more.
    """

    def __init__(self, token: int, data: bytes, relay: _ImageRelay, *, scale: float | None,
                 box: QSize) -> None:
        super().__init__()
        self.token, self.data, self.relay = token, data, relay
        self.scale, self.box = scale, box

    def run(self) -> None:
        def scale_for(upright: QSize) -> float:
            if self.scale is not None:
                return self.scale
            return min(self.box.width() / upright.width(), self.box.height() / upright.height())

        image, upright, scale = read_upright(self.data, scale_for)   # fit the box, never enlarge
        self.relay.decoded.emit(self.token, image, upright, scale)


class ImageCanvas(QWidget):
    """Draws the decoded picture; until a sharper decode arrives, the last one stretched."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None      # decoded at `rendered_scale`, upright
        self.rendered_scale = 1.0
        self.full_size = QSize()              # the picture's own size, upright
        self.scale = 1.0                      # shown size / full size
        self.rotation = 0                     # the viewer's own turn, in degrees

    def view_size(self) -> QSize:
        if not self.full_size.isValid():
            return QSize(0, 0)
        w, h = self.full_size.width(), self.full_size.height()
        if self.rotation % 180:
            w, h = h, w
        return QSize(max(1, int(w * self.scale)), max(1, int(h * self.scale)))

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.view_size()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if self.image is None:
            return
        painter = QPainter(self)
        stretch = self.scale / self.rendered_scale
        if abs(stretch - 1.0) > 0.01:   # a stand-in until the right size is decoded
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        transform = QTransform()
        transform.translate(self.width() / 2, self.height() / 2)
        transform.rotate(self.rotation)
        transform.scale(stretch, stretch)
        transform.translate(-self.image.width() / 2, -self.image.height() / 2)
        painter.setTransform(transform)
        painter.drawImage(0, 0, self.image)


class ImagePreview(QWidget):
    decoded = Signal()

    def __init__(self, parent: QWidget | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self.fit = True
        self._token = 0
        self._data: bytes | None = None
        self._relay = _ImageRelay(self)
        self._relay.decoded.connect(self._on_decoded)
        self._redecode = QTimer(self)   # zooming and resizing come in bursts: decode once
        self._redecode.setSingleShot(True)
        self._redecode.setInterval(80)
        self._redecode.timeout.connect(self._decode_current)
        self.canvas = ImageCanvas()
        self.scroll = QScrollArea(self)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setWidget(self.canvas)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setBackgroundRole(QPalette.ColorRole.Dark)
        self.status = QLabel(self)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        self.fit_button = tool_button(self.tr("适应窗口"), self.tr("适应窗口"), self)
        self.fit_button.clicked.connect(self.fit_to_window)
        zoom_in = tool_button(self.tr("放大"), self.tr("放大"), self)
        zoom_in.clicked.connect(lambda: self.zoom(ZOOM_STEP))
        zoom_out = tool_button(self.tr("缩小"), self.tr("缩小"), self)
        zoom_out.clicked.connect(lambda: self.zoom(1 / ZOOM_STEP))
        actual = tool_button("1:1", self.tr("原始大小"), self)
        actual.clicked.connect(lambda: self.set_scale(1.0))
        left = tool_button(self.tr("↶ 左转"), self.tr("向左旋转 90°"), self)
        left.clicked.connect(lambda: self.rotate(-90))
        right = tool_button(self.tr("右转 ↷"), self.tr("向右旋转 90°"), self)
        right.clicked.connect(lambda: self.rotate(90))
        for button in (self.fit_button, zoom_out, zoom_in, actual, left, right):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)

    @property
    def full_size(self) -> QSize:
        return self.canvas.full_size

    def load(self, data: bytes) -> None:
        """Decode in a pool thread, fitted to the window; the picture appears when ready."""
        self._token += 1
        self._data = data
        self.canvas.image = None
        self.canvas.full_size = QSize()
        self.canvas.rotation = 0
        self.fit = True
        self.status.setText(self.tr("正在载入…"))
        self._start_decode(None)

    def _box(self) -> QSize:
        area = self.scroll.viewport().size()
        box = QSize(max(area.width() - 4, 16), max(area.height() - 4, 16))
        return box.transposed() if self.canvas.rotation % 180 else box

    def _start_decode(self, scale: float | None) -> None:
        if self._data is not None:
            self.pool.start(_ImageDecode(self._token, self._data, self._relay, scale=scale,
                                         box=self._box()))

    def _decode_current(self) -> None:
        self._start_decode(None if self.fit else self.canvas.scale)

    def _on_decoded(self, token: int, image: QImage | None, full: QSize, scale: float) -> None:
        if token != self._token:
            return
        if image is None:
            self.status.setText(self.tr("无法显示此图片"))
            return
        first = self.canvas.image is None
        self.canvas.image = image
        self.canvas.rendered_scale = scale
        self.canvas.full_size = full
        if self.fit:   # the window may have changed size while decoding
            box = self._box()
            wanted = min(box.width() / full.width(), box.height() / full.height(), 1.0)
            self._apply_scale(max(wanted, 0.01))
            if abs(wanted - scale) > 0.02 * max(wanted, scale):
                self._redecode.start()
        elif first:
            self._apply_scale(scale)
        else:
            self.canvas.update()
        self.decoded.emit()

    def _update_status(self) -> None:
        full = self.canvas.full_size
        if full.isValid():
            self.status.setText(f"{full.width()}×{full.height()}　{self.canvas.scale:.0%}")

    def fit_to_window(self) -> None:
        self.fit = True
        full = self.canvas.full_size
        if not full.isValid():
            return
        box = self._box()
        self._apply_scale(max(min(box.width() / full.width(), box.height() / full.height(), 1.0),
                              0.01))
        self._redecode.start()

    def zoom(self, factor: float) -> None:
        self.set_scale(self.canvas.scale * factor)

    def set_scale(self, scale: float) -> None:
        self.fit = False
        self._apply_scale(min(max(scale, 0.02), 16.0))
        self._redecode.start()

    def rotate(self, degrees: int) -> None:
        self.canvas.rotation = (self.canvas.rotation + degrees) % 360
        if self.fit:
            self.fit_to_window()
        else:
            self._apply_scale(self.canvas.scale)

    def _apply_scale(self, scale: float) -> None:
        self.canvas.scale = scale
        self.canvas.resize(self.canvas.view_size())
        self.canvas.update()
        self._update_status()

    def resizeEvent(self, event: object) -> None:  # noqa: N802
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.fit:
            self.fit_to_window()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP)
            event.accept()
            return
        super().wheelEvent(event)
