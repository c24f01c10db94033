"""A unit's self-check file linked beside the inspector's notes (载入单位自查文件) is
someone else's file: it gets the structural checks of the office's import before anything
reads it. Hostile and broken ones are refused through the real window with their reason,
shown as plain text, and the inspector's own work file is left as it was."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import hostile_files as hf
import pytest
from exchange_support import tamper

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.ui import qt
from zhashui_inspector.ui.actions import Act
from zhashui_inspector.ui.qt import Qt
from zhashui_inspector.ui.settings import linked_self_check

UNIT = hf.UNIT
REASON = "本局无行政执法职能，不涉及执法公示"
MARKUP_TRIGGER = "<img src='x.png'>"
GARBLED = ("PRAGMA writable_schema = ON",
           "UPDATE sqlite_master SET name = CAST(x'6964f378' AS TEXT),"
           " sql = 'CREATE INDEX broken ON audit((unit)' WHERE name = 'idx_audit_unit'")

# case -> (statements on a copy of a good unit file, words the refusal must hold)
TAMPERED = {
    "foreign_trigger": ((f'CREATE TRIGGER "{MARKUP_TRIGGER}" AFTER INSERT ON audit BEGIN'
                         " DELETE FROM rating; END",),
                        f"：文件含有本程序不会写入的数据库结构（触发器“{MARKUP_TRIGGER}”）"),
    "endless_view": (hf.TAMPERED["view_injected"][2],
                     "：文件含有本程序不会写入的数据库结构（视图“self_report”）"),
    "garbled_schema": (GARBLED, "已损坏"),
    "newer_format": (hf.TAMPERED["newer_format"][2], "：文件由较新版本的程序生成（格式 3，"),
    "blob_date": (hf.TAMPERED["wrong_type"][2], "：文件中的数据类型不对（round_stage.end）"),
    "text_in_integer": (("UPDATE scope_unit SET position = 'first'",),
                        "：文件中的数据类型不对（scope_unit.position）"),
    "invalid_utf8": ((f"UPDATE rating SET comment = CAST(x'e6a2c328ff' AS TEXT)"
                      f" WHERE unit = '{UNIT}'",), "已损坏（读取数据时出错）"),
    "methods_not_json": ((f"UPDATE rating SET methods = '[查阅' WHERE unit = '{UNIT}'",),
                         "已损坏（读取数据时出错）"),
}
REFUSED = {
    **{case: reason for case, (_statements, reason) in TAMPERED.items()},
    "random_bytes": "不是工作文件（不是 SQLite 数据库）",
    "older_format": "由旧版程序生成（格式 1）",
}


def _unit_file(tmp_path_factory: pytest.TempPathFactory, template: Path, holder: str,
               edit: Callable[[WorkFile], None]) -> tuple[hf.Workshop, Path]:
    """A unit's file issued by an office of its own, edited and handed back."""
    root = tmp_path_factory.mktemp("self-check")
    shutil.copytree(template, root / "office")
    w = hf.Workshop(root / "office", root / "made")
    return w, w.returned(holder=holder, role="unit", units=[UNIT], edit=edit)


@pytest.fixture(scope="module")
def unit_files(tmp_path_factory: pytest.TempPathFactory, _office_template: Path) -> dict[
        str, Path]:
    """A good unit's file, and broken copies of it."""
    def edit(wf: WorkFile) -> None:
        wf.update_item(UNIT, 9, rating="不适用", reason=REASON)
        wf.set_self_report(UNIT, "本局对照创建标准逐项自查，形成本报告。")

    w, good = _unit_file(tmp_path_factory, _office_template, "县财政局办公室", edit)
    root = w.scratch
    files = {"good": good}
    for case, (statements, _reason) in TAMPERED.items():
        files[case] = root / f"{case}.sqlite"
        shutil.copyfile(good, files[case])
        tamper(files[case], *statements)
    files["random_bytes"] = hf.make(w, "random_bytes")
    files["older_format"] = root / "older_format.sqlite"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "workfile_v1.sqlite",
                    files["older_format"])
    return files


def _bytes_of(path: Path) -> tuple[str, ...]:
    """The work file and its -wal, as they are on disk."""
    return tuple(hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else ""
                 for p in (path, Path(f"{path}-wal")))


def _link(qtbot, window, path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(qt.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions[Act.LOAD_SELF_CHECK].trigger()
    qtbot.waitUntil(lambda: window.session.linked is not None
                    or window.commands.refusal is not None, timeout=20_000)


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_broken_or_hostile_self_check_file_is_refused_with_its_reason(
        qtbot, open_window, practice_file: Path, unit_files: dict[str, Path], monkeypatch,
        hang_guard: None, case: str) -> None:
    window = open_window(practice_file)
    qtbot.waitUntil(window.session.worker.is_idle)
    before = _bytes_of(practice_file)
    path = unit_files[case]
    _link(qtbot, window, path, monkeypatch)

    box = window.commands.refusal
    assert box is not None and box.isVisible(), "refused files are explained in a box"
    assert box.windowTitle() == "载入单位自查文件"
    assert box.textFormat() == Qt.TextFormat.PlainText   # the file's own names, literally
    assert box.text().startswith(f"“{path.name}”") and REFUSED[case] in box.text()
    assert window.session.linked is None and not window.banner.linked_frame.isVisible()
    assert linked_self_check(window.session.identity.file_id) is None
    box.close()
    qtbot.waitUntil(window.session.worker.is_idle)
    assert _bytes_of(practice_file) == before            # the inspector's file is untouched

    window.commands.refusal = None                       # and a good file still links
    _link(qtbot, window, unit_files["good"], monkeypatch)
    assert window.commands.refusal is None
    assert window.session.linked.unit.items[9].reason == REASON


def test_a_good_unit_file_issued_by_the_office_links_and_shows(
        qtbot, open_window, practice_file: Path, unit_files: dict[str, Path],
        monkeypatch) -> None:
    window = open_window(practice_file)
    _link(qtbot, window, unit_files["good"], monkeypatch)
    assert window.commands.refusal is None
    assert window.unit == UNIT and window.banner.linked_frame.isVisible()
    window.checklist.go_to(9)
    label = window.checklist.editor.linked_label
    assert label.isVisible() and REASON in label.text()
    report = window.self_report
    window.tabs.setCurrentWidget(report)
    assert report.linked_view.toPlainText() == "本局对照创建标准逐项自查，形成本报告。"
    assert linked_self_check(window.session.identity.file_id) == unit_files["good"].resolve()


MARKUP = '<b>粗体</b><img src="x.png"/>'
LONG_REASON = MARKUP + "理" * 1_000_000        # 3 MB
LONG_REPORT = MARKUP + "报" * 1_000_000
LONG_CAPTION = MARKUP + "说" * 100_000


@pytest.fixture(scope="module")
def long_unit_file(tmp_path_factory: pytest.TempPathFactory, _office_template: Path) -> Path:
    """A unit's file whose holder, N/A reason, self-report and evidence caption are long
    and carry markup (the unit's program keeps such texts as written)."""
    def edit(wf: WorkFile) -> None:
        wf.update_item(UNIT, 9, rating="不适用", reason=LONG_REASON, comment="<b>说明</b>")
        wf.set_self_report(UNIT, LONG_REPORT)
        note = wf.path.with_name("名单.txt")
        note.write_text("名单", encoding="utf-8")
        wf.add_evidence(UNIT, note, item_no=9, kind="文件", caption=LONG_CAPTION)

    return _unit_file(tmp_path_factory, _office_template, MARKUP + "办" * 5_000, edit)[1]

def test_long_texts_and_markup_in_a_unit_file_show_cut_and_literally(
        qtbot, open_window, practice_file: Path, long_unit_file: Path, monkeypatch) -> None:
    from zhashui_inspector.core.text import clip, count_chars
    from zhashui_inspector.ui.checklist_delegate import NOTE_LINE_CHARS
    from zhashui_inspector.ui.plain_text import (
        CUT_NOTE,
        LABEL_CHARS,
        LONG_TEXT_CHARS,
        NOTE_CHARS,
    )

    window = open_window(practice_file)
    _link(qtbot, window, long_unit_file, monkeypatch)
    assert window.commands.refusal is None

    banner = window.banner.linked_label
    assert banner.textFormat() == Qt.TextFormat.PlainText and MARKUP in banner.text()
    assert len(banner.text()) < LABEL_CHARS + 100

    window.checklist.go_to(9)
    label = window.checklist.editor.linked_label
    assert label.textFormat() == Qt.TextFormat.PlainText      # shown as typed
    assert f"本单位说明不适用：{MARKUP}" in label.text() and "说明：<b>说明</b>" in label.text()
    assert CUT_NOTE.format(len(LONG_REASON) - NOTE_CHARS) in label.text()
    assert len(label.text()) < NOTE_CHARS + 200

    notes = window.checklist.delegate._notes(None, window.session.linked.unit.items[9])
    assert notes[0][0].startswith(f"单位自查材料：本单位说明不适用——{MARKUP}")
    assert len(notes[0][0]) < NOTE_LINE_CHARS + 50

    model = window.evidence.linked_model
    assert model.rowCount() == 1
    shown = model.data(model.index(0))
    assert shown == clip(LONG_CAPTION, LABEL_CHARS)
    tip = model.data(model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;粗体&lt;/b&gt;" in tip and "<b>" not in tip and len(tip) < 2000

    report = window.self_report
    window.tabs.setCurrentWidget(report)
    assert report.linked_view.toPlainText() == clip(LONG_REPORT, LONG_TEXT_CHARS, CUT_NOTE)
    assert report.linked_counter.text().startswith(f"{count_chars(LONG_REPORT)} / 2500 字")
