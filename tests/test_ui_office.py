"""The office window, driven through its widgets: tables, issuing a work file, drop-to-import
with progress and cancel, conflicts side by side and resolved, decisions, round dates,
workbook and report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from exchange_support import (
    PASSPHRASE,
    do_import,
    hand_back,
    issue,
    ledger_rows,
    rate_all,
    tamper,
)
from openpyxl import load_workbook

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.exchange.office import Office
from zhashui_inspector.ui import office_window, qt
from zhashui_inspector.ui.office_window import OfficeWindow
from zhashui_inspector.ui.qt import QDropEvent, QMimeData, QPointF, Qt, QTableView, QUrl

UNIT = "县财政局"
REASON = "现场复核：制度已建立，备案材料正在补齐，部分台账缺少签字"


@pytest.fixture(scope="module")
def _populated(tmp_path_factory: pytest.TempPathFactory, _office_template: Path) -> Path:
    root = tmp_path_factory.mktemp("office-ui")
    office = root / "office"
    shutil.copytree(_office_template, office)
    zs = issue(office, root / "zs.sqlite", holder="张三", units=[UNIT, "下梁镇"])
    ls = issue(office, root / "ls.sqlite", holder="李四", units=[UNIT])
    rate_all(zs, UNIT, "达标", items=range(1, 11), comment="资料齐全")
    rate_all(ls, UNIT, "达标", items=range(1, 10))
    rate_all(ls, UNIT, "未达标", items=[10], comment="未见台账")
    assert do_import(office, hand_back(zs, root / "zs-back.sqlite"),
                     hand_back(ls, root / "ls-back.sqlite")).rejected == 0
    return root


@pytest.fixture
def folder(_populated: Path, tmp_path: Path) -> Path:
    root = tmp_path / "populated"
    shutil.copytree(_populated, root)
    return root


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes recorded instead of shown (they would wait for a click)."""
    seen: list[str] = []

    class Box:
        Icon = qt.QMessageBox.Icon
        ButtonRole = qt.QMessageBox.ButtonRole

        @staticmethod
        def warning(_parent, _title, text):  # type: ignore[no-untyped-def]
            seen.append(text)

        @staticmethod
        def information(_parent, _title, text):  # type: ignore[no-untyped-def]
            seen.append(text)

    monkeypatch.setattr(qt, "QMessageBox", Box)
    return seen


@pytest.fixture
def passphrase(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def ask(_parent, *, confirm: bool = False):  # type: ignore[no-untyped-def]
        asked.append("confirm" if confirm else "ask")
        return PASSPHRASE
    monkeypatch.setattr(office_window, "ask_passphrase", ask)
    return asked


@pytest.fixture
def window(qtbot, ui_settings, folder: Path):  # type: ignore[no-untyped-def]
    win = OfficeWindow(folder / "office")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.snapshot is not None, timeout=15_000)
    yield win
    win.close()


def _type(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Chinese text arrives through the input method, as from a real keyboard."""
    widget.setFocus()
    event = qt.QInputMethodEvent()
    event.setCommitString(text)
    qt.QApplication.sendEvent(widget, event)


def _cell(model, row: int, column: int) -> str:  # type: ignore[no-untyped-def]
    return model.data(model.index(row, column))


def test_tables_show_units_log_and_conflicts(window, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    units = window.units_model
    assert units.rowCount() == 12
    assert [_cell(units, 1, c) for c in range(8)] == [
        UNIT, "10/76", "100.0%", "保留（暂定，尚有 66 项未评、1 项分歧未裁定）", "未决定", "1",
        "逾期", "2"]   # item 10 is disputed
    assert _cell(units, 1, 8).startswith("20")
    # a provisional suggestion is not painted as an outcome; a decision is
    background = qt.Qt.ItemDataRole.BackgroundRole
    assert units.data(units.index(1, 3), background) is None
    assert _cell(units, 0, 1) == "0/76" and _cell(units, 0, 2) == "—"
    assert [_cell(window.log_model, r, 2) for r in range(2)] == ["已导入", "已导入"]
    assert window.tabs.tabText(2) == "评定分歧（1 项待解决）"
    assert window.round_label.text() == "当前轮次：2023年度复查验收评估，复查验收评估截止 2023-12-03"
    for model in (units, window.log_model, window.conflicts.model):
        qtmodeltester.check(model, force_py=True)


def test_columns_are_fitted_one_table_per_turn_of_the_event_loop(  # type: ignore[no-untyped-def]
        qtbot, window) -> None:
    """Fitting all three tables at once froze the window for ~100 ms after every import."""
    fitter = window.column_fitter
    qtbot.waitUntil(lambda: fitter.pending() == 0)
    second = QTableView()                  # a second table on screen beside the units tab's
    second.setModel(window.log_model)
    qtbot.addWidget(second)
    second.show()
    tables = [window.units_table, second]
    for table in tables:
        table.setColumnWidth(0, 1)                   # as narrow as the header allows
        fitter.fit(table, table.model().columnCount() - 1)
    narrow = [t.columnWidth(0) for t in tables]
    fitter.fit(tables[0], tables[0].model().columnCount() - 1)   # asked twice: fitted once
    assert fitter.pending() == 2
    fitter._timer.timeout.emit()                                  # one turn of the loop
    assert fitter.pending() == 1
    assert [t.columnWidth(0) > n for t, n in zip(tables, narrow, strict=True)] == [True, False]
    qtbot.waitUntil(lambda: fitter.pending() == 0)
    assert all(t.columnWidth(0) > n for t, n in zip(tables, narrow, strict=True))


def test_a_table_on_another_tab_is_fitted_when_it_is_shown(  # type: ignore[no-untyped-def]
        qtbot, window) -> None:
    """A refresh fits only the table on screen; the others wait for their tab."""
    fitter = window.column_fitter
    qtbot.waitUntil(lambda: fitter.pending() == 0)
    log = window.log_table
    assert window.tabs.currentIndex() == 0 and not log.isVisible()
    log.setColumnWidth(0, 1)
    narrow = log.columnWidth(0)
    fitter.fit(log, log.model().columnCount() - 1)
    qtbot.wait(50)                                   # several turns of the event loop
    assert log.columnWidth(0) == narrow and fitter.pending() == 0
    assert fitter.waiting_to_be_shown() >= 1
    window.tabs.setCurrentIndex(1)
    assert log.columnWidth(0) > narrow               # fitted as it is shown, before painting
    assert log not in fitter._hidden


def _drop(window, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)


def test_drop_imports_with_progress_and_one_result_per_file(  # type: ignore[no-untyped-def]
        qtbot, window, folder: Path, passphrase: list[str], messages: list[str]) -> None:
    office = folder / "office"
    new = issue(office, folder / "ww.sqlite", holder="王五", units=["杏坪镇"])
    rate_all(new, "杏坪镇", "达标", items=[1, 2])
    returned = folder / "returned"
    returned.mkdir()
    hand_back(new, returned / "ww-back.sqlite")
    (returned / "junk.sqlite").write_text("不是数据库", encoding="utf-8")
    with qtbot.waitSignal(window.imported, timeout=30_000) as blocker:
        _drop(window, [returned])                     # a folder stands for its files
        qtbot.waitUntil(lambda: window._progress is not None or window.last_batch is not None)
    batch = blocker.args[0]
    assert [(r.path.name, r.result) for r in batch.results] == [
        ("junk.sqlite", "rejected"), ("ww-back.sqlite", "imported")]
    qtbot.waitUntil(lambda: window.log_model.rowCount() == 4)
    log = window.log_model
    assert [_cell(log, r, 1) for r in range(2)] == ["ww-back.sqlite", "junk.sqlite"]
    assert _cell(log, 1, 2) == "拒收"
    assert log.data(log.index(1, 2), Qt.ItemDataRole.BackgroundRole) is not None
    assert "已处理 2 个文件：1 个已导入或无变化，1 个拒收" in window.statusBar().currentMessage()
    assert window._progress is None and messages == []
    qtbot.waitUntil(lambda: _cell(window.units_model, 7, 1) == "2/76")

    with qtbot.waitSignal(window.imported, timeout=30_000):
        window.import_paths([returned / "ww-back.sqlite"])
    assert passphrase == ["ask"]                      # asked once per window
    assert window.last_batch.results[0].result == "unchanged"


def test_cancel_stops_before_the_remaining_files(qtbot, window, folder: Path,  # type: ignore[no-untyped-def]
                                                 passphrase: list[str]) -> None:
    office = folder / "office"
    files = []
    for n in range(6):
        work = issue(office, folder / f"c{n}.sqlite", holder=f"评估员{n}", units=["凤凰镇"])
        files.append(hand_back(work, folder / f"c{n}-back.sqlite"))
    window._passphrase = PASSPHRASE
    with qtbot.waitSignal(window.imported, timeout=30_000) as blocker:
        window.import_paths(files)
        assert window._progress is not None
        cancel = window._progress.findChild(qt.QPushButton)
        assert cancel.text() == "取消"
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    batch = blocker.args[0]
    assert batch.cancelled and len(batch.results) < 6
    assert "已取消" in window.statusBar().currentMessage()
    assert len(ledger_rows(office, "source")) == 2 + len(batch.results)


def test_conflict_sides_next_to_each_other_and_resolved(qtbot, window, folder: Path,  # type: ignore[no-untyped-def]
                                                        messages: list[str]) -> None:
    pane = window.conflicts
    window.tabs.setCurrentWidget(pane)
    assert pane.model.rowCount() == 1
    qtbot.waitUntil(lambda: pane.sides_layout.count() == 2)
    cards = [pane.sides_layout.itemAt(i).widget() for i in range(2)]
    assert [c.title() for c in cards] == ["张三（评估组）", "李四（评估组）"]
    assert [c.rating.text() for c in cards] == ["达标", "未达标"]
    assert pane.title.text().startswith(f"{UNIT} 第 10 项：")
    assert not pane.resolve_button.isEnabled()
    pane.rating.setCurrentText("基本达标")
    _type(pane.reason, REASON)
    assert pane.resolve_button.isEnabled()
    with qtbot.waitSignal(window.refreshed, timeout=20_000):
        qtbot.mouseClick(pane.resolve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 0)
    assert window.tabs.tabText(2) == "评定分歧"
    window.resize(1366, 697)        # a laptop's screen, below the taskbar
    pane.only_open.setChecked(False)
    assert _cell(pane.model, 0, 2) == "已裁定" and _cell(pane.model, 0, 4) == "基本达标"
    tip = pane.model.data(pane.model.index(0, 4), Qt.ItemDataRole.ToolTipRole)
    assert f"基本达标：{REASON}" in tip
    # the resolved row's columns all fit: nothing cut, no sideways scrolling
    qtbot.waitUntil(lambda: window.column_fitter.pending() == 0)
    table = pane.table
    for column in range(pane.model.columnCount() - 1):
        assert table.columnWidth(column) >= table.sizeHintForColumn(column)
    assert table.horizontalHeader().length() <= table.viewport().width()
    (resolution,) = ledger_rows(folder / "office", "resolution")
    assert resolution[3:5] == ("基本达标", REASON)
    sheet = load_workbook(folder / "office" / "master.xlsx")[UNIT]
    assert sheet["E13"].value == "基本达标"
    assert messages == []


def test_an_item_in_dispute_counts_as_rated_and_shows_the_dispute(  # type: ignore[no-untyped-def]
        window, folder: Path) -> None:
    rated: set[int] = set()
    for name in ("zs-back.sqlite", "ls-back.sqlite"):
        with WorkFile.open(folder / name, readonly=True, lock=False) as wf:
            rated |= {s.item_no for s in wf.unit_items(UNIT) if s.rating is not None}
    units = window.units_model
    assert _cell(units, 1, 1) == f"{len(rated)}/76"
    assert (f"已评 {len(rated)}/76 项，其中 1 项评定有分歧、待解决，暂不计入得分"
            in units.data(units.index(1, 1), Qt.ItemDataRole.ToolTipRole))
    assert _cell(units, 1, 5) == "1"
    window.units_table.selectRow(1)
    dialog = window.open_decision()
    assert f"已评 {len(rated)}/76 项" in dialog.findChild(qt.QLabel).text()
    assert "尚有 1 项评定分歧未裁定，其评定不计入得分" in dialog.warning.text()
    dialog.reject()


def test_decision_dialog_records_the_decision(qtbot, window, folder: Path) -> None:  # type: ignore[no-untyped-def]
    window.units_table.selectRow(1)
    dialog = window.open_decision()
    # 9 of 76 items settled: the suggestion is provisional and nothing is preselected
    assert dialog is not None and dialog.outcome.currentIndex() == -1
    assert dialog.warning.isVisibleTo(dialog)
    assert dialog.warning.text() == ("评估尚未完成：尚有 66 项未评；尚有 1 项评定分歧未裁定，"
                                     "其评定不计入得分。程序建议只是暂定，未预选处理结果。")
    ok = dialog.buttons.button(qt.QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    _type(dialog.reason, "台账不全")
    assert not ok.isEnabled()          # a reason alone is not a decision
    dialog.outcome.setCurrentText("黄牌")
    assert ok.isEnabled()
    with qtbot.waitSignal(window.refreshed, timeout=20_000):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert _cell(window.units_model, 1, 4) == "黄牌"
    assert _cell(window.units_model, 1, 9) == "台账不全"
    decision = ledger_rows(folder / "office", "decision")[-1]
    assert decision[1:5] == (UNIT, "黄牌", "台账不全", "保留")


def test_a_complete_assessment_has_its_suggestion_preselected(  # type: ignore[no-untyped-def]
        qtbot, window, folder: Path) -> None:
    office = folder / "office"
    work = issue(office, folder / "zl.sqlite", holder="赵六", units=["凤凰镇"])
    rate_all(work, "凤凰镇", "达标")
    assert do_import(office, hand_back(work, folder / "zl-back.sqlite")).rejected == 0
    with qtbot.waitSignal(window.refreshed, timeout=20_000):
        window.refresh()
    row = next(r for r in range(window.units_model.rowCount())
               if _cell(window.units_model, r, 0) == "凤凰镇")
    assert _cell(window.units_model, row, 3) == "保留"
    window.units_table.selectRow(row)
    dialog = window.open_decision()
    assert dialog is not None and dialog.outcome.currentText() == "保留"
    assert not dialog.warning.isVisibleTo(dialog)
    dialog.reject()


def test_a_workbook_behind_the_ledger_is_written_from_the_status_bar(  # type: ignore[no-untyped-def]
        qtbot, window, folder: Path) -> None:
    from zhashui_inspector.exchange.conflicts import decide

    assert not window.write_workbook_button.isVisibleTo(window)
    with Office.open(folder / "office") as office:   # as when Excel held the workbook
        decide(office, UNIT, "停牌", "整改不到位")
    with qtbot.waitSignal(window.refreshed, timeout=20_000):
        window.refresh()
    assert window.write_workbook_button.isVisibleTo(window)
    assert "关闭 Excel 后点“立即写入总表”" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.refreshed, timeout=20_000):
        qtbot.mouseClick(window.write_workbook_button, Qt.MouseButton.LeftButton)
    assert not window.write_workbook_button.isVisibleTo(window)
    summary = load_workbook(folder / "office" / "master.xlsx")["汇总"]
    assert "整改不到位" in [c.value for row in summary.iter_rows() for c in row]


@pytest.mark.parametrize("remove", [False, True])
def test_lock_files_left_by_a_crashed_excel_are_removed_only_on_the_users_word(  # type: ignore[no-untyped-def]
        qtbot, window, folder: Path, remove: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhashui_inspector.exchange.conflicts import decide

    warned: list[str] = []     # a warning box would wait for a click
    monkeypatch.setattr(qt.QMessageBox, "warning",
                        staticmethod(lambda _parent, _title, text: warned.append(text)))
    book = folder / "office" / "master.xlsx"
    locks = [book.with_name(f"~${book.name}"), book.with_name(f".~lock.{book.name}#")]
    for lock in locks:
        lock.write_bytes(b"\x05zhang")
    with Office.open(folder / "office") as office:   # the decision is in the ledger only
        decide(office, UNIT, "停牌", "整改不到位")
        assert "锁定文件" in office.refresh_workbook()
    with qtbot.waitSignal(window.refreshed, timeout=20_000):
        window.refresh()
    before = book.read_bytes()
    seen: list[str] = []

    def answer() -> None:
        box = qt.QApplication.activeModalWidget()
        if not isinstance(box, qt.QMessageBox):
            return                # no question asked
        seen.append(box.text())
        wanted = [b for b in box.buttons()
                  if b.text() == ("删除锁定文件并写入" if remove else "取消")]
        if wanted:
            wanted[0].click()
        else:
            box.done(0)           # another box: close it, the asserts below say why

    qt.QTimer.singleShot(0, answer)
    if remove:
        with qtbot.waitSignal(window.refreshed, timeout=20_000):
            qtbot.mouseClick(window.write_workbook_button, Qt.MouseButton.LeftButton)
    else:
        qtbot.mouseClick(window.write_workbook_button, Qt.MouseButton.LeftButton)
    assert seen and f"~${book.name}" in seen[0] and f".~lock.{book.name}#" in seen[0]
    assert warned == []
    assert [lock.exists() for lock in locks] == [not remove] * 2
    assert (book.read_bytes() != before) is remove
    assert window.write_workbook_button.isVisibleTo(window) is not remove


def test_round_dialog_moves_the_dates(qtbot, window, folder: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = window.edit_round()
    start, end = dialog.spans["review"]
    end.setDate(qt.QDate(2023, 12, 5))
    dialog.spans["handling"][0].setDate(qt.QDate(2023, 12, 6))
    with qtbot.waitSignal(window.refreshed, timeout=20_000):
        dialog.accept()
    assert window.round_label.text().endswith("复查验收评估截止 2023-12-05")
    with Office.open(folder / "office") as office:
        review = office.current_round().stage("review")
        assert review is not None and review.end.isoformat() == "2023-12-05"


def test_policy_dialog_changes_the_suggestions(qtbot, window, folder: Path) -> None:  # type: ignore[no-untyped-def]
    assert _cell(window.units_model, 1, 3).startswith("保留（暂定")   # 9 of 9 scored: 达标
    dialog = window.edit_policy()
    save = dialog.buttons.button(qt.QDialogButtonBox.StandardButton.Save)
    assert dialog.label.text().startswith("默认评分规则") and save.isEnabled()
    assert dialog.points["不适用"].none.isChecked() and dialog.points["达标"].value() == 1.0
    dialog.veto_items.setText("3、99")
    assert not save.isEnabled()
    assert dialog.problem.text() == "否决项“99”不是创建标准中的指标编号（1–76）"
    dialog.veto_items.setText("3，1")
    for rating in ("达标", "基本达标", "未达标"):
        dialog.points[rating].none.setChecked(True)
    assert dialog.problem.text() == "至少要有一个评定结果计分"
    dialog.points["达标"].none.setChecked(False)
    dialog.points["未达标"].none.setChecked(False)
    dialog.points["达标"].spin.setValue(0.8)               # 9 items 达标: 80 % → 黄牌
    keep, _yellow, _stop, _drop = dialog.thresholds
    assert keep[0] == "保留" and keep[1].value() == 90.0
    keep[1].spin.setValue(101.0)
    assert keep[1].value() == 100.0                       # the range ends at 100 %
    keep[1].spin.setValue(90.0)
    dialog.label.setText("")
    assert dialog.problem.text() == "请填写规则名称（报告中印出）"
    _type(dialog.label, "本办 2024 年评分规则")
    assert save.isEnabled()
    with qtbot.waitSignal(window.refreshed, timeout=20_000):
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert _cell(window.units_model, 1, 3).startswith("黄牌（暂定")
    assert _cell(window.units_model, 1, 2) == "80.0%"
    with Office.open(folder / "office") as office:
        policy = office.ledger.policy
    assert policy.label == "本办 2024 年评分规则"
    assert policy.points == {"达标": 0.8, "基本达标": None, "未达标": 0.0, "不适用": None}
    assert policy.thresholds[0].overall_min == 90.0 and policy.veto_items == (1, 3)
    assert len(policy.weights) == 76
    sheet = load_workbook(folder / "office" / "master.xlsx")["汇总"]
    assert any(str(c.value).startswith("黄牌") for row in sheet.iter_rows() for c in row)

    dialog = window.edit_policy()
    restore = dialog.buttons.button(qt.QDialogButtonBox.StandardButton.RestoreDefaults)
    qtbot.mouseClick(restore, Qt.MouseButton.LeftButton)
    assert dialog.policy() == office.catalogue.policy
    dialog.reject()


def test_item_weights_are_edited_and_numbers_keep_their_decimals(  # type: ignore[no-untyped-def]
        qtbot, window) -> None:
    import dataclasses

    from zhashui_inspector.ui.office_policy import PolicyDialog

    default = window.snapshot.default_policy
    odd = dataclasses.replace(default, points={**default.points, "基本达标": 0.25, "达标": 20.0},
                              weights={**default.weights, 7: 1.125})
    dialog = PolicyDialog(odd, default, window.snapshot.outcomes, window.snapshot.item_texts)
    qtbot.addWidget(dialog)                     # no parent: qtbot alone owns and closes it
    assert dialog.policy() == odd                        # nothing changed, nothing rounded
    assert dialog.weights_summary.text() == "各指标权重：76 项，其中 1 项不为 1"
    weights = dialog.edit_weights()
    assert weights.table.rowCount() == 76 and weights.spins[7].value() == 1.125
    assert weights.table.item(0, 1).text().startswith("规范行政审批")
    weights.spins[1].setValue(3.0)
    weights.accept()
    assert dialog.policy().weights == {**odd.weights, 1: 3.0}
    assert dialog.weights_summary.text() == "各指标权重：76 项，其中 2 项不为 1"
    restore = dialog.buttons.button(qt.QDialogButtonBox.StandardButton.RestoreDefaults)
    qtbot.mouseClick(restore, Qt.MouseButton.LeftButton)
    assert dialog.policy() == default
    assert dialog.weights_summary.text() == "各指标权重：76 项均为 1"


def test_open_workbook_and_make_the_signed_report(qtbot, window, folder: Path,  # type: ignore[no-untyped-def]
                                                  passphrase: list[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(office_window.QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()))
    window.workbook_action.trigger()
    assert opened == [str(folder / "office" / "master.xlsx")]
    out = folder / "office" / "reports" / "县财政局.pdf"
    window.units_table.selectRow(1)
    window.make_report(out, window.selected_unit())
    qtbot.waitUntil(lambda: hasattr(window, "report_box"), timeout=120_000)
    assert out.read_bytes().startswith(b"%PDF")
    from zhashui_inspector.reports.signing import verify_pdf

    result = verify_pdf(out, [folder / "office" / "keys" / "office-cert.pem"])
    assert result.ok, result.problem
    window.report_box.buttons()[0].click()             # 打开
    assert opened[-1] == str(out)
    from zhashui_inspector.ui import printing

    printed: list[tuple[Path, str]] = []
    monkeypatch.setattr(printing, "print_pdf",
                        lambda parent, path, title="": printed.append((Path(path), title)))
    assert sorted(b.text() for b in window.report_box.buttons()) == sorted(["打开", "打印…", "关闭"])
    monkeypatch.setattr(office_window.qt.QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(out), ""))
    window.print_action.trigger()                      # 打印已生成的报告…
    assert printed == [(out, out.stem)]


def test_a_draft_needs_no_passphrase_and_a_report_is_checked_against_the_office(  # type: ignore[no-untyped-def]
        qtbot, window, folder: Path, passphrase: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from zhashui_inspector.reports.signing import verify_pdf

    reports = folder / "office" / "reports"
    reports.mkdir(exist_ok=True)
    asked_names: list[str] = []

    def save_as(_parent, title, default, _filter):  # type: ignore[no-untyped-def]
        asked_names.append(Path(default).name)
        return str(reports / "草稿.pdf"), ""
    monkeypatch.setattr(office_window.qt.QFileDialog, "getSaveFileName", save_as)
    window.draft_action.trigger()                       # 草稿 › 全县报告草稿…
    qtbot.waitUntil(lambda: hasattr(window, "report_box"), timeout=120_000)
    draft = reports / "草稿.pdf"
    assert asked_names[0].startswith("全县复查验收评估报告-") and asked_names[0].endswith("-草稿.pdf")
    assert passphrase == []                              # a draft is not signed
    assert "未签章" in window.report_box.text()
    assert not verify_pdf(draft, []).signed

    window.make_report(reports / "正式.pdf")             # the county report, signed
    qtbot.waitUntil(lambda: window.report_box.text().startswith("已生成并签名"), timeout=120_000)
    assert passphrase == ["ask"]

    picked = [reports / "正式.pdf", draft]
    monkeypatch.setattr(office_window.qt.QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(picked.pop(0)), ""))
    window.verify_action.trigger()                       # 核验报告的签章…
    qtbot.waitUntil(lambda: hasattr(window, "verify_box"), timeout=60_000)
    box = window.verify_box
    assert box.text() == "“正式.pdf”：签章有效"
    assert box.icon() == office_window.qt.QMessageBox.Icon.Information
    assert box.informativeText().splitlines()[-1].startswith("结论：有效。")
    window.verify_action.trigger()
    qtbot.waitUntil(lambda: window.verify_box is not box, timeout=60_000)
    assert window.verify_box.text() == "“草稿.pdf”：签章无效，或不是本办签发的报告"
    assert window.verify_box.informativeText() == "未通过：文件中没有数字签名"


def test_issue_a_work_file_and_see_it_come_back(  # type: ignore[no-untyped-def]
        qtbot, qtmodeltester, window, folder: Path, passphrase: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from zhashui_inspector.core.workfile import WorkFile

    office = folder / "office"
    issued = window.issued_model
    assert [_cell(issued, r, 1) for r in range(issued.rowCount())] == ["李四", "张三"]
    back = _cell(issued, 1, 4)          # the fixture's round ended in 2023: late
    assert back.startswith("第 1 次交回（20") and back.endswith(" 导入，逾期）")
    assert issued.data(issued.index(1, 4), Qt.ItemDataRole.BackgroundRole) is not None
    dialog = window.open_issue()
    ok = dialog.buttons.button(qt.QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and dialog.problem.text() == "请填写持有人"
    _type(dialog.holder, "第三评估组 王五")
    assert not ok.isEnabled() and dialog.problem.text() == "请至少选择一个被评估单位"
    qtbot.mouseClick(dialog.all_button, Qt.MouseButton.LeftButton)
    assert len(dialog.chosen_units()) == 12 and ok.isEnabled()
    dialog.role.setCurrentIndex(1)                       # 被评估单位（全面自查）
    assert ok.isEnabled() and dialog.is_batch() and not dialog.holder.isEnabled()
    assert dialog.batch_note.text().startswith("将为所选的 12 个单位各下发一份自查文件")
    qtbot.mouseClick(dialog.none_button, Qt.MouseButton.LeftButton)
    assert not ok.isEnabled() and dialog.holder.isEnabled() and dialog.batch_note.text() == ""
    dialog.role.setCurrentIndex(0)
    for row in (1, 7):
        dialog.units.item(row).setCheckState(Qt.CheckState.Checked)
    assert ok.isEnabled() and dialog.problem.text() == ""
    assert dialog.values() == ("inspector", "第三评估组 王五", [UNIT, "杏坪镇"])
    import datetime
    assert dialog.file_name(datetime.date(2023, 11, 20)) == "第三评估组 王五-2个单位评估-20231120.sqlite"

    asked: list[str] = []

    def save_as(_parent, _title, default, *_args):  # type: ignore[no-untyped-def]
        asked.append(default)
        return str(folder / "第三评估组.sqlite"), ""
    monkeypatch.setattr(office_window.qt.QFileDialog, "getSaveFileName", save_as)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hasattr(window, "issue_box"), timeout=20_000)
    assert Path(asked[0]).parent == office / "issued"
    assert "已下发给“第三评估组 王五”" in window.issue_box.text()
    with WorkFile.open(folder / "第三评估组.sqlite") as wf:
        ident = wf.identity
        assert (ident.role, ident.holder, tuple(ident.units)) == (
            "inspector", "第三评估组 王五", (UNIT, "杏坪镇"))
        assert ident.mac and wf.catalogue.hash == ident.catalogue_hash
    qtbot.waitUntil(lambda: issued.rowCount() == 3, timeout=20_000)
    assert window.tabs.currentWidget() is window.issued_page
    assert window.issued_summary.text() == "已下发 3 个工作文件，1 个尚未交回。"
    assert [_cell(issued, 0, c) for c in range(1, 6)] == [
        "第三评估组 王五", "评估组", f"{UNIT}、杏坪镇", "未交回", "第三评估组.sqlite"]
    qtmodeltester.check(issued, force_py=True)
    sheet = load_workbook(office / "master.xlsx")["下发记录"]      # the workbook has it too
    assert [c.value for c in sheet[6]][1:6] == [
        "第三评估组 王五", "评估组", f"{UNIT}、杏坪镇", "第三评估组.sqlite", "未交回"]

    rate_all(folder / "第三评估组.sqlite", "杏坪镇", "达标", items=[1])
    with qtbot.waitSignal(window.imported, timeout=30_000):
        window.import_paths([hand_back(folder / "第三评估组.sqlite", folder / "back.sqlite")])
    assert window.last_batch.results[0].result == "imported"
    qtbot.waitUntil(lambda: _cell(issued, 0, 4).startswith("第 1 次交回（"), timeout=20_000)
    assert window.issued_summary.text() == "已下发 3 个工作文件，0 个尚未交回。"
    assert passphrase == ["ask"]                         # one unlock for both


def test_self_check_files_for_several_units_at_once(  # type: ignore[no-untyped-def]
        qtbot, window, folder: Path, passphrase: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The self-check stage sends a file to every unit: one choice issues them all, each
    held by its unit; one that cannot be written is listed and the others go out."""
    from zhashui_inspector.core.workfile import WorkFile

    out = folder / "自查文件"
    out.mkdir()
    monkeypatch.setattr(office_window.qt.QFileDialog, "getExistingDirectory",
                        lambda *_a, **_k: str(out))
    dialog = window.open_issue()
    dialog.role.setCurrentIndex(1)
    for row in (1, 6, 7):
        dialog.units.item(row).setCheckState(Qt.CheckState.Checked)
    planned = dialog.batch_orders(out)
    assert [(o.holder, o.units) for o in planned] == [
        (UNIT, (UNIT,)), ("凤凰镇", ("凤凰镇",)), ("杏坪镇", ("杏坪镇",))]
    planned[1].out.write_bytes(b"already here")          # a file of that name exists
    dialog.buttons.button(qt.QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: hasattr(window, "issue_box"), timeout=30_000)
    text = window.issue_box.text()
    assert text.startswith(f"已为 2 个单位各下发一份自查文件，保存在：{out}")
    assert f"以下 1 份未下发：\n{planned[1].out.name}：文件已存在" in text
    assert planned[1].out.read_bytes() == b"already here"
    for order in (planned[0], planned[2]):
        with WorkFile.open(order.out) as wf:
            ident = wf.identity
            assert (ident.role, ident.holder, tuple(ident.units)) == (
                "unit", order.holder, order.units)
    qtbot.waitUntil(lambda: window.issued_model.rowCount() == 4, timeout=20_000)
    assert {_cell(window.issued_model, r, 1) for r in range(2)} == {UNIT, "杏坪镇"}


def test_issuing_never_replaces_an_existing_file(  # type: ignore[no-untyped-def]
        qtbot, window, folder: Path, passphrase: list[str], messages: list[str]) -> None:
    existing = folder / "zs.sqlite"                      # the work file 张三 is using
    before = existing.read_bytes()
    window.issue_file(existing, "inspector", "赵六", [UNIT])
    qtbot.waitUntil(lambda: messages == ["文件已存在：zs.sqlite"], timeout=20_000)
    assert existing.read_bytes() == before
    assert len(ledger_rows(folder / "office", "issued")) == 2


def test_a_units_rectification_list_is_made_from_the_report_menu(  # type: ignore[no-untyped-def]
        qtbot, window, folder: Path, passphrase: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from reports_support import pdf_text

    from zhashui_inspector.reports.signing import verify_pdf

    out = folder / "office" / "reports" / "整改.pdf"
    asked: list[str] = []

    def save_as(_parent, _title, default, *_args):  # type: ignore[no-untyped-def]
        asked.append(default)
        return str(out), ""
    monkeypatch.setattr(office_window.qt.QFileDialog, "getSaveFileName", save_as)
    window.units_table.selectRow(1)
    window.rectification_action.trigger()
    qtbot.waitUntil(lambda: hasattr(window, "report_box"), timeout=120_000)
    assert Path(asked[0]).name.startswith(f"{UNIT}整改清单-")
    result = verify_pdf(out, [folder / "office" / "keys" / "office-cert.pem"])
    assert result.ok, result.problem
    text = pdf_text(out)
    assert f"{UNIT}整改清单" in text
    assert "共 1 项：未达标 0 项，基本达标 0 项，评定分歧待处理 1 项。" in text   # item 10


def test_wrong_passphrase_is_refused_and_asked_again(qtbot, window, folder: Path,  # type: ignore[no-untyped-def]
                                                     messages: list[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["不是这个口令", PASSPHRASE])
    monkeypatch.setattr(office_window, "ask_passphrase", lambda _p, **_k: next(answers))
    unlocked: list[str] = []
    window.with_passphrase(unlocked.append)
    qtbot.waitUntil(lambda: messages == ["办公室密钥口令不正确"])
    assert unlocked == [] and window._passphrase is None
    window.with_passphrase(unlocked.append)
    qtbot.waitUntil(lambda: unlocked == [PASSPHRASE])


def test_a_plain_folder_can_become_an_office_folder(qtbot, ui_settings, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                    passphrase: list[str]) -> None:
    win = OfficeWindow(tmp_path / "new-office")
    qtbot.addWidget(win)
    win.show()
    assert win.is_ready() and win.init_page.isVisible()
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        qtbot.mouseClick(win.init_page.create_button, Qt.MouseButton.LeftButton)
    assert passphrase == ["confirm"]
    assert (tmp_path / "new-office" / "ledger.sqlite").is_file()
    assert win.units_model.rowCount() == 12
    win.close()


def test_long_texts_and_markup_from_returned_files_show_cut_and_literally(  # type: ignore[no-untyped-def]
        qtbot, ui_settings, tmp_path: Path, _office_template: Path) -> None:
    """A returned file may carry a comment of megabytes (the ledger keeps it whole): the
    side-by-side view shows its start in a scrolling box with a note, cells and tooltips
    show a short start, and markup in any of them is shown as typed, never rendered."""
    from zhashui_inspector.ui.office_conflicts import CUT_NOTE, SIDE_TEXT_CHARS
    from zhashui_inspector.ui.office_models import CELL_CHARS
    from zhashui_inspector.ui.plain_text import TOOLTIP_CHARS

    office = tmp_path / "office"
    shutil.copytree(_office_template, office)
    markup = '<b>粗体</b><img src="x.png"/>'
    comment = markup + "长" * 1_000_000               # 3 MB
    holder = "<b>评估组</b> & 王五"
    ww = issue(office, tmp_path / "ww.sqlite", holder=holder, units=[UNIT])
    zl = issue(office, tmp_path / "zl.sqlite", holder="赵六", units=[UNIT])
    rate_all(ww, UNIT, "达标", items=[10], comment=comment)
    rate_all(zl, UNIT, "未达标", items=[10], comment="<i>未见台账</i>")
    forged = hand_back(issue(office, tmp_path / "sq.sqlite", holder="孙七"),
                       tmp_path / "sq-back.sqlite")
    tamper(forged, "UPDATE identity SET value = ? WHERE key = 'holder'",
           args=[[markup + "名" * 100_000]])        # refused, and the refusal quotes it
    batch = do_import(office, hand_back(ww, tmp_path / "ww-back.sqlite"),
                      hand_back(zl, tmp_path / "zl-back.sqlite"), forged)
    assert [r.result for r in batch.results] == ["imported", "imported", "rejected"]

    win = OfficeWindow(office)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.snapshot is not None, timeout=15_000)
    pane = win.conflicts
    win.tabs.setCurrentWidget(pane)
    qtbot.waitUntil(lambda: pane.sides_layout.count() == 2, timeout=15_000)
    first, second = (pane.sides_layout.itemAt(i).widget() for i in range(2))
    assert first.title() == f"{holder}（评估组）"
    view = first.comment_view
    assert isinstance(view, qt.QPlainTextEdit) and view.isReadOnly()
    shown = view.toPlainText()
    assert shown.startswith(markup)                      # as typed, not rendered
    assert shown == comment[:SIDE_TEXT_CHARS] + CUT_NOTE.format(len(comment) - SIDE_TEXT_CHARS)
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0)   # it scrolls
    assert second.comment_view.toPlainText() == "<i>未见台账</i>"
    assert second.reason_view is None

    sides = pane.model.index(0, 3)
    assert sides.data() == f"{holder}：达标；赵六：未达标"
    tip = sides.data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;评估组&lt;/b&gt; &amp; 王五" in tip and "<b>" not in tip

    log = win.log_model
    refused = next(r for r in range(log.rowCount()) if _cell(log, r, 2) == "拒收")
    cell = _cell(log, refused, 3)
    assert cell.startswith("持有人在下发后被改动") and markup in cell
    assert len(cell) == CELL_CHARS + 1 and cell.endswith("…")
    tip = log.data(log.index(refused, 3), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;img src=&quot;x.png&quot;/&gt;" in tip and "<img" not in tip
    assert tip.endswith("名…</p>") and len(tip) < 2 * TOOLTIP_CHARS
    win.close()
