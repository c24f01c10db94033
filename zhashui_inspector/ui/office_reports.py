"""The office window's signed reports: the county report, one unit's report or 整改清单,
made and signed in a child process, then opened or printed.

A mixin of `OfficeWindow` (it uses the window's worker, passphrase and status bar), kept
apart so that the window's module stays about the window.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from zhashui_inspector.ui import qt  # dialogs: resolved on first use
from zhashui_inspector.ui.office_dialogs import TITLE
from zhashui_inspector.ui.qt import QDesktopServices, Qt, QUrl
from zhashui_inspector.ui.worker import WorkerContext


class ReportActions:
    """Making, opening and printing the signed reports."""

    def ask_unit_report(self, *, rectification: bool = False) -> None:
        unit = self.selected_unit()
        if unit is None:
            self.tabs.setCurrentIndex(0)
            self.statusBar().showMessage(self.tr("请先在“单位概况”中选择一个单位"), 8000)
            return
        self.ask_report(unit, rectification=rectification)

    def ask_report(self, unit: str | None, *, rectification: bool = False) -> None:
        stem = f"{unit}整改清单" if rectification else \
            f"{unit}复查验收评估报告" if unit else "全县复查验收评估报告"
        default = self.office_dir / "reports" / f"{stem}-{date.today():%Y%m%d}.pdf"
        name, _filter = qt.QFileDialog.getSaveFileName(self, self.tr("保存签章报告"), str(default),
                                                       self.tr("PDF 文件 (*.pdf)"))
        if name:
            self.make_report(Path(name), unit, rectification=rectification)

    def make_report(self, out: Path, unit: str | None = None, *,
                    rectification: bool = False) -> None:
        """The county report, one unit's report, or (`rectification`) a unit's 整改清单,
        signed with the office's certificate."""
        self.with_passphrase(lambda phrase: self._start_report(out, unit, phrase, rectification))

    def _start_report(self, out: Path, unit: str | None, phrase: str,
                      rectification: bool = False) -> None:
        folder = self.office_dir
        builder = "build_signed_rectification" if rectification else "build_signed_report"

        def job(_ctx: WorkerContext) -> Path:
            from zhashui_inspector.child_process import run_in_child

            # in a process of its own (its garbage collections would freeze the window),
            # named so that only that process imports the report modules
            return Path(run_in_child(f"zhashui_inspector.reports.county:{builder}",
                                     folder, out, unit=unit, passphrase=phrase))

        dialog = qt.QProgressDialog(self.tr("正在生成并签名报告…"), "", 0, 0, self)
        dialog.setCancelButton(None)
        dialog.setWindowTitle(self.tr("生成签章报告"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        self._progress = dialog
        self._run(job, self._report_done)

    def _report_done(self, path: Path) -> None:
        self._close_progress()
        self.statusBar().showMessage(self.tr("已生成签章报告 {0}").format(path), 20000)
        box = qt.QMessageBox(qt.QMessageBox.Icon.Information, TITLE,
                             self.tr("已生成并签名：{0}").format(path), parent=self)
        open_button = box.addButton(self.tr("打开"), qt.QMessageBox.ButtonRole.AcceptRole)
        print_button = box.addButton(self.tr("打印…"), qt.QMessageBox.ButtonRole.ActionRole)
        box.addButton(self.tr("关闭"), qt.QMessageBox.ButtonRole.RejectRole)

        def clicked(button: object) -> None:
            if button is open_button:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
            elif button is print_button:
                self.print_report(path)
        box.buttonClicked.connect(clicked)
        box.open()
        self.report_box = box

    def ask_print_report(self) -> None:
        name, _filter = qt.QFileDialog.getOpenFileName(
            self, self.tr("打印报告"), str(self.office_dir / "reports"), self.tr("PDF 文件 (*.pdf)"))
        if name:
            self.print_report(Path(name))

    def print_report(self, path: Path) -> bool:
        """The system print dialog with a preview of a report (the signed PDF itself)."""
        from zhashui_inspector.ui.printing import print_pdf

        return print_pdf(self, path, path.stem)
