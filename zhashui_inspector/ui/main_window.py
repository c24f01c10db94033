"""The window on one work file: it assembles the panes and wires them to one session.

Left dock: the standards tree. Centre: the checklist and the self-report. Right dock: the
evidence viewer. Toolbar: unit switcher, stage, undo/redo, print, sign-off. Status bar:
the saved state. The panes refresh themselves from the session's broadcast.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from zhashui_inspector.core.records import ROLE_LABELS
from zhashui_inspector.ui import qt  # dialogs: resolved on first use
from zhashui_inspector.ui.actions import Act, build_actions
from zhashui_inspector.ui.cache import Change, ChangeKind
from zhashui_inspector.ui.checklist_pane import ChecklistPane
from zhashui_inspector.ui.evidence_ingest import EvidenceIngest
from zhashui_inspector.ui.evidence_pane import EvidencePane
from zhashui_inspector.ui.first_paint import after_first_paint
from zhashui_inspector.ui.heap import freeze_start_up_heap
from zhashui_inspector.ui.qt import (
    QCloseEvent,
    QDockWidget,
    QDragEnterEvent,
    QDropEvent,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSize,
    QSizePolicy,
    Qt,
    QTabWidget,
    QTimer,
    QToolBar,
    QUndoStack,
    QVBoxLayout,
    QWidget,
    Signal,
)
from zhashui_inspector.ui.screen_fit import fit_window
from zhashui_inspector.ui.session import Session
from zhashui_inspector.ui.settings import (
    load_bytes,
    remember_recent,
    save_bytes,
    settings,
)
from zhashui_inspector.ui.stage import stage_status
from zhashui_inspector.ui.standards_model import StandardsTreeModel
from zhashui_inspector.ui.standards_tree import StandardsTreePane
from zhashui_inspector.ui.style import flag, styled
from zhashui_inspector.ui.thumbnails import ThumbnailCache
from zhashui_inspector.ui.unit_banner import UnitBanner
from zhashui_inspector.ui.unit_switcher import UnitSwitcher
from zhashui_inspector.ui.window_commands import WindowCommands
from zhashui_inspector.ui.window_menus import build_menus, build_toolbar

APP_TITLE = "柞水县法治政府建设示范单位复查验收评估"
STATE_VERSION = 2
PREFERRED_SIZE = QSize(1440, 900)   # where the screen has room for it
DOCK_WIDTHS = {"standardsDock": 330, "evidenceDock": 430}   # at first, and for older states
# never restored narrower: a width left by a tiny window would hide the dock's controls
MIN_RESTORED_WIDTHS = {"standardsDock": 200, "evidenceDock": 320}


class MainWindow(QMainWindow):
    ready = Signal()   # the work file is shown

    def __init__(self, manager: object, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("mainWindow")
        self.manager = manager
        self.today = today or date.today()
        self.session = Session(self)
        self.session.opened.connect(self._on_opened)
        self.session.open_failed.connect(self._on_open_failed)
        self.unit: str | None = None
        self._ready = False
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        fit_window(self, PREFERRED_SIZE, load_bytes("main_window/geometry"))
        self._loading = QLabel(self.tr("正在打开工作文件…"))
        self._loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(self._loading)

    def is_ready(self) -> bool:
        return self._ready

    # ---- opening --------------------------------------------------------------------------

    def open_file(self, path: Path) -> None:
        self._loading.setText(self.tr("正在打开 {0} …").format(Path(path).name))
        self.session.open(Path(path))

    def open_demo(self) -> None:
        from zhashui_inspector.ui.demo_file import ensure_demo

        self._loading.setText(self.tr("正在准备演示数据（首次需要几秒钟）…"))
        self.session.run(lambda ctx: ensure_demo(), self.open_file,
                         lambda exc: self._on_open_failed(str(exc)))

    def _on_open_failed(self, message: str) -> None:
        self.manager.file_failed(self, message)  # type: ignore[attr-defined]

    def _on_opened(self) -> None:
        self._build_workspace()
        remember_recent(self.session.path)
        # Widgets added to a shown window appear on the next turn of the event loop.
        QTimer.singleShot(0, self._mark_ready)

    def _mark_ready(self) -> None:
        self._ready = True
        after_first_paint(self.checklist.view.viewport(), self._after_first_paint)
        self.ready.emit()

    def _after_first_paint(self) -> None:
        """What waited for the checklist to be on screen (each would have delayed it)."""
        self.evidence.release_previews()
        self.thumbnails.release()
        self.checklist.view.lay_out_in_one_pass()
        freeze_start_up_heap()

    def content_widget(self) -> QWidget:
        """What the user came for: the checklist (the first paint of it ends `--smoke`)."""
        return self.checklist.view.viewport() if self._ready else self

    def _build_workspace(self) -> None:
        session = self.session
        unit_mode = session.role == "unit"
        self.undo_stack = QUndoStack(self)
        self.actions = build_actions(self)
        self.addActions(list(self.actions.values()))
        self.thumbnails = ThumbnailCache(session, self)
        self.thumbnails.hold()          # until the checklist has been painted
        self.ingest = EvidenceIngest(session, self.undo_stack, self.thumbnails, self, self)

        self.tree_model = StandardsTreeModel(session.catalogue, self)
        self.tree_pane = StandardsTreePane(self.tree_model, self)
        self.tree_pane.set_unit_mode(unit_mode)
        self.checklist = ChecklistPane(session, self.undo_stack, self)
        self._self_report = None  # built when its tab is first opened
        self.evidence = EvidencePane(session, self.undo_stack, self.ingest, self.thumbnails, self)
        self.evidence.hold_previews()   # until the checklist has been painted
        self.switcher = UnitSwitcher(session, self)
        self.banner = UnitBanner(self)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("centreTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.checklist, self.tr("检查表"))
        self.tabs.addTab(QWidget(self), self.tr("自评报告"))
        self.tabs.currentChanged.connect(self._tab_changed)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._loading.deleteLater()

        self.tree_dock = self._dock("standardsDock", self.tr("创建标准"), self.tree_pane,
                                    Qt.DockWidgetArea.LeftDockWidgetArea)
        evidence_area = QScrollArea(self)   # keeps its layout changes to itself
        evidence_area.setWidgetResizable(True)
        evidence_area.setFrameShape(QScrollArea.Shape.NoFrame)
        evidence_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        evidence_area.setWidget(self.evidence)
        self.evidence_dock = self._dock("evidenceDock", self.tr("佐证材料"), evidence_area,
                                        Qt.DockWidgetArea.RightDockWidgetArea)
        self.resizeDocks([self.tree_dock, self.evidence_dock], list(DOCK_WIDTHS.values()),
                         Qt.Orientation.Horizontal)

        self.stage_label = QLabel(self)
        styled(self.stage_label, "stageLabel")
        self.stage_label.setAccessibleName(self.tr("复查阶段"))
        self._show_stage()
        self.role_label = QLabel(self)
        styled(self.role_label, "roleLabel")
        role = ROLE_LABELS.get(session.role, session.role)
        self.role_label.setText(self.tr("{0}：{1}").format(role, session.identity.holder))
        self.commands = WindowCommands(self)
        self.toolbar: QToolBar = build_toolbar(self)
        build_menus(self)
        self.statusBar().addPermanentWidget(self.role_label)
        self.statusBar().addPermanentWidget(self.commands.save_indicator)

        self.tree_pane.scope_selected.connect(self.checklist.set_scope)
        self.checklist.current_item_changed.connect(
            lambda no: self.evidence.set_target(self.unit, no))
        self.checklist.message.connect(self.show_message)
        self.ingest.message.connect(self.show_message)
        self.switcher.unit_selected.connect(self.switch_unit)
        session.changed.connect(self.on_change)

        title = f"{session.path.name} — {APP_TITLE}"
        if unit_mode:
            title = self.tr("单位自查 · {0} — {1}").format(session.units[0], title)
        self.setWindowTitle(title)
        state = load_bytes("main_window/state")
        if state is not None and self.restoreState(state, STATE_VERSION):
            # a shown window applies a restored state on its next layout: size the docks after
            QTimer.singleShot(0, self._restore_dock_widths)
        splitter = load_bytes("main_window/checklist_splitter")
        if splitter is not None:
            self.checklist.splitter.restoreState(splitter)
        else:
            self.checklist.splitter.setSizes([560, 260])
        first = str(settings().value(f"last_unit/{session.identity.file_id}", "") or "")
        # the unit first, then every item: the checklist lays out its cards once, rated
        self.switch_unit(first if first in session.units else session.units[0])
        self.tree_pane.select_all_items()   # the checklist shows every item
        self.checklist.view.setFocus()
        self.commands.restore_linked_file()

    def _side_docks(self) -> list[QDockWidget]:
        """The docks beside the checklist (not floating, closed or moved above or below it)."""
        sides = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
        return [dock for dock in (self.tree_dock, self.evidence_dock)
                if not dock.isFloating() and not dock.isHidden()
                and self.dockWidgetArea(dock) in sides]

    def _restore_dock_widths(self) -> None:
        """Give the docks the widths they had, not what restoreState() makes of them.

        A state saved in a window of another size comes back with the difference in the
        docks (a narrow window's state in a wide one: docks twice as wide, the checklist as
        narrow as before). The checklist takes the difference instead, as it does when the
        window is resized, and its minimum width makes the docks give way in a narrow one."""
        docks = self._side_docks()
        if docks:
            self.resizeDocks(docks, [_saved_width(dock.objectName()) for dock in docks],
                             Qt.Orientation.Horizontal)
            self.layout().activate()   # before the window says it is ready

    def _dock(self, name: str, title: str, widget: QWidget,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    @property
    def self_report(self):  # type: ignore[no-untyped-def]
        """The self-report pane, made the first time anyone needs it."""
        if self._self_report is None:
            from zhashui_inspector.ui.self_report import SelfReportPane

            pane = SelfReportPane(self.session, self)
            pane.count_changed.connect(self._update_report_tab)
            current = self.tabs.currentIndex()
            placeholder = self.tabs.widget(1)
            self.tabs.blockSignals(True)
            self.tabs.removeTab(1)
            self.tabs.insertTab(1, pane, "")
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
            placeholder.deleteLater()
            self._self_report = pane
            if self.unit is not None:
                pane.set_unit(self.unit)
        return self._self_report

    def _tab_changed(self, index: int) -> None:
        if index == 1:
            self.tabs.setCurrentWidget(self.self_report)

    def flush_editors(self) -> None:
        """Save text still waiting for a typing pause (before switching, signing, closing)."""
        self.checklist.editor.flush()
        if self._self_report is not None:
            self._self_report.flush()

    def _show_stage(self) -> None:
        status = stage_status(self.session.identity.stages, self.today)
        self.stage_label.setText(status.text)
        flag(self.stage_label, "outside", not status.in_round)
        lines = [f"{s.name}：{s.start:%Y-%m-%d} 至 {s.end:%Y-%m-%d}"
                 for s in self.session.identity.stages]
        round_name = self.session.identity.round_name
        self.stage_label.setToolTip("\n".join(([round_name] if round_name else []) + lines))
        self.stage_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    # ---- the current unit ---------------------------------------------------------------------

    def switch_unit(self, unit: str) -> None:
        if unit == self.unit or unit not in self.session.units:
            return
        self.flush_editors()
        self.unit = unit
        self.switcher.select_unit(unit)
        cache = self.session.unit(unit)
        self.tree_model.set_states(cache.items, unit_mode=self.session.role == "unit")
        self.checklist.set_unit(unit)
        if self.tree_pane.proxy.is_active():   # a filter on ratings shows other items now
            self.tree_pane.refilter()
            self.tree_pane.emit_scope()
        if self._self_report is not None:
            self._self_report.set_unit(unit)
        self.evidence.set_target(unit, self.checklist.current_item())
        self._refresh_unit_state()
        settings().setValue(f"last_unit/{self.session.identity.file_id}", unit)

    def _refresh_unit_state(self) -> None:
        if self.unit is None:
            return
        cache = self.session.unit(self.unit)
        self.banner.show_unit(cache, self.session.linked)
        signed = cache.signed
        self.actions[Act.SIGN_OFF].setVisible(not signed)
        self.actions[Act.REOPEN].setVisible(signed)
        rates = self.session.role == "inspector"
        for act in (Act.RATE_1, Act.RATE_2, Act.RATE_3, Act.RATE_4, Act.CLEAR_RATING):
            self.actions[act].setEnabled(rates and not signed)
            self.actions[act].setVisible(rates)
        for act in (Act.ADD_EVIDENCE, Act.PASTE_EVIDENCE):
            self.actions[act].setEnabled(not signed)
        self._update_report_tab(cache.self_report.count, cache.self_report.limit)

    def _update_report_tab(self, count: int, limit: int) -> None:
        warn = "⚠ " if count > limit else ""
        self.tabs.setTabText(1, self.tr("{0}自评报告 {1}/{2}").format(warn, count, limit))

    def on_change(self, change: Change) -> None:
        if self.unit is None:
            return
        if change.kind is ChangeKind.ITEMS and change.unit == self.unit:
            self.tree_model.items_changed(change.item_nos)
        elif change.kind in (ChangeKind.SIGNOFF, ChangeKind.LINKED):
            self._refresh_unit_state()
            if change.kind is ChangeKind.SIGNOFF:
                self.undo_stack.clear()  # nothing before a sign-off may be undone past it
            self.tree_model.set_states(self.session.unit(self.unit).items,
                                       unit_mode=self.session.role == "unit")

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    # ---- drops anywhere on the window go to the current item ---------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self._ready and self.unit and EvidenceIngest.can_accept(event.mimeData()) \
                and not self.session.unit(self.unit).signed:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        if self._ready and self.unit:
            event.acceptProposedAction()
            self.ingest.add_mime(event.mimeData(), self.unit, self.checklist.current_item())

    # ---- closing --------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self._ready:
            self.flush_editors()
            if self.session.failed_count() and qt.QMessageBox.question(
                    self, self.tr("有修改未能保存"),
                    self.tr("有修改未能写入工作文件（见状态栏）。仍要关闭吗？未保存的修改将丢失。"),
                    qt.QMessageBox.StandardButton.Yes | qt.QMessageBox.StandardButton.No,
                    qt.QMessageBox.StandardButton.No) != qt.QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.undo_stack.blockSignals(True)  # its clean-up must not move the view
            save_bytes("main_window/state", self.saveState(STATE_VERSION))
            for dock in self._side_docks():
                settings().setValue(f"main_window/width/{dock.objectName()}", dock.width())
            save_bytes("main_window/checklist_splitter", self.checklist.splitter.saveState())
        save_bytes("main_window/geometry", self.saveGeometry())
        self.session.close()
        super().closeEvent(event)


def _saved_width(dock_name: str) -> int:
    """A dock's width when a window was last closed (the first one's for older settings),
    and at least what leaves its controls usable."""
    value = settings().value(f"main_window/width/{dock_name}", DOCK_WIDTHS[dock_name])
    try:
        return max(MIN_RESTORED_WIDTHS[dock_name], int(str(value)))
    except ValueError:
        return DOCK_WIDTHS[dock_name]
