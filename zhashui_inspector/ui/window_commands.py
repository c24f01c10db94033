"""What the work-file window's actions do: moving, rating by keyboard, undo, evidence,
sign-off, the unit's self-check file, printing, hand-back and saving trouble."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhashui_inspector.core.text import clip
from zhashui_inspector.ui import qt  # dialogs: resolved on first use
from zhashui_inspector.ui.actions import Act
from zhashui_inspector.ui.plain_text import MESSAGE_CHARS, warn
from zhashui_inspector.ui.qt import (
    QApplication,
    QObject,
    Qt,
)
from zhashui_inspector.ui.save_indicator import SaveIndicator
from zhashui_inspector.ui.settings import (
    linked_self_check,
    remember_linked_self_check,
    settings,
)

if TYPE_CHECKING:
    from zhashui_inspector.ui.main_window import MainWindow

WORK_FILES = "工作文件 (*.sqlite *.zsi);;所有文件 (*)"


class WindowCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.session = window.session
        self.save_indicator = SaveIndicator(window)
        self.refusal: Any = None   # the last box saying why a self-check file was not loaded
        self.session.save_state.connect(self.save_indicator.show_state)
        self.save_indicator.retry_requested.connect(self.session.retry)
        a = window.actions
        ratings = self.session.catalogue.ratings
        for act, rating in zip((Act.RATE_1, Act.RATE_2, Act.RATE_3, Act.RATE_4), ratings,
                               strict=False):
            a[act].triggered.connect(lambda _=False, r=rating: window.checklist.rate_current(r))
        self._connect({
            Act.CLEAR_RATING: lambda: window.checklist.rate_current(None),
            Act.NEXT_ITEM: lambda: window.checklist.move(+1),
            Act.PREV_ITEM: lambda: window.checklist.move(-1),
            Act.NEXT_UNIT: lambda: self.step_unit(+1),
            Act.PREV_UNIT: lambda: self.step_unit(-1),
            Act.FILTER: self.focus_filter,
            Act.GO_TO: self.ask_go_to,
            Act.UNDO: window.undo_stack.undo,
            Act.REDO: window.undo_stack.redo,
            Act.SHOW_CHECKLIST: lambda: window.tabs.setCurrentIndex(0),
            Act.SHOW_SELF_REPORT: lambda: window.tabs.setCurrentIndex(1),
            Act.ADD_EVIDENCE: lambda: window.evidence.choose_files(window.checklist.current_item()),
            Act.PASTE_EVIDENCE: window.evidence.paste,
            Act.SIGN_OFF: self.sign_off,
            Act.REOPEN: self.reopen,
            Act.LOAD_SELF_CHECK: self.choose_self_check,
            Act.DROP_SELF_CHECK: self.drop_self_check,
            Act.HAND_BACK: self.hand_back,
            Act.PRINT_BLANK: lambda: self.build_checklist(None, self._print),
            Act.PRINT_UNIT: lambda: self.build_checklist(window.unit, self._print),
            Act.SAVE_PDF: lambda: self.build_checklist(window.unit, self._save_pdf),
            Act.OPEN: self.open_other,
            Act.CLOSE_FILE: self.close_file,
            Act.QUIT: QApplication.closeAllWindows,
            Act.SHORTCUTS: self.show_shortcuts,
        })
        stack = window.undo_stack
        a[Act.UNDO].setEnabled(False)
        a[Act.REDO].setEnabled(False)
        stack.canUndoChanged.connect(a[Act.UNDO].setEnabled)
        stack.canRedoChanged.connect(a[Act.REDO].setEnabled)
        # What undo would take back goes to the status bar: changing the action's own text
        # on every edit would lay out the toolbar, and with it the window, each time.
        stack.indexChanged.connect(self._show_undo_text)
        stack.indexChanged.connect(self._follow_undo)
        unit_mode = self.session.role == "unit"
        for act in (Act.LOAD_SELF_CHECK, Act.DROP_SELF_CHECK):
            a[act].setVisible(not unit_mode)
        for act in (Act.RATE_1, Act.RATE_2, Act.RATE_3, Act.RATE_4, Act.CLEAR_RATING):
            a[act].setEnabled(not unit_mode)
        window.banner.reopen_requested.connect(self.reopen)
        window.banner.unlink_requested.connect(self.drop_self_check)

    def _connect(self, handlers: dict[Act, Any]) -> None:
        for act, handler in handlers.items():
            self.w.actions[act].triggered.connect(lambda _=False, h=handler: h())

    # ---- moving -----------------------------------------------------------------------------

    def step_unit(self, delta: int) -> None:
        units = self.session.units
        if self.w.unit is None:
            return
        row = units.index(self.w.unit) + delta
        if 0 <= row < len(units):
            self.w.switch_unit(units[row])

    def focus_filter(self) -> None:
        self.w.tree_dock.show()
        self.w.tree_pane.focus_filter()

    def ask_go_to(self) -> None:
        numbers = [i.no for i in self.session.catalogue.items()]
        current = self.w.checklist.current_item() or numbers[0]
        no, ok = qt.QInputDialog.getInt(self.w, self.tr("转到指标"),
                                     self.tr("指标编号（{0}–{1}）：").format(numbers[0], numbers[-1]),
                                     current, numbers[0], numbers[-1])
        self.w.activateWindow()  # back to the checklist for the keyboard, on every platform
        if ok:
            self.go_to_item(no)

    def go_to_item(self, item_no: int) -> bool:
        """Make `item_no` the current item, widening the list shown if it is not in it."""
        self.w.tabs.setCurrentIndex(0)
        if self.w.checklist.go_to(item_no):
            return True
        pane = self.w.tree_pane
        if not pane.proxy.accepts_item(pane.model.item_nodes[item_no],
                                       pane.model.states.get(item_no)):
            pane.filter_edit.clear()
            pane.set_quick_filter(None)
        pane.select_all_items()
        return self.w.checklist.go_to(item_no)

    def _show_undo_text(self, _index: int) -> None:
        text = self.w.undo_stack.undoText()
        if text:
            self.w.statusBar().showMessage(self.tr("可撤销：{0}（Ctrl+Z）").format(text), 4000)

    def _follow_undo(self, _index: int) -> None:
        """After undo or redo, show the unit and item that changed."""
        stack = self.w.undo_stack
        command = stack.command(stack.index()) if stack.index() < stack.count() else None
        command = command or (stack.command(stack.index() - 1) if stack.index() else None)
        unit = getattr(command, "unit", None)
        if unit is not None and unit != self.w.unit:
            self.w.switch_unit(unit)

    # ---- sign-off ---------------------------------------------------------------------------

    def sign_off(self) -> None:
        from zhashui_inspector.ui.signoff_dialog import SignOffDialog

        unit = self.w.unit
        if unit is None:
            return
        self.w.flush_editors()
        dialog = SignOffDialog(self.session, unit, str(settings().value("last_signer", "") or ""),
                               self.w)
        if dialog.exec():
            settings().setValue("last_signer", dialog.name_edit.text().strip())
            self.w.show_message(self.tr("{0} 已签字确认").format(unit))

    def reopen(self) -> None:
        unit = self.w.unit
        if unit is None or not self.session.unit(unit).signed:
            return
        reason, ok = qt.QInputDialog.getMultiLineText(
            self.w, self.tr("重新打开 {0}").format(unit),
            self.tr("“{0}”已签字确认。重新打开须说明理由（记入审计日志）：").format(unit))
        if not ok:
            return
        if not reason.strip():
            qt.QMessageBox.warning(self.w, self.tr("重新打开"), self.tr("必须说明重新打开的理由"))
            return
        self.session.reopen(unit, reason.strip(),
                            lambda _s: self.w.show_message(self.tr("{0} 已重新打开").format(unit)),
                            lambda exc: qt.QMessageBox.warning(self.w, self.tr("重新打开"), str(exc)))

    # ---- the unit's self-check file ------------------------------------------------------------

    def choose_self_check(self) -> None:
        path, _filter = qt.QFileDialog.getOpenFileName(
            self.w, self.tr("载入单位自查文件（只读）"), "", WORK_FILES)
        if path:
            self.load_self_check(Path(path))

    def load_self_check(self, path: Path, quiet: bool = False) -> None:
        file_id = self.session.identity.file_id

        def loaded(linked: Any) -> None:
            remember_linked_self_check(file_id, linked.path)
            if linked.unit.name != self.w.unit:
                self.w.switch_unit(linked.unit.name)
            self.w.show_message(self.tr("已载入 {0} 的自查文件").format(linked.unit.name))

        def failed(exc: BaseException) -> None:
            if quiet:
                remember_linked_self_check(file_id, None)
                self.w.show_message(self.tr("上次载入的单位自查文件已无法打开：{0}").format(
                    clip(str(exc), MESSAGE_CHARS)))
            else:   # the reason may quote the file's own names: shown as plain text
                self.refusal = warn(self.w, self.tr("载入单位自查文件"), str(exc))

        self.session.load_linked(path, loaded, failed)

    def restore_linked_file(self) -> None:
        if self.session.role != "inspector":
            return
        path = linked_self_check(self.session.identity.file_id)
        if path is not None:
            self.load_self_check(path, quiet=True)

    def drop_self_check(self) -> None:
        self.session.unlink()
        remember_linked_self_check(self.session.identity.file_id, None)

    # ---- files ---------------------------------------------------------------------------------

    def hand_back(self) -> None:
        stem = self.session.path.stem
        suggested = str(self.session.path.with_name(f"{stem}-交回-{date.today():%Y%m%d}.sqlite"))
        target, _f = qt.QFileDialog.getSaveFileName(self.w, self.tr("写出交回文件"), suggested,
                                                 WORK_FILES)
        if not target:
            return
        self.w.flush_editors()
        self.session.run(lambda ctx: ctx.require().hand_back(Path(target)),
                         lambda out: self.w.show_message(self.tr("已写出交回文件 {0}").format(out)),
                         lambda exc: qt.QMessageBox.warning(self.w, self.tr("写出交回文件"), str(exc)))

    def open_other(self) -> None:
        path, _f = qt.QFileDialog.getOpenFileName(self.w, self.tr("打开工作文件"), "", WORK_FILES)
        if path:
            self.w.manager.open_file(Path(path))  # type: ignore[attr-defined]

    def close_file(self) -> None:
        self.w.manager.show_start()  # type: ignore[attr-defined]
        self.w.close()

    # ---- printing ------------------------------------------------------------------------------

    def build_checklist(self, unit: str | None, then: Any) -> None:
        """Render the checklist PDF on the worker (it reads the file), then print or save it."""
        self.w.flush_editors()
        out = Path(tempfile.mkdtemp(prefix="zhashui-print-")) / (
            f"{unit}检查表.pdf" if unit else "空白检查表.pdf")

        def job(ctx: Any) -> Path:
            from zhashui_inspector.reports.checklist import render_checklist

            wf = ctx.require()
            return render_checklist(out, wf.catalogue, unit=unit,
                                    workfile=wf if unit else None)

        def failed(exc: BaseException) -> None:
            QApplication.restoreOverrideCursor()
            message = (self.tr("此版本尚不能生成检查表 PDF") if isinstance(exc, ImportError)
                       else str(exc))
            qt.QMessageBox.warning(self.w, self.tr("打印"), message)

        def done(path: Path) -> None:
            QApplication.restoreOverrideCursor()
            then(path, unit)

        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        self.w.show_message(self.tr("正在生成检查表 PDF…"))
        self.session.run(job, done, failed)

    def _print(self, path: Path, unit: str | None) -> None:
        from zhashui_inspector.ui.printing import print_pdf

        print_pdf(self.w, path, self.tr("{0}检查表").format(unit) if unit else self.tr("空白检查表"))

    def _save_pdf(self, path: Path, unit: str | None) -> None:
        from zhashui_inspector.ui.printing import save_pdf_copy

        saved = save_pdf_copy(self.w, path, path.name)
        if saved is not None:
            self.w.show_message(self.tr("已保存 {0}").format(saved))

    def show_shortcuts(self) -> None:
        from zhashui_inspector.ui.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self.w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exec()
