"""The office's window (县委依法治县办 mode): issue work files, import returned files, settle
conflicts, record decisions, set the round's dates and the scoring policy, open the
master workbook and make the signed reports.

Everything that touches the office folder runs on one worker thread (each job opens the
office, does its work and closes it again, so the command line can use the folder in
between); the window only shows snapshots the worker hands back. The passphrase is asked
for once, when first needed, and kept in memory only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from zhashui_inspector.core.errors import ZhashuiError
from zhashui_inspector.exchange.conflicts import SideDetail
from zhashui_inspector.exchange.importer import ImportBatch
from zhashui_inspector.exchange.ledger import LEDGER_NAME
from zhashui_inspector.exchange.office import Office
from zhashui_inspector.ui import qt  # dialogs: resolved on first use
from zhashui_inspector.ui.column_fit import ColumnFitter
from zhashui_inspector.ui.first_paint import after_first_paint
from zhashui_inspector.ui.heap import freeze_start_up_heap
from zhashui_inspector.ui.office_conflicts import ConflictsPane
from zhashui_inspector.ui.office_dialogs import (
    TITLE,
    DecisionDialog,
    InitPage,
    RoundDialog,
    ask_passphrase,
    confirm_removing_locks,
)
from zhashui_inspector.ui.office_issue import IssueActions
from zhashui_inspector.ui.office_models import (
    RESIZE_ROWS,
    OfficeSnapshot,
    RecordTableModel,
    issued_columns,
    load_snapshot,
    log_columns,
    returned_files,
    unit_columns,
)
from zhashui_inspector.ui.office_policy import PolicyDialog
from zhashui_inspector.ui.office_reports import ReportActions
from zhashui_inspector.ui.qt import (
    QAbstractItemView,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSize,
    Qt,
    QTableView,
    QTabWidget,
    QToolBar,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)
from zhashui_inspector.ui.screen_fit import fit_window
from zhashui_inspector.ui.settings import load_bytes, save_bytes
from zhashui_inspector.ui.worker import FileWorker, Job, WorkerContext

log = logging.getLogger(__name__)
PREFERRED_SIZE = QSize(1200, 760)   # where the screen has room for it


class OfficeWindow(IssueActions, ReportActions, QMainWindow):
    refreshed = Signal()          # a new snapshot is on screen
    imported = Signal(object)     # ImportBatch

    def __init__(self, office_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.office_dir = Path(office_dir)
        self.worker = FileWorker(self)
        self.snapshot: OfficeSnapshot | None = None
        self.last_batch: ImportBatch | None = None
        self._passphrase: str | None = None
        self._progress: Any = None
        self.setWindowTitle(self.tr("{0} — {1}").format(TITLE, self.office_dir.name))
        self.setAcceptDrops(True)
        fit_window(self, PREFERRED_SIZE, load_bytes("office_window/geometry"))
        if (self.office_dir / LEDGER_NAME).is_file():
            self._build()
            self.refresh()
        else:
            self.init_page = InitPage(self.office_dir.name)
            self.init_page.create_button.clicked.connect(self.create_office)
            self.setCentralWidget(self.init_page)

    def is_ready(self) -> bool:
        return self.snapshot is not None or not (self.office_dir / LEDGER_NAME).is_file()

    # ---- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        bar = QToolBar(self.tr("办公室"))
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(bar)
        self.issue_action = bar.addAction(self.tr("下发工作文件…"), self.open_issue)
        self.import_action = bar.addAction(self.tr("导入交回文件…"), self.pick_files)
        self.workbook_action = bar.addAction(self.tr("打开总表"), self.open_workbook)
        self.report_button = QPushButton(self.tr("报告"))
        report_menu = QMenu(self.report_button)
        report_menu.addAction(self.tr("全县报告…"), lambda: self.ask_report(None))
        self.unit_report_action = report_menu.addAction(self.tr("所选单位的报告…"),
                                                        self.ask_unit_report)
        self.rectification_action = report_menu.addAction(
            self.tr("所选单位的整改清单…"), lambda: self.ask_unit_report(rectification=True))
        drafts = report_menu.addMenu(self.tr("草稿（不签章，供内部审阅）"))
        self.draft_action = drafts.addAction(self.tr("全县报告草稿…"),
                                             lambda: self.ask_report(None, sign=False))
        drafts.addAction(self.tr("所选单位的报告草稿…"), lambda: self.ask_unit_report(sign=False))
        drafts.addAction(self.tr("所选单位的整改清单草稿…"),
                         lambda: self.ask_unit_report(rectification=True, sign=False))
        report_menu.addSeparator()
        self.print_action = report_menu.addAction(self.tr("打印已生成的报告…"),
                                                  self.ask_print_report)
        self.verify_action = report_menu.addAction(self.tr("核验报告的签章…"),
                                                   self.ask_verify_report)
        self.report_button.setMenu(report_menu)
        bar.addWidget(self.report_button)
        bar.addSeparator()
        self.round_action = bar.addAction(self.tr("轮次设置…"), self.edit_round)
        self.policy_action = bar.addAction(self.tr("评分规则…"), self.edit_policy)
        self.round_label = QLabel()
        self.round_label.setObjectName("stageLabel")
        bar.addWidget(self.round_label)

        self.units_model = RecordTableModel(unit_columns(), self)
        self.units_table = self._table(self.units_model)
        self.units_table.doubleClicked.connect(lambda _index: self.open_decision())
        self.decide_button = QPushButton(self.tr("记录处理决定…"))
        self.decide_button.clicked.connect(self.open_decision)
        units_page = QWidget()
        units_layout = QVBoxLayout(units_page)
        row = QHBoxLayout()
        hint = QLabel(self.tr("建议结果由程序按评分规则给出；处理决定由县委依法治县办作出并写明理由。"))
        hint.setObjectName("itemPath")
        row.addWidget(hint, 1)
        row.addWidget(self.decide_button)
        units_layout.addLayout(row)
        units_layout.addWidget(self.units_table)

        self.log_model = RecordTableModel(log_columns(), self)
        self.log_table = self._table(self.log_model)
        self.drop_hint = QLabel(self.tr("把交回的工作文件（可多个，或整个文件夹）拖到此窗口，"
                                        "或点击“导入交回文件…”。每个文件一行结果，拒收的文件不改动任何数据。"))
        self.drop_hint.setWordWrap(True)
        self.drop_hint.setObjectName("linkedNote")
        log_page = QWidget()
        log_layout = QVBoxLayout(log_page)
        log_layout.addWidget(self.drop_hint)
        log_layout.addWidget(self.log_table)

        self.column_fitter = ColumnFitter(self)
        self.conflicts = ConflictsPane((), self._item_text, self.column_fitter)
        self.conflicts.details_wanted.connect(self._load_sides)
        self.conflicts.resolve_requested.connect(self.resolve)

        self.issued_model = RecordTableModel(issued_columns(), self)
        self.issued_table = self._table(self.issued_model)
        self.issued_summary = QLabel()
        self.issued_summary.setObjectName("itemPath")
        self.issued_page = QWidget()
        issued_layout = QVBoxLayout(self.issued_page)
        issued_layout.addWidget(self.issued_summary)
        issued_layout.addWidget(self.issued_table)

        self.write_workbook_button = QPushButton(self.tr("立即写入总表"))
        self.write_workbook_button.clicked.connect(self.write_workbook)
        self.write_workbook_button.hide()
        self.statusBar().addPermanentWidget(self.write_workbook_button)

        self.tabs = QTabWidget()
        self.tabs.addTab(units_page, self.tr("单位概况"))
        self.tabs.addTab(log_page, self.tr("导入记录"))
        self.tabs.addTab(self.conflicts, self.tr("评定分歧"))
        self.tabs.addTab(self.issued_page, self.tr("下发记录"))
        self.setCentralWidget(self.tabs)

    @staticmethod
    def _table(model: RecordTableModel) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setResizeContentsPrecision(RESIZE_ROWS)  # see office_conflicts
        return table

    def _item_text(self, no: int) -> str:
        return self.snapshot.item_texts.get(no, "") if self.snapshot else ""

    # ---- jobs -----------------------------------------------------------------------------

    def _run(self, fn: Callable[[WorkerContext], Any], on_done: Callable[[Any], None],
             on_progress: Callable[[int, int], None] | None = None) -> Job:
        return self.worker.submit(fn, on_done, self._failed, on_progress)

    def _failed(self, exc: BaseException) -> None:
        self._close_progress()
        if isinstance(exc, ZhashuiError):
            message = exc.message
        else:
            log.error("office job failed", exc_info=exc)
            message = self.tr("操作未完成：程序出错（{0}）").format(type(exc).__name__)
        self.statusBar().showMessage(message, 15000)
        qt.QMessageBox.warning(self, TITLE, message)
        if (self.office_dir / LEDGER_NAME).is_file() and hasattr(self, "tabs"):
            self.refresh()

    def refresh(self) -> None:
        folder = self.office_dir
        self.worker.submit(lambda _ctx: load_snapshot(folder), self._show, self._refresh_failed)

    def _refresh_failed(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, ZhashuiError) else repr(exc)
        log.error("reading the office folder failed: %s", message)
        self.statusBar().showMessage(self.tr("无法读取办公文件夹：{0}").format(message))

    def _show(self, snapshot: OfficeSnapshot) -> None:
        if self.snapshot is None:   # the first one: freeze the start-up heap once it shows
            after_first_paint(self.units_table.viewport(), freeze_start_up_heap)
        self.snapshot = snapshot
        review = snapshot.round.stage("review")
        deadline = self.tr("，复查验收评估截止 {0}").format(review.end.isoformat()) if review else ""
        self.round_label.setText(self.tr("当前轮次：{0}{1}").format(snapshot.round.name, deadline))
        if self.conflicts.rating.count() == 0:
            self.conflicts.rating.addItems(list(snapshot.ratings))
        self.units_model.set_records(snapshot.status.units)
        self.log_model.set_records(snapshot.log)
        self.issued_model.set_records(snapshot.issued)
        self.conflicts.set_conflicts(snapshot.conflicts)
        for table in (self.units_table, self.log_table, self.issued_table):
            self.column_fitter.fit(table, table.model().columnCount() - 1)
        open_count = sum(1 for c in snapshot.conflicts if c.status == "open")
        self.tabs.setTabText(2, self.tr("评定分歧（{0} 项待解决）").format(open_count) if open_count
                             else self.tr("评定分歧"))
        waiting = sum(1 for e in snapshot.issued if not e.returned)
        self.issued_summary.setText(
            self.tr("已下发 {0} 个工作文件，{1} 个尚未交回。").format(len(snapshot.issued), waiting)
            if snapshot.issued else self.tr("尚未下发工作文件：点击“下发工作文件…”为评估组或单位生成。"))
        self.write_workbook_button.setVisible(snapshot.status.workbook_pending)
        if snapshot.status.workbook_pending:
            self.statusBar().showMessage(self.tr("总表尚未按最新台账更新（可能正被 Excel 打开）；"
                                                 "关闭 Excel 后点“立即写入总表”"))
        self.refreshed.emit()

    def _load_sides(self, unit: str, item_no: int) -> None:
        from zhashui_inspector.exchange.conflicts import side_details

        folder = self.office_dir

        def job(_ctx: WorkerContext) -> list[SideDetail]:
            with Office.open(folder) as office:
                return side_details(office, unit, item_no)
        self._run(job, lambda sides: self.conflicts.show_details(unit, item_no, sides))

    # ---- passphrase -------------------------------------------------------------------------

    def with_passphrase(self, then: Callable[[str], None]) -> None:
        """Run `then(passphrase)` once the office key is unlocked (asked for once)."""
        if self._passphrase is not None:
            then(self._passphrase)
            return
        phrase = ask_passphrase(self)
        if phrase is None:
            return
        folder = self.office_dir

        def check(_ctx: WorkerContext) -> str:
            with Office.open(folder) as office:
                office.keys(phrase)
            return phrase

        def unlocked(ok: str) -> None:
            self._passphrase = ok
            then(ok)
        self.worker.submit(check, unlocked, self._failed)

    # ---- importing --------------------------------------------------------------------------

    def pick_files(self) -> None:
        names, _filter = qt.QFileDialog.getOpenFileNames(
            self, self.tr("选择交回的工作文件"), "",
            self.tr("工作文件 (*.sqlite *.zsi);;所有文件 (*)"))
        if names:
            self.import_paths([Path(n) for n in names])

    def import_paths(self, paths: list[Path]) -> None:
        files = returned_files(paths)
        if not files:
            self.statusBar().showMessage(self.tr("没有可导入的文件"), 8000)
            return
        self.with_passphrase(lambda phrase: self._start_import(files, phrase))

    def _start_import(self, files: list[Path], phrase: str) -> None:
        from zhashui_inspector.exchange.importer import import_files

        folder = self.office_dir

        def job(ctx: WorkerContext) -> ImportBatch:
            with Office.open(folder) as office:
                keys = office.keys(phrase)
                return import_files(office, files, keys,
                                    progress=lambda done, total, _name: ctx.progress(done, total),
                                    abort=ctx.aborted)

        dialog = qt.QProgressDialog(self.tr("正在检查并导入…"), self.tr("取消"), 0, len(files), self)
        dialog.setWindowTitle(self.tr("导入交回文件"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        self._progress = dialog

        def progress(done: int, total: int) -> None:
            if self._progress is None:
                return
            self._progress.setValue(min(done, total))
            if done < total:
                self._progress.setLabelText(self.tr("正在检查并导入第 {0} / {1} 个文件：{2}").format(
                    done + 1, total, files[done].name))
        job_handle = self._run(job, self._imported, progress)
        dialog.canceled.connect(job_handle.abort)

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.hide()
            self._progress.deleteLater()
            self._progress = None

    def _imported(self, batch: ImportBatch) -> None:
        self._close_progress()
        self.last_batch = batch
        done = len(batch.results) - batch.rejected
        summary = self.tr("已处理 {0} 个文件：{1} 个已导入或无变化，{2} 个拒收").format(
            len(batch.results), done, batch.rejected)
        if batch.cancelled:
            summary += self.tr("（已取消，其余文件未导入）")
        self.statusBar().showMessage(summary, 20000)
        self.tabs.setCurrentIndex(1)
        if batch.workbook_message:
            qt.QMessageBox.warning(self, TITLE, batch.workbook_message)
        self.imported.emit(batch)
        self.refresh()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and hasattr(self, "tabs"):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # ---- conflicts, decisions, round ---------------------------------------------------------

    def resolve(self, unit: str, item_no: int, rating: str, reason: str) -> None:
        from zhashui_inspector.exchange.conflicts import resolve

        self._write(lambda office: resolve(office, unit, item_no, rating, reason),
                    self.tr("已裁定 {0} 第 {1} 项为“{2}”").format(unit, item_no, rating))

    def _write(self, change: Callable[[Office], object], done_message: str) -> None:
        """Change the ledger, rewrite the workbook, refresh the window."""
        folder = self.office_dir

        def job(_ctx: WorkerContext) -> str:
            with Office.open(folder) as office:
                change(office)
                return office.refresh_workbook()

        def finished(problem: str) -> None:
            self.statusBar().showMessage(done_message, 10000)
            if problem:
                qt.QMessageBox.warning(self, TITLE, problem)
            self.refresh()
        self._run(job, finished)

    def selected_unit(self) -> str | None:
        rows = self.units_table.selectionModel().selectedRows()
        return self.units_model.record(rows[0].row()).name if rows else None

    def open_decision(self) -> DecisionDialog | None:
        """Open the decision dialog for the selected unit (window-modal, returns at once)."""
        name = self.selected_unit()
        if self.snapshot is None or name is None:
            self.statusBar().showMessage(self.tr("请先在表中选择一个单位"), 8000)
            return None
        unit = next(u for u in self.snapshot.status.units if u.name == name)
        dialog = DecisionDialog(unit, self.snapshot.outcomes, self)
        dialog.accepted.connect(lambda: self._decide(dialog))
        dialog.open()
        return dialog

    def _decide(self, dialog: DecisionDialog) -> None:
        from zhashui_inspector.exchange.conflicts import decide

        unit, outcome, reason = dialog.result_values()
        self._write(lambda office: decide(office, unit, outcome, reason),
                    self.tr("已记录对 {0} 的处理决定：{1}").format(unit, outcome))

    def edit_round(self) -> RoundDialog | None:
        if self.snapshot is None:
            return None
        dialog = RoundDialog(self.snapshot.round.name, self.snapshot.round.stages, self)
        dialog.accepted.connect(lambda: self._set_round(dialog))
        dialog.open()
        return dialog

    def _set_round(self, dialog: RoundDialog) -> None:
        name, spans = dialog.values()
        changes: dict[str, tuple[date, date]] = dict(spans)
        self._write(lambda office: office.set_round(name, changes),
                    self.tr("已保存轮次“{0}”的阶段日期").format(name))

    def edit_policy(self) -> PolicyDialog | None:
        snapshot = self.snapshot
        if snapshot is None or snapshot.policy is None or snapshot.default_policy is None:
            return None
        dialog = PolicyDialog(snapshot.policy, snapshot.default_policy, snapshot.outcomes,
                              snapshot.item_texts, self)
        dialog.accepted.connect(lambda: self._set_policy(dialog))
        dialog.open()
        return dialog

    def _set_policy(self, dialog: PolicyDialog) -> None:
        policy = dialog.policy()
        self._write(lambda office: office.set_policy(policy),
                    self.tr("已保存评分规则“{0}”，建议结果已按新规则更新").format(policy.label))

    # ---- workbook and report ----------------------------------------------------------------

    def write_workbook(self) -> None:
        """Write the workbook the ledger is ahead of (after Excel held it open); first,
        if the user confirms nothing has it open, delete the lock files an office program
        left beside it when it ended without closing it."""
        from zhashui_inspector.exchange.workbook import lock_files, remove_lock_files

        target = self.snapshot.workbook if self.snapshot else self.office_dir / "master.xlsx"
        locks = lock_files(target)
        if locks and not confirm_removing_locks(self, target, locks):
            return
        self._write(lambda office: remove_lock_files(office.workbook_path) if locks else None,
                    self.tr("已按台账写入总表"))

    def open_workbook(self) -> None:
        path = self.snapshot.workbook if self.snapshot else self.office_dir / "master.xlsx"
        if not path.is_file():
            qt.QMessageBox.information(self, TITLE, self.tr("总表尚未生成"))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # ---- a folder that is not an office folder yet ----------------------------------------------

    def create_office(self) -> None:
        phrase = ask_passphrase(self, confirm=True)
        if phrase is None:
            return
        folder = self.office_dir

        def job(_ctx: WorkerContext) -> str:
            with Office.init(folder, phrase) as office:
                return office.refresh_workbook()

        def created(problem: str) -> None:
            self._passphrase = phrase
            self._build()
            if problem:
                qt.QMessageBox.warning(self, TITLE, problem)
            self.refresh()
        self._run(job, created)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        save_bytes("office_window/geometry", self.saveGeometry())
        self.worker.stop()
        super().closeEvent(event)
