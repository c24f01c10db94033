"""The one way evidence comes in: a drop, the file dialog and a paste all end in `add_paths`.

Files stream into the work file on the worker; a progress dialog with a cancel button
appears when a batch takes more than a moment. Each file added becomes an undo step.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from zhashui_inspector.core.records import Evidence
from zhashui_inspector.ui import qt  # dialogs: resolved on first use
from zhashui_inspector.ui.qt import (
    QImage,
    QMimeData,
    QObject,
    Qt,
    QUndoStack,
    QWidget,
    Signal,
)
from zhashui_inspector.ui.session import Session
from zhashui_inspector.ui.thumbnails import DECODABLE, ThumbnailCache
from zhashui_inspector.ui.undo import AddEvidence
from zhashui_inspector.ui.worker import Job

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".heic"}
TABLE_SUFFIXES = {".xls", ".xlsx", ".csv", ".et", ".ods"}
DOCUMENT_SUFFIXES = {".pdf", ".doc", ".docx", ".wps", ".ofd", ".txt", ".rtf", ".odt"}
PROGRESS_STEPS = 1000


def guess_kind(name: str) -> str:
    """文件 / 图片 / 表册 / 总结 / 其他, from the file's name; the user can change it."""
    suffix = Path(name).suffix.lower()
    if "总结" in name:
        return "总结"
    if suffix in IMAGE_SUFFIXES:
        return "图片"
    if suffix in TABLE_SUFFIXES:
        return "表册"
    if suffix in DOCUMENT_SUFFIXES:
        return "文件"
    return "其他"


def default_caption(path: Path) -> str:
    return path.stem[:80]


class EvidenceIngest(QObject):
    added = Signal(object)          # Evidence, once it is in the file
    message = Signal(str)           # short notes for the status bar

    def __init__(self, session: Session, undo_stack: QUndoStack, thumbnails: ThumbnailCache,
                 window: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.undo_stack = undo_stack
        self.thumbnails = thumbnails
        self.window = window
        self._paste_dir: Path | None = None
        self._batch: list[Job] = []
        self._dialog: qt.QProgressDialog | None = None

    # ---- what can come in ---------------------------------------------------------------

    @staticmethod
    def can_accept(mime: QMimeData) -> bool:
        return mime.hasUrls() or mime.hasImage()

    def add_mime(self, mime: QMimeData, unit: str, item_no: int | None) -> int:
        """A drop or a paste: local files, or an image on the clipboard."""
        paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
        if paths:
            return self.add_paths(paths, unit, item_no)
        if mime.hasImage():
            image = mime.imageData()
            if isinstance(image, QImage) and not image.isNull():
                return self.add_paths([self._save_pasted(image)], unit, item_no, pasted=True)
        self.message.emit(self.tr("剪贴板或拖入的内容中没有文件或图片"))
        return 0

    def _save_pasted(self, image: QImage) -> Path:
        if self._paste_dir is None:
            self._paste_dir = Path(tempfile.mkdtemp(prefix="zhashui-paste-"))
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]
        path = self._paste_dir / f"粘贴的图片-{stamp}.png"
        image.save(str(path), "PNG")
        return path

    # ---- the one path ---------------------------------------------------------------------

    def add_paths(self, paths: list[Path], unit: str, item_no: int | None, *,
                  pasted: bool = False) -> int:
        """Queue files as evidence of `item_no` (None: of the unit as a whole)."""
        if self.session.unit(unit).signed:
            self.message.emit(self.tr("“{0}”已签字确认，不能再添加材料").format(unit))
            return 0
        files = [p for p in paths if p.is_file()]
        skipped = len(paths) - len(files)
        if skipped:
            self.message.emit(self.tr("已跳过 {0} 个文件夹或找不到的文件").format(skipped))
        if not files:
            return 0
        sizes = [max(1, p.stat().st_size) for p in files]
        total = sum(sizes) * 2   # each file is read twice: hashed, then streamed in
        done_before = 0
        self._open_dialog(len(files))
        for pos, (path, size) in enumerate(zip(files, sizes, strict=True)):
            base = done_before
            self._batch.append(self.session.add_evidence(
                unit, path, item_no=item_no, kind=guess_kind(path.name),
                caption=self.tr("粘贴的图片") if pasted else default_caption(path),
                on_added=self._added_callback(path, pasted, pos, len(files)),
                on_progress=self._progress_callback(base, total, path.name, pos, len(files))))
            done_before += size * 2
        return len(files)

    def _added_callback(self, path: Path, pasted: bool, pos: int,
                        count: int) -> Callable[[Evidence], None]:
        def added(ev: Evidence) -> None:
            self.undo_stack.push(AddEvidence(self.session, ev))
            if ev.mime in DECODABLE:
                if pasted:
                    self.thumbnails.request(ev)
                else:
                    self.thumbnails.request_from_file(ev.sha256, path)
            if pasted:
                path.unlink(missing_ok=True)
            self.added.emit(ev)
            if pos == count - 1:
                self._close_dialog()
                self.message.emit(self.tr("已添加 {0} 份材料").format(count) if count > 1
                                  else self.tr("已添加材料“{0}”").format(ev.name))
        return added

    def _progress_callback(self, base: int, total: int, name: str, pos: int,
                           count: int) -> Callable[[int, int], None]:
        def progress(done: int, _file_total: int) -> None:
            dialog = self._dialog
            if dialog is None:
                return
            dialog.setLabelText(self.tr("正在添加第 {0} / {1} 份：{2}").format(pos + 1, count, name))
            dialog.setValue(min(PROGRESS_STEPS - 1, (base + done) * PROGRESS_STEPS // total))
        return progress

    # ---- progress and cancel --------------------------------------------------------------

    def _open_dialog(self, count: int) -> None:
        if self._dialog is not None:
            return
        dialog = qt.QProgressDialog(self.tr("正在添加材料…"), self.tr("取消"), 0, PROGRESS_STEPS,
                                 self.window)
        dialog.setWindowTitle(self.tr("添加佐证材料"))
        # Not modal: the inspector may go on rating while photos stream in (and a modal
        # dialog would run the event loop inside every progress update).
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        dialog.setValue(0)
        self._dialog = dialog
        self.session.worker.idle.connect(self._close_dialog)

    def _close_dialog(self) -> None:
        if self._dialog is not None:
            try:
                self.session.worker.idle.disconnect(self._close_dialog)
            except (RuntimeError, TypeError):
                pass
            self._dialog.reset()
            self._dialog.hide()
            self._dialog.deleteLater()
            self._dialog = None
        self._batch = [job for job in self._batch if self.session.worker.is_pending(job)]

    def cancel(self) -> None:
        """Stop the file being read and drop the ones still waiting; nothing half-added stays."""
        for job in self._batch:
            job.abort()
        self._batch.clear()
        self.message.emit(self.tr("已取消添加材料"))
        self._close_dialog()
