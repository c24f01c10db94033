"""The office window's reports: the county report, one unit's report or 整改清单, made
(signed, or as a draft for reading within the office) in a child process, then opened or
printed; and a report sent back to the office checked against its certificate.

A mixin of `OfficeWindow` (it uses the window's worker, passphrase and status bar), kept
apart so that the window's module stays about the window.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from zhashui_inspector.ui import qt  # dialogs: resolved on first use
from zhashui_inspector.ui.office_dialogs import TITLE
from zhashui_inspector.ui.qt import QDesktopServices, Qt, QUrl
from zhashui_inspector.ui.worker import WorkerContext

if TYPE_CHECKING:   # the report modules load in the child process only
    from zhashui_inspector.reports.signing import VerifyResult


class ReportActions:
    """Making, opening and printing the reports; checking a signed one."""

    def ask_unit_report(self, *, rectification: bool = False, sign: bool = True) -> None:
        unit = self.selected_unit()
        if unit is None:
            self.tabs.setCurrentIndex(0)
            self.statusBar().showMessage(self.tr("请先在“单位概况”中选择一个单位"), 8000)
            return
        self.ask_report(unit, rectification=rectification, sign=sign)

    def ask_report(self, unit: str | None, *, rectification: bool = False,
                   sign: bool = True) -> None:
        stem = f"{unit}整改清单" if rectification else \
            f"{unit}复查验收评估报告" if unit else "全县复查验收评估报告"
        stem += f"-{date.today():%Y%m%d}" + ("" if sign else "-草稿")
        default = self.office_dir / "reports" / f"{stem}.pdf"
        title = self.tr("保存签章报告") if sign else self.tr("保存报告草稿（不签章）")
        name, _filter = qt.QFileDialog.getSaveFileName(self, title, str(default),
                                                       self.tr("PDF 文件 (*.pdf)"))
        if name:
            self.make_report(Path(name), unit, rectification=rectification, sign=sign)

    def make_report(self, out: Path, unit: str | None = None, *,
                    rectification: bool = False, sign: bool = True) -> None:
        """The county report, one unit's report, or (`rectification`) a unit's 整改清单,
        signed with the office's certificate; or (not `sign`) a draft, marked as one on
        every page, that needs no passphrase."""
        if not sign:
            self._start_report(out, unit, "", rectification, sign=False)
            return
        self.with_passphrase(lambda phrase: self._start_report(out, unit, phrase, rectification))

    def _start_report(self, out: Path, unit: str | None, phrase: str,
                      rectification: bool = False, *, sign: bool = True) -> None:
        folder = self.office_dir
        builder = "build_signed_rectification" if rectification else "build_signed_report"

        def job(_ctx: WorkerContext) -> Path:
            from zhashui_inspector.child_process import run_in_child

            # in a process of its own (its garbage collections would freeze the window),
            # named so that only that process imports the report modules
            return Path(run_in_child(f"zhashui_inspector.reports.county:{builder}",
                                     folder, out, unit=unit, passphrase=phrase, sign=sign))

        text = self.tr("正在生成并签名报告…") if sign else self.tr("正在生成报告草稿…")
        self._show_busy(text, self.tr("生成签章报告") if sign else self.tr("生成报告草稿"))
        self._run(job, lambda path: self._report_done(path, signed=sign))

    def _show_busy(self, text: str, title: str) -> None:
        dialog = qt.QProgressDialog(text, "", 0, 0, self)
        dialog.setCancelButton(None)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        self._progress = dialog

    def _report_done(self, path: Path, *, signed: bool = True) -> None:
        self._close_progress()
        if signed:
            status, told = self.tr("已生成签章报告 {0}"), self.tr("已生成并签名：{0}")
        else:
            status = self.tr("已生成报告草稿 {0}")
            told = self.tr("已生成草稿（未签章，每页页眉注明“草稿”，不作正式发布）：{0}")
        self.statusBar().showMessage(status.format(path), 20000)
        box = qt.QMessageBox(qt.QMessageBox.Icon.Information, TITLE, told.format(path),
                             parent=self)
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

    def ask_verify_report(self) -> None:
        name, _filter = qt.QFileDialog.getOpenFileName(
            self, self.tr("核验报告的签章"), str(self.office_dir / "reports"),
            self.tr("PDF 文件 (*.pdf)"))
        if name:
            self.verify_report(Path(name))

    def verify_report(self, path: Path) -> None:
        """Whether `path` is a report this office signed and nobody changed since."""
        folder = self.office_dir

        def job(_ctx: WorkerContext) -> VerifyResult:
            from zhashui_inspector.child_process import run_in_child

            return run_in_child("zhashui_inspector.reports.signing:verify_office_pdf",
                                path, folder)

        self._show_busy(self.tr("正在核验签章…"), self.tr("核验报告的签章"))
        self._run(job, lambda result: self._verified(path, result))

    def _verified(self, path: Path, result: VerifyResult) -> None:
        self._close_progress()
        ok = result.ok
        icon = qt.QMessageBox.Icon.Information if ok else qt.QMessageBox.Icon.Warning
        box = qt.QMessageBox(icon, TITLE, self.tr("“{0}”：{1}").format(
            path.name, self.tr("签章有效") if ok else self.tr("签章无效，或不是本办签发的报告")),
            parent=self)
        box.setInformativeText("\n".join(result.lines()))
        box.open()
        self.verify_box = box

    def ask_print_report(self) -> None:
        name, _filter = qt.QFileDialog.getOpenFileName(
            self, self.tr("打印报告"), str(self.office_dir / "reports"), self.tr("PDF 文件 (*.pdf)"))
        if name:
            self.print_report(Path(name))

    def print_report(self, path: Path) -> bool:
        """The system print dialog with a preview of a report (the signed PDF itself)."""
        from zhashui_inspector.ui.printing import print_pdf

        return print_pdf(self, path, path.stem)
