"""The start page shown without a work file: open one, recent files, a practice file,
the demo, and the office's mode."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.records import RoundStage
from zhashui_inspector.ui import qt  # dialogs: resolved on first use
from zhashui_inspector.ui.icons import app_icon
from zhashui_inspector.ui.qt import (
    QApplication,
    QCloseEvent,
    QFont,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QModelIndex,
    QPainter,
    QPalette,
    QPersistentModelIndex,
    QPushButton,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QVBoxLayout,
    QWidget,
)
from zhashui_inspector.ui.screen_fit import fit_window
from zhashui_inspector.ui.settings import forget_recent, load_bytes, recent_files, save_bytes
from zhashui_inspector.ui.stage import stage_status
from zhashui_inspector.ui.style import styled
from zhashui_inspector.ui.worker import FileWorker

APP_TITLE = "柞水县法治政府建设示范单位复查验收评估"
WORK_FILES = "工作文件 (*.sqlite *.zsi);;所有文件 (*)"
PathRole = Qt.ItemDataRole.UserRole + 41
PREFERRED_SIZE = QSize(980, 620)


class RecentFileDelegate(QStyledItemDelegate):
    """A recent file on two lines: its name, and under it the folder it is in (shortened
    in the middle, where a long path differs least), so that two files of the same name
    from different folders or USB sticks can be told apart. The full path is the tooltip."""

    PADDING = 4

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        name, _, folder = str(index.data() or "").partition("\n")
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        muted = opt.palette.color(QPalette.ColorRole.PlaceholderText)
        name_colour = index.data(Qt.ItemDataRole.ForegroundRole)
        rect = opt.rect.adjusted(self.PADDING + 2, self.PADDING, -self.PADDING - 2, -self.PADDING)
        line = opt.fontMetrics.height()
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(text_role) if selected or name_colour is None
                       else name_colour.color())
        painter.drawText(rect.adjusted(0, 0, 0, -line), Qt.AlignmentFlag.AlignLeft,
                         opt.fontMetrics.elidedText(name, Qt.TextElideMode.ElideRight,
                                                    rect.width()))
        if folder:
            painter.setPen(opt.palette.color(text_role) if selected else muted)
            painter.drawText(rect.adjusted(0, line, 0, 0), Qt.AlignmentFlag.AlignLeft,
                             opt.fontMetrics.elidedText(folder, Qt.TextElideMode.ElideMiddle,
                                                        rect.width()))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        lines = 1 + str(index.data() or "").count("\n")
        return QSize(option.rect.width(),
                     lines * option.fontMetrics.height() + 2 * self.PADDING + 2)


class StartWindow(QWidget):
    def __init__(self, manager: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("startWindow")
        self.manager = manager
        self.catalogue: Catalogue | None = None
        self.worker = FileWorker(self)
        self.setWindowTitle(APP_TITLE)
        fit_window(self, PREFERRED_SIZE, load_bytes("start_window/geometry"))

        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(QSize(72, 72)))
        title = QLabel(self.tr("柞水县法治政府建设示范单位复查验收评估"), self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        subtitle = QLabel(self.tr("现场评分 · 单位自查 · 县委依法治县办汇总　　依据 柞法治办发〔2023〕54号"),
                          self)
        styled(subtitle, "itemPath")
        self.stage_label = QLabel(self)
        styled(self.stage_label, "itemPath")
        heading = QVBoxLayout()
        heading.addWidget(title)
        heading.addWidget(subtitle)
        heading.addWidget(self.stage_label)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addSpacing(12)
        top.addLayout(heading, 1)

        choices = QGridLayout()
        choices.setVerticalSpacing(14)
        choices.setHorizontalSpacing(12)
        entries = [
            (self.tr("打开工作文件…"), self.tr("打开县委依法治县办下发的工作文件（评估组或单位自查）"),
             self.choose_file),
            (self.tr("新建练习文件…"), self.tr("自己练习用，不能交回导入"), self.new_practice_file),
            (self.tr("打开演示"), self.tr("本轮全部 12 个单位（13 次命名）的示例数据：部分已评定，附照片和 PDF，一个单位已签字"),
             self.open_demo),
            (self.tr("县委依法治县办模式…"), self.tr("选择办公文件夹：导入交回的文件、汇总、出报告"),
             self.open_office),
        ]
        self.buttons: list[QPushButton] = []
        for row, (label, note, slot) in enumerate(entries):
            button = QPushButton(label, self)
            button.setMinimumSize(QSize(190, 40))
            button.setAccessibleName(label.rstrip("…"))
            button.setToolTip(note)
            button.clicked.connect(slot)
            self.buttons.append(button)
            hint = QLabel(note, self)
            styled(hint, "itemPath")
            hint.setWordWrap(True)
            choices.addWidget(button, row, 0)
            choices.addWidget(hint, row, 1)
        choices.setColumnStretch(1, 1)
        choices.setRowStretch(len(entries), 1)

        recent_title = QLabel(self.tr("最近打开"), self)
        styled(recent_title, "sectionHeader")
        self.recent = QListWidget(self)
        self.recent.setObjectName("recentFiles")
        self.recent.setAccessibleName(self.tr("最近打开的工作文件"))
        self.recent.itemActivated.connect(self._open_recent)
        self.recent.setAlternatingRowColors(True)
        self.recent.setItemDelegate(RecentFileDelegate(self.recent))
        right = QVBoxLayout()
        right.addWidget(recent_title)
        right.addWidget(self.recent, 1)

        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        body = QHBoxLayout()
        body.addLayout(choices, 3)
        body.addSpacing(24)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.addLayout(top)
        layout.addSpacing(8)
        layout.addWidget(line)
        layout.addSpacing(8)
        layout.addLayout(body, 1)
        self.fill_recent()
        self.worker.submit(lambda ctx: Catalogue.load(), self._catalogue_loaded)

    def is_ready(self) -> bool:
        return True

    def _catalogue_loaded(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        stages = tuple(RoundStage(s.key, s.name, s.start, s.end) for s in catalogue.stages)
        self.stage_label.setText(self.tr("通知规定的阶段：") + stage_status(stages, date.today()).text)

    # ---- recent files -------------------------------------------------------------------------

    def fill_recent(self) -> None:
        self.recent.clear()
        for path in recent_files():
            exists = path.is_file()
            text = f"{path.name}\n{path.parent}" + ("" if exists else self.tr("（文件已不在此处）"))
            item = QListWidgetItem(text, self.recent)
            item.setData(PathRole, str(path))
            item.setToolTip(str(path))
            if not exists:
                item.setForeground(self.palette().placeholderText())
        if not self.recent.count():
            item = QListWidgetItem(self.tr("（还没有打开过工作文件）"), self.recent)
            item.setFlags(Qt.ItemFlag.NoItemFlags)

    def _open_recent(self, item: QListWidgetItem) -> None:
        raw = item.data(PathRole)
        if not raw:
            return
        path = Path(str(raw))
        if not path.is_file():
            qt.QMessageBox.information(self, APP_TITLE, self.tr("找不到 {0}，已从最近打开中移除").format(path))
            forget_recent(path)
            self.fill_recent()
            return
        self.open_path(path)

    # ---- the choices -----------------------------------------------------------------------------

    def choose_file(self) -> None:
        path, _filter = qt.QFileDialog.getOpenFileName(self, self.tr("打开工作文件"), "", WORK_FILES)
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> None:
        self.manager.open_file(path)  # type: ignore[attr-defined]
        self.close()

    def open_demo(self) -> None:
        self.manager.open_demo()  # type: ignore[attr-defined]
        self.close()

    def open_office(self) -> None:
        folder = qt.QFileDialog.getExistingDirectory(self, self.tr("选择县委依法治县办的办公文件夹"))
        if not folder:
            return
        window = self.manager.open_office(Path(folder), self)  # type: ignore[attr-defined]
        if window is not self:
            self.close()

    def new_practice_file(self) -> None:
        from zhashui_inspector.ui.practice_dialog import PracticeFileDialog

        if self.catalogue is None:
            return
        dialog = PracticeFileDialog(self.catalogue, self.worker, self)
        if dialog.exec() and dialog.created is not None:
            self.open_path(dialog.created)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        save_bytes("start_window/geometry", self.saveGeometry())
        self.worker.stop()
        super().closeEvent(event)
