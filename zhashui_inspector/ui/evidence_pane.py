"""The evidence viewer: thumbnail strips (this item, the unit as a whole, the unit's own
self-check material), the selected file's kind and caption, and the file shown inside."""

from __future__ import annotations

import tempfile
from pathlib import Path

from zhashui_inspector.core.records import Evidence
from zhashui_inspector.core.text import clip
from zhashui_inspector.core.workfile import clean_file_name
from zhashui_inspector.ui import qt  # dialogs: resolved on first use
from zhashui_inspector.ui.cache import Change, ChangeKind
from zhashui_inspector.ui.evidence_ingest import EvidenceIngest
from zhashui_inspector.ui.evidence_model import EvidenceListModel, human_size
from zhashui_inspector.ui.evidence_strip import EvidenceStrip
from zhashui_inspector.ui.plain_text import LABEL_CHARS
from zhashui_inspector.ui.qt import (
    QApplication,
    QComboBox,
    QDragEnterEvent,
    QDropEvent,
    QHBoxLayout,
    QItemSelectionModel,
    QLabel,
    QLineEdit,
    QModelIndex,
    QStackedWidget,
    Qt,
    QToolButton,
    QUndoStack,
    QVBoxLayout,
    QWidget,
)
from zhashui_inspector.ui.session import Session
from zhashui_inspector.ui.style import styled
from zhashui_inspector.ui.thumbnails import (
    DECODABLE,
    ThumbnailCache,
    file_extension,
    file_type_icon,
)
from zhashui_inspector.ui.undo import RemoveEvidence

TEXT_MIMES = ("text/plain", "text/csv", "application/json", "text/markdown", "text/xml")
MAX_TEXT_BYTES = 4 << 20


class EvidencePane(QWidget):
    def __init__(self, session: Session, undo_stack: QUndoStack, ingest: EvidenceIngest,
                 thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidencePane")
        self.session = session
        self.undo_stack = undo_stack
        self.ingest = ingest
        self.thumbnails = thumbnails
        self.unit: str | None = None
        self.item_no: int | None = None
        self.selected: Evidence | None = None
        self.selected_linked = False
        self._preview_token = 0
        self._previews_held = False   # while the window's first paint is still to come
        self._held: tuple[Evidence, bool] | None = None
        self._export_dir: Path | None = None
        self.setAcceptDrops(True)

        self.item_model = EvidenceListModel(thumbnails, parent=self)
        self.unit_model = EvidenceListModel(thumbnails, parent=self)
        self.linked_model = EvidenceListModel(thumbnails, linked=True, parent=self)
        drop_hint = self.tr("把文件拖到这里，或点“添加…”，或按 Ctrl+V 粘贴图片")
        self.item_strip = EvidenceStrip(drop_hint, parent=self)
        self.item_strip.setAccessibleName(self.tr("本项佐证材料"))
        self.unit_strip = EvidenceStrip(self.tr("自评报告附件等整体材料拖到这里"), parent=self)
        self.unit_strip.setAccessibleName(self.tr("单位整体材料"))
        self.linked_strip = EvidenceStrip(self.tr("单位自查文件中没有相关材料"),
                                          accepts_drops=False, parent=self)
        self.linked_strip.setAccessibleName(self.tr("单位自查材料（只读）"))
        self._strips = ((self.item_strip, self.item_model, False),
                        (self.unit_strip, self.unit_model, False),
                        (self.linked_strip, self.linked_model, True))
        for strip, model, _linked in self._strips:
            strip.setModel(model)
            strip.selectionModel().currentChanged.connect(
                lambda current, _prev, s=strip: self._strip_current(s, current))
        self.item_strip.dropped.connect(lambda mime: self._add_mime(mime, self.item_no))
        self.unit_strip.dropped.connect(lambda mime: self._add_mime(mime, None))
        self.item_strip.paste_requested.connect(self.paste)
        self.unit_strip.paste_requested.connect(lambda: self.paste(unit_level=True))

        self.item_header = QLabel(self)
        styled(self.item_header, "sectionHeader")
        self.unit_header = QLabel(self)
        styled(self.unit_header, "sectionHeader")
        self.linked_header = QLabel(self)
        styled(self.linked_header, "linkedHeader")
        self.add_item_button = self._button(self.tr("添加…"), self.tr("为本项添加佐证材料"),
                                            lambda: self.choose_files(self.item_no))
        self.paste_button = self._button(self.tr("粘贴"), self.tr("把剪贴板中的图片或文件作为本项材料"),
                                         self.paste)
        self.add_unit_button = self._button(self.tr("添加…"), self.tr("添加单位整体材料"),
                                            lambda: self.choose_files(None))

        self.name_label = QLabel(self)
        styled(self.name_label, "evidenceName")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItems(list(session.catalogue.evidence_kinds))
        self.kind_combo.setAccessibleName(self.tr("材料类别"))
        self.kind_combo.activated.connect(lambda _row: self._edit_selected())
        self.caption_edit = QLineEdit(self)
        self.caption_edit.setPlaceholderText(self.tr("说明（如：执法公示栏照片）"))
        self.caption_edit.setAccessibleName(self.tr("材料说明"))
        self.caption_edit.editingFinished.connect(self._edit_selected)
        self.open_button = self._button(self.tr("打开"), self.tr("用系统程序打开"), self.open_external)
        self.save_button = self._button(self.tr("另存为…"), self.tr("把材料另存为文件"), self.save_as)
        self.remove_button = self._button(self.tr("删除"), self.tr("删除此材料（可撤销，记入审计日志）"),
                                          self.remove_selected)

        self.stack = QStackedWidget(self)
        self.empty = QLabel(self.tr("选择一份材料在此查看"), self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack.addWidget(self.empty)
        self._previews: dict[str, QWidget] = {}  # made on first use; QtPdf loads with the first PDF

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(self._header_row(self.item_header, self.add_item_button,
                                          self.paste_button))
        layout.addWidget(self.item_strip)
        layout.addLayout(self._header_row(self.unit_header, self.add_unit_button))
        layout.addWidget(self.unit_strip)
        layout.addWidget(self.linked_header)
        layout.addWidget(self.linked_strip)
        details = QHBoxLayout()
        details.setSpacing(6)
        details.addWidget(self.kind_combo)
        details.addWidget(self.caption_edit, 1)
        details.addWidget(self.open_button)
        details.addWidget(self.save_button)
        details.addWidget(self.remove_button)
        layout.addWidget(self.name_label)
        layout.addLayout(details)
        layout.addWidget(self.stack, 1)
        session.changed.connect(self.on_change)
        self._show_selected(None, False)

    def _button(self, text: str, tip: str, slot: object) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.clicked.connect(slot)
        return button

    @staticmethod
    def _header_row(label: QLabel, *buttons: QToolButton) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(0, 4, 0, 0)
        row.addWidget(label, 1)
        for button in buttons:
            row.addWidget(button)
        return row

    # ---- which evidence is shown ---------------------------------------------------------

    def set_target(self, unit: str | None, item_no: int | None) -> None:
        changed_item = (unit, item_no) != (self.unit, self.item_no)
        self.unit, self.item_no = unit, item_no
        self._reload_lists()
        if changed_item:
            self._select_first()

    def _reload_lists(self) -> None:
        if self.unit is None or not self.session.is_open:
            return
        cache = self.session.unit(self.unit)
        item_evidence = cache.evidence_for(self.item_no) if self.item_no is not None else []
        self.item_model.set_items(item_evidence)
        self.unit_model.set_items(cache.evidence_for(None))
        linked = self.session.linked_unit(self.unit)
        if linked is not None:
            own = linked.evidence_for(self.item_no) if self.item_no is not None else []
            self.linked_model.set_items([*own, *linked.evidence_for(None)])
            self.linked_header.setText(self.tr("单位自查材料（只读）：本项 {0} 份，整体 {1} 份").format(
                len(own), len(linked.evidence_for(None))))
        else:
            self.linked_model.set_items([])
        self.linked_header.setVisible(linked is not None)
        self.linked_strip.setVisible(linked is not None)
        for strip, _model, _linked in self._strips:
            strip.fit_height()
        item_text = self.tr("第 {0} 项").format(self.item_no) if self.item_no else self.tr("未选指标")
        self.item_header.setText(self.tr("本项材料 · {0}（{1} 份）").format(
            item_text, len(item_evidence)))
        self.unit_header.setText(self.tr("单位整体材料（{0} 份）").format(
            len(cache.evidence_for(None))))
        writable = not cache.signed
        for button in (self.add_item_button, self.paste_button, self.add_unit_button):
            button.setEnabled(writable)
        self.add_item_button.setEnabled(writable and self.item_no is not None)
        self.paste_button.setEnabled(writable and self.item_no is not None)
        self.item_strip.setAcceptDrops(writable and self.item_no is not None)
        self.unit_strip.setAcceptDrops(writable)
        if self.selected is not None and not self.selected_linked:
            current = next((e for e in cache.evidence if e.id == self.selected.id), None)
            if current is None:
                self._show_selected(None, False)
            self.selected = current
        self._update_details()

    def _select_first(self) -> None:
        """Show this item's first file (or the unit's own for it) without a click."""
        for strip, model in ((self.item_strip, self.item_model),
                             (self.linked_strip, self.linked_model)):
            if model.rowCount():
                strip.selectionModel().setCurrentIndex(
                    model.index(0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
                return
        self._show_selected(None, False)

    def select_evidence(self, evidence_id: int) -> bool:
        for strip, model, _linked in self._strips:
            row = model.row_of(evidence_id)
            if row is not None:
                strip.selectionModel().setCurrentIndex(
                    model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect)
                return True
        return False

    def _strip_current(self, strip: EvidenceStrip, current: QModelIndex) -> None:
        model = strip.model()
        if not isinstance(model, EvidenceListModel):
            return
        ev = model.evidence(current)
        if ev is None:
            return
        for other, _model, _linked in self._strips:
            if other is not strip:
                other.selectionModel().clearSelection()
        self._show_selected(ev, model.linked)

    def _show_selected(self, ev: Evidence | None, linked: bool) -> None:
        self.selected = ev
        self.selected_linked = linked
        self._update_details()
        self._preview_token += 1
        if ev is None:
            self.empty.setText(self.tr("本项暂无材料") if self.item_no and not self.item_model.rowCount()
                               else self.tr("选择一份材料在此查看"))
            self.stack.setCurrentWidget(self.empty)
            return
        token = self._preview_token
        self.empty.setText(self.tr("正在载入 {0} …").format(ev.name))
        self.stack.setCurrentWidget(self.empty)
        if self._previews_held:
            self._held = (ev, linked)
            return
        if self._kind_of(ev) == "other":
            self._show_other(ev, self.tr("此类文件不能在程序内显示"))
            return
        self.session.evidence_bytes(
            ev, lambda data: self._bytes_ready(token, ev, data),
            lambda exc: token == self._preview_token and self._show_other(
                ev, self.tr("无法在程序内显示：{0}").format(exc)), linked=linked)

    def hold_previews(self) -> None:
        """Show "正在载入…" instead of building a viewer until `release_previews()`: the
        viewers' modules and widgets cost tens of milliseconds the first time, which the
        window spends after its first paint rather than before it."""
        self._previews_held = True

    def release_previews(self) -> None:
        self._previews_held = False
        held, self._held = self._held, None
        if held is not None and held[0] is self.selected:
            self._show_selected(*held)

    @staticmethod
    def _kind_of(ev: Evidence) -> str:
        if ev.mime in DECODABLE:
            return "image"
        if ev.mime == "application/pdf":
            return "pdf"
        if (ev.mime.startswith("text/") or ev.mime in TEXT_MIMES) and ev.size <= MAX_TEXT_BYTES:
            return "text"
        return "other"

    def _bytes_ready(self, token: int, ev: Evidence, data: bytes) -> None:
        if token != self._preview_token:
            return
        kind = self._kind_of(ev)
        preview = self.preview(kind)
        if preview.load(data) is False:  # type: ignore[attr-defined]
            self._show_other(ev, self.tr("此 PDF 无法在程序内显示（可能已损坏或加密）"))
            return
        self.stack.setCurrentWidget(preview)

    def preview(self, kind: str) -> QWidget:
        """The viewer for "image", "pdf", "text" or "other" files, made when first needed."""
        widget = self._previews.get(kind)
        if widget is None:
            from zhashui_inspector.ui import previews
            from zhashui_inspector.ui.image_preview import ImagePreview

            makers = {"image": ImagePreview, "pdf": previews.PdfPreview,
                      "text": previews.TextPreview, "other": previews.OtherPreview}
            widget = makers[kind](self)
            if isinstance(widget, previews.OtherPreview):
                widget.open_requested.connect(self.open_external)
            self.stack.addWidget(widget)
            self._previews[kind] = widget
        return widget

    def _show_other(self, ev: Evidence, note: str) -> None:
        other = self.preview("other")
        other.show_file(file_type_icon(file_extension(ev.name)),  # type: ignore[attr-defined]
                        f"{ev.name}（{human_size(ev.size)}）", note)
        self.stack.setCurrentWidget(other)

    def _update_details(self) -> None:
        ev = self.selected
        writable = (ev is not None and not self.selected_linked and self.unit is not None
                    and not self.session.unit(self.unit).signed)
        for widget in (self.kind_combo, self.caption_edit, self.remove_button):
            widget.setEnabled(writable)
        self.open_button.setEnabled(ev is not None)
        self.save_button.setEnabled(ev is not None)
        if ev is None:
            self.name_label.setText(self.tr("未选材料"))
            self.caption_edit.clear()
            return
        source = self.tr("单位自查材料 · ") if self.selected_linked else ""
        self.name_label.setText(f"{source}{clip(ev.name, LABEL_CHARS)}　{human_size(ev.size)}")
        self.kind_combo.setCurrentText(ev.kind)
        if not self.caption_edit.hasFocus():
            self.caption_edit.setText(ev.caption)

    # ---- changes ----------------------------------------------------------------------------

    def on_change(self, change: Change) -> None:
        if self.unit is None or not self.session.is_open:
            return
        if change.kind in (ChangeKind.EVIDENCE, ChangeKind.SIGNOFF) and change.unit == self.unit:
            self._reload_lists()
            if self.selected is None:
                self._select_first()
        elif change.kind is ChangeKind.LINKED:
            self._reload_lists()

    def _edit_selected(self) -> None:
        ev = self.selected
        if ev is None or self.selected_linked:
            return
        current = next((e for e in self.session.unit(ev.unit).evidence if e.id == ev.id), None)
        if current is None:
            return
        kind, caption = self.kind_combo.currentText(), self.caption_edit.text().strip()
        if (kind, caption) != (current.kind, current.caption):
            self.session.edit_evidence(current, kind=kind, caption=caption)
            self.selected = next(e for e in self.session.unit(ev.unit).evidence if e.id == ev.id)

    def remove_selected(self) -> None:
        ev = self.selected
        if ev is None or self.selected_linked or self.unit is None:
            return
        self.undo_stack.push(RemoveEvidence(self.session, ev))
        self._show_selected(None, False)
        self._select_first()

    # ---- adding -------------------------------------------------------------------------------

    def _add_mime(self, mime: object, item_no: int | None) -> None:
        if self.unit is not None:
            self.ingest.add_mime(mime, self.unit, item_no)  # type: ignore[arg-type]

    def choose_files(self, item_no: int | None) -> None:
        if self.unit is None:
            return
        where = self.tr("第 {0} 项").format(item_no) if item_no else self.tr("单位整体")
        paths, _filter = qt.QFileDialog.getOpenFileNames(
            self, self.tr("添加佐证材料（{0}）").format(where), "",
            self.tr("所有文件 (*);;图片 (*.jpg *.jpeg *.png *.heic);;文档 (*.pdf *.doc *.docx *.txt);;"
                    "表格 (*.xls *.xlsx *.csv)"))
        if paths:
            self.ingest.add_paths([Path(p) for p in paths], self.unit, item_no)

    def paste(self, unit_level: bool = False) -> None:
        """The clipboard's image or files, as evidence of this item (or of the unit)."""
        item_no = None if unit_level else self.item_no
        if self.unit is None or (item_no is None and not unit_level):
            return
        mime = QApplication.clipboard().mimeData()
        if mime is not None:
            self.ingest.add_mime(mime, self.unit, item_no)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self.unit is not None and EvidenceIngest.can_accept(event.mimeData()) \
                and not self.session.unit(self.unit).signed:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        event.acceptProposedAction()
        self._add_mime(event.mimeData(), self.item_no)

    # ---- taking a file out --------------------------------------------------------------------

    def open_external(self) -> None:
        ev = self.selected
        if ev is None:
            return
        if self._export_dir is None:
            self._export_dir = Path(tempfile.mkdtemp(prefix="zhashui-open-"))
        folder = self._export_dir / str(ev.id)
        folder.mkdir(exist_ok=True)
        # names come from the file, which may be forged: never a path outside the folder
        dest = folder / clean_file_name(ev.name)
        self.session.export_evidence(
            ev, dest, lambda path: qt.QDesktopServices.openUrl(qt.QUrl.fromLocalFile(str(path))),
            lambda exc: self.ingest.message.emit(self.tr("无法打开：{0}").format(exc)),
            linked=self.selected_linked)

    def save_as(self) -> None:
        ev = self.selected
        if ev is None:
            return
        target, _filter = qt.QFileDialog.getSaveFileName(self, self.tr("另存材料"), ev.name)
        if target:
            self.session.export_evidence(
                ev, Path(target),
                lambda path: self.ingest.message.emit(self.tr("已另存为 {0}").format(path)),
                lambda exc: self.ingest.message.emit(self.tr("另存失败：{0}").format(exc)),
                linked=self.selected_linked)
