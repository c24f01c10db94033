"""Importing returned files: idempotence, newer and older hand-backs, forks, older formats,
late files, the unit's own file, and the office left whole when an import breaks off."""

from __future__ import annotations

import datetime
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from exchange_support import (
    do_import,
    hand_back,
    issue,
    ledger_rows,
    office_state,
    rate_all,
    sha256,
)
from openpyxl import load_workbook

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.exchange import conflicts, importer
from zhashui_inspector.exchange.merged import unit_views
from zhashui_inspector.exchange.office import Office


def _current_ratings(office_dir: Path, unit: str) -> dict[int, str | None]:
    with Office.open(office_dir) as office:
        (view,) = unit_views(office.ledger, [unit])
    return {i.no: i.rating for i in view.items if i.rating}


def test_import_keeps_the_file_byte_for_byte_and_reimport_changes_nothing(
        office_dir: Path, tmp_path: Path) -> None:
    work = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(work, "县财政局", "达标", items=range(1, 11), comment="资料齐全")
    back = hand_back(work, tmp_path / "zs-back.sqlite")
    received = sha256(back)

    (first,) = do_import(office_dir, back).results
    assert first.result == "imported"
    assert first.message.startswith("张三（评估组，县财政局）第 1 次交回")
    assert sha256(back) == received
    assert sorted(p.name for p in tmp_path.iterdir()) == ["office", "zs-back.sqlite",
                                                          "zs.sqlite"]
    archived = office_dir / "archive" / f"{received}.sqlite"
    assert sha256(archived) == received
    (source,) = ledger_rows(office_dir, "source")
    assert source[1:5] == (received, source[2], "inspector", "张三")
    rows = ledger_rows(office_dir, "rating")
    assert len(rows) == 10 and {r[0] for r in rows} == {source[0]}   # provenance
    assert _current_ratings(office_dir, "县财政局") == dict.fromkeys(range(1, 11), "达标")

    before = office_state(office_dir)
    batch = do_import(office_dir, back, back)
    assert [r.result for r in batch.results] == ["unchanged", "unchanged"]
    assert batch.results[0].line() == "zs-back.sqlite：未变化——与已导入的文件完全相同，未作改动"
    assert office_state(office_dir) == before
    assert [r[4] for r in ledger_rows(office_dir, "import_log")] == [
        "imported", "unchanged", "unchanged"]


def test_newer_hand_back_replaces_and_older_one_is_ignored(office_dir: Path,
                                                           tmp_path: Path) -> None:
    work = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(work, "县财政局", "达标", items=range(1, 6))
    first = hand_back(work, tmp_path / "first.sqlite")
    rate_all(work, "县财政局", "未达标", items=[1])
    with WorkFile.open(work) as wf:
        wf.update_item("县财政局", 2, rating=None)
    second = hand_back(work, tmp_path / "second.sqlite")

    assert do_import(office_dir, first).results[0].result == "imported"
    (result,) = do_import(office_dir, second).results
    assert result.result == "replaced"
    assert "第 2 次交回，替换第 1 次交回" in result.message
    assert _current_ratings(office_dir, "县财政局") == {1: "未达标", 3: "达标", 4: "达标",
                                                      5: "达标"}
    sources = ledger_rows(office_dir, "source")
    assert [(s[7], s[16]) for s in sources] == [(1, 0), (2, 1)]   # handback_seq, current
    assert sources[0][17] == sources[1][0]                          # replaced_by
    assert {r[0] for r in ledger_rows(office_dir, "rating")} == {sources[1][0]}
    # both hand-backs stay archived as received
    assert sorted(p.name for p in (office_dir / "archive").iterdir()) == sorted(
        [f"{sha256(first)}.sqlite", f"{sha256(second)}.sqlite"])

    before = office_state(office_dir)
    (again,) = do_import(office_dir, first).results
    assert again.result == "superseded"
    assert office_state(office_dir) == before


def test_older_hand_back_arriving_later_is_reported_and_ignored(office_dir: Path,
                                                                tmp_path: Path) -> None:
    work = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(work, "县财政局", "达标", items=[1])
    first = hand_back(work, tmp_path / "first.sqlite")
    rate_all(work, "县财政局", "基本达标", items=[1])
    second = hand_back(work, tmp_path / "second.sqlite")
    assert do_import(office_dir, second).results[0].result == "imported"
    before = office_state(office_dir)
    batch = do_import(office_dir, first)
    assert batch.rejected == 0
    (result,) = batch.results
    assert (result.result, result.message) == ("superseded", "第 1 次交回早于已导入的第 2 次交回，已忽略")
    assert office_state(office_dir) == before
    assert _current_ratings(office_dir, "县财政局") == {1: "基本达标"}


def test_a_copied_file_used_in_two_places_is_refused(office_dir: Path, tmp_path: Path) -> None:
    work = issue(office_dir, tmp_path / "zs.sqlite")
    twin = tmp_path / "twin.sqlite"
    shutil.copyfile(work, twin)
    rate_all(work, "县财政局", "达标", items=[1])
    rate_all(twin, "县财政局", "未达标", items=[1, 2, 3])
    assert do_import(office_dir, hand_back(work, tmp_path / "a.sqlite")).results[0].result \
        == "imported"
    before = office_state(office_dir)
    (result,) = do_import(office_dir, hand_back(twin, tmp_path / "b.sqlite")).results
    assert result.rejected
    assert result.message == "与已导入的同一工作文件的记录不连续（文件可能被复制后在两处分别使用）"
    assert office_state(office_dir) == before


def _downgrade_to_1(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP INDEX idx_evidence_unit_item")
    conn.execute("DROP INDEX idx_audit_unit")
    conn.execute("ALTER TABLE evidence DROP COLUMN mime")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("VACUUM")
    conn.close()


def test_older_format_is_upgraded_on_a_copy_and_archived_as_received(
        office_dir: Path, tmp_path: Path) -> None:
    work = issue(office_dir, tmp_path / "old.sqlite", holder="旧版评估组", units=["县林业局"])
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + bytes(range(200)) * 10)
    with WorkFile.open(work) as wf:
        wf.update_item("县林业局", 1, rating="达标", methods=["查阅资料"], comment="旧版记录")
        wf.add_evidence("县林业局", photo, item_no=1, kind="图片")
    back = hand_back(work, tmp_path / "old-back.sqlite")
    _downgrade_to_1(back)
    received = sha256(back)

    (result,) = do_import(office_dir, back).results
    assert result.result == "imported", result.message
    archived = office_dir / "archive" / f"{received}.sqlite"
    assert sha256(archived) == received
    conn = sqlite3.connect(f"{archived.as_uri()}?mode=ro", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    assert sha256(back) == received
    (source,) = ledger_rows(office_dir, "source")
    assert source[14] == 1                                          # format_version
    (ev,) = ledger_rows(office_dir, "evidence")
    assert (ev[2], ev[3], ev[9]) == ("县林业局", 1, "")               # no media type in v1
    assert _current_ratings(office_dir, "县林业局") == {1: "达标"}
    assert not list((office_dir / "tmp").iterdir())


def test_late_files_are_imported_and_flagged(office_dir: Path, tmp_path: Path) -> None:
    on_time = issue(office_dir, tmp_path / "a.sqlite", holder="张三")
    with Office.open(office_dir) as office:
        today = datetime.date.today()
        office.set_round(None, {
            "全面自查": (today - datetime.timedelta(days=20), today - datetime.timedelta(days=10)),
            "复查验收评估": (today - datetime.timedelta(days=9), today + datetime.timedelta(days=1)),
            "复查处理": (today + datetime.timedelta(days=2), today + datetime.timedelta(days=5))})
    late = issue(office_dir, tmp_path / "b.sqlite", holder="李四", units=["下梁镇"])
    batch = do_import(office_dir, hand_back(on_time, tmp_path / "a-back.sqlite"),
                      hand_back(late, tmp_path / "b-back.sqlite"))
    # a.sqlite belongs to the round as it was when issued, with the dates the office has
    # now: the office moved the review stage, so it is on time as well
    assert [r.late for r in batch.results] == [False, False]
    with Office.open(office_dir) as office:
        yesterday = datetime.date.today() - datetime.timedelta(days=1)
        office.set_round(None, {
            "全面自查": (yesterday - datetime.timedelta(days=20),
                     yesterday - datetime.timedelta(days=10)),
            "复查验收评估": (yesterday - datetime.timedelta(days=9), yesterday),
            "复查处理": (yesterday + datetime.timedelta(days=1),
                     yesterday + datetime.timedelta(days=5))})
    rate_all(late, "下梁镇", "达标", items=[1])
    (result,) = do_import(office_dir, hand_back(late, tmp_path / "b-back2.sqlite")).results
    assert result.result == "replaced" and result.late
    assert result.message.endswith("逾期交回（复查验收评估阶段结束之后）")
    with Office.open(office_dir) as office:
        views = {v.name: v for v in unit_views(office.ledger)}
    assert views["下梁镇"].late and not views["县财政局"].late
    assert [r[12] for r in ledger_rows(office_dir, "import_log")] == [0, 0, 1]


def test_unit_self_check_file_brings_the_units_own_material(office_dir: Path,
                                                            tmp_path: Path) -> None:
    work = issue(office_dir, tmp_path / "unit.sqlite", role="unit", holder="县财政局法规股",
                 units=["县财政局"])
    doc = tmp_path / "制度汇编.pdf"
    doc.write_bytes(b"%PDF-1.4\n" + b"0" * 3000)
    with WorkFile.open(work) as wf:
        wf.set_self_report("县财政局", "我局深入学习贯彻习近平法治思想。")
        wf.update_item("县财政局", 5, rating="不适用", reason="本局无市场准入职能")
        wf.add_evidence("县财政局", doc, item_no=7, kind="文件", caption="制度汇编")
    inspector = issue(office_dir, tmp_path / "zs.sqlite", holder="张三")
    rate_all(inspector, "县财政局", "达标", items=[5, 7])
    batch = do_import(office_dir, hand_back(work, tmp_path / "unit-back.sqlite"),
                      hand_back(inspector, tmp_path / "zs-back.sqlite"))
    assert batch.rejected == 0
    with Office.open(office_dir) as office:
        (view,) = unit_views(office.ledger, ["县财政局"])
    items = {i.no: i for i in view.items}
    assert view.self_report == "我局深入学习贯彻习近平法治思想。"
    assert items[5].unit_note == "本局无市场准入职能"
    assert items[5].rating == "达标"            # the unit explains; inspectors rate
    assert items[7].evidence_count == 1
    assert items[5].inspectors == ("张三",)


def test_merged_items_gather_every_current_side_in_order(office_dir: Path,
                                                        tmp_path: Path) -> None:
    """Two teams over two units and the unit's own file: each item merges its rows in the
    order of who rated (holder, then file), and one unit asked for alone comes out as it
    does among all (the ledger is read for that unit only)."""
    units = ["县财政局", "下梁镇"]
    one = issue(office_dir, tmp_path / "a.sqlite", holder="张三", units=units)
    two = issue(office_dir, tmp_path / "b.sqlite", holder="李四", units=units)
    own = issue(office_dir, tmp_path / "u.sqlite", role="unit", holder="县财政局法规股",
                units=["县财政局"])
    rate_all(one, "县财政局", "达标", items=[1, 2, 3], methods=["查阅资料"], comment="台账齐全")
    rate_all(two, "县财政局", "达标", items=[1, 2], methods=["实地查看", "听取汇报"])
    rate_all(two, "县财政局", "未达标", items=[3], comment="制度未更新")
    rate_all(one, "下梁镇", "基本达标", items=[1])
    with WorkFile.open(own) as wf:
        wf.update_item("县财政局", 2, rating="不适用", reason="本局无此职能")
        wf.update_item("县财政局", 2, comment="已说明情况")
    batch = do_import(office_dir, *(hand_back(p, tmp_path / f"{p.stem}-back.sqlite")
                                    for p in (one, two, own)))
    assert batch.rejected == 0
    with Office.open(office_dir) as office:
        every = {v.name: v for v in unit_views(office.ledger)}
        alone = unit_views(office.ledger, ["县财政局"])
        assert unit_views(office.ledger, []) == []
    assert alone == [every["县财政局"]]
    items = {i.no: i for i in every["县财政局"].items}
    assert items[1].rating == "达标" and items[1].inspectors == ("张三", "李四")
    assert items[1].methods == ("听取汇报", "查阅资料", "实地查看")   # the catalogue's order
    assert items[1].comment == "台账齐全" and items[1].comments == (("张三", "台账齐全"),)
    assert items[2].unit_notes == ("本局无此职能", "已说明情况")
    assert items[2].unit_note == "本局无此职能；已说明情况" and items[2].rating == "达标"
    assert items[3].rating is None and items[3].conflict == "open"
    assert [(s.holder, s.rating) for s in items[3].sides] == [("张三", "达标"), ("李四", "未达标")]
    assert items[3].comment == "张三：台账齐全\n李四：制度未更新"
    assert items[4].rating is None and items[4].inspectors == () and items[4].sides == ()
    assert {i.no: i.rating for i in every["下梁镇"].items if i.rating} == {1: "基本达标"}


def test_a_failure_inside_the_merge_leaves_the_previous_state(
        office_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = issue(office_dir, tmp_path / "a.sqlite", holder="张三")
    rate_all(one, "县财政局", "达标", items=[1])
    assert do_import(office_dir, hand_back(one, tmp_path / "a-back.sqlite")).rejected == 0
    two = issue(office_dir, tmp_path / "b.sqlite", holder="李四")
    rate_all(two, "县财政局", "未达标", items=[1])
    back = hand_back(two, tmp_path / "b-back.sqlite")
    before = office_state(office_dir)
    log_before = ledger_rows(office_dir, "import_log")

    def broken(*_args: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(conflicts, "mark_pending", broken)  # inside the transaction
    with pytest.raises(RuntimeError):
        do_import(office_dir, back)
    monkeypatch.undo()
    assert ledger_rows(office_dir, "import_log") == log_before
    assert ledger_rows(office_dir, "source") == before["source"]
    # the archive file written just before the failed transaction is swept next time
    assert len(list((office_dir / "archive").iterdir())) == 2
    with Office.open(office_dir) as office, office.writing():
        importer._sweep(office)
    assert office_state(office_dir) == before
    (result,) = do_import(office_dir, back).results
    assert result.result == "imported"


def test_cancel_between_files(office_dir: Path, tmp_path: Path) -> None:
    files = []
    for n, holder in enumerate(["张三", "李四", "王五"]):
        work = issue(office_dir, tmp_path / f"{n}.sqlite", holder=holder)
        files.append(hand_back(work, tmp_path / f"{n}-back.sqlite"))
    seen: list[tuple[int, int, str]] = []
    with Office.open(office_dir) as office:
        keys = office.keys("测试口令-correct-horse")
        batch = importer.import_files(office, files, keys,
                                      progress=lambda d, t, n: seen.append((d, t, n)),
                                      abort=lambda: len(seen) >= 2)
    assert batch.cancelled
    assert [r.path.name for r in batch.results] == ["0-back.sqlite"]
    assert seen[:2] == [(0, 3, "0-back.sqlite"), (1, 3, "1-back.sqlite")]
    assert len(ledger_rows(office_dir, "source")) == 1


def test_a_new_file_is_read_once_and_a_known_one_is_never_copied(
        office_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is hashed before copying only when the ledger holds a file of its size
    (no other can be one seen before): a new file is read once, while copying."""
    work = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(work, "县财政局", "达标", items=range(1, 6))
    back = hand_back(work, tmp_path / "zs-back.sqlite")
    calls: list[str] = []

    def counted(name: str) -> Callable[..., Any]:
        real = getattr(importer, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return real(*args, **kwargs)
        return call

    for name in ("sha256_of", "receive"):
        monkeypatch.setattr(importer, name, counted(name))

    assert do_import(office_dir, back).results[0].result == "imported"
    assert calls == ["receive"]
    calls.clear()
    assert do_import(office_dir, back).results[0].result == "unchanged"
    assert calls == ["sha256_of"]

    calls.clear()
    rate_all(work, "县财政局", "未达标", items=[1])
    newer = hand_back(work, tmp_path / "zs-back-2.sqlite")
    (result,) = do_import(office_dir, newer).results
    assert result.result == "replaced"
    assert calls[-1] == "receive"   # hashed first only if its size matched the first's


def test_every_rating_and_record_reaches_the_ledger_exactly_as_in_the_file(office_dir: Path,
                                                                tmp_path: Path) -> None:
    """Rows are written many to a statement (as many as SQLite's oldest limit of 999
    values allows): 152 ratings and 105 evidence records cross the chunk boundary, and
    odd text (quotes, a NUL, a line break, characters outside the BMP), unrated items and
    evidence for the unit as a whole keep their exact values and types."""
    units = ("县财政局", "下梁镇")
    work = issue(office_dir, tmp_path / "zs.sqlite", units=units)
    odd = ['引号"与\\反斜杠', "第一行\n第二行", "含\x00空字符", "生僻字𠮷😀", ""]
    with WorkFile.open(work) as wf:
        for unit in units:
            for item in wf.catalogue.items():
                rated = item.no % 7 != 0
                wf.update_item(unit, item.no, rating="达标" if rated else None,
                               methods=["查阅资料"] if rated else [],
                               comment=odd[item.no % len(odd)])
        for n in range(105):    # 99 evidence records of 10 values fit one statement
            doc = tmp_path / f"台账{n:03d}.txt"
            doc.write_text(f"第 {n} 份", encoding="utf-8")
            wf.add_evidence(units[n % 2], doc, item_no=1 + n % 76 if n % 9 else None,
                            kind="文件", caption=odd[n % len(odd)])
    back = hand_back(work, tmp_path / "zs-back.sqlite")
    do_import(office_dir, back)
    have: dict[str, list[tuple[Any, ...]]] = {}
    for table, columns, count in (
            ("rating", "unit, item_no, rating, methods, comment, reason, updated_at", 152),
            ("evidence", "unit, item_no, sha256, name, kind, caption, size, mime, added_at",
             105)):
        typed = ", ".join(f"typeof({c})" for c in columns.split(", "))
        query = f"SELECT {columns}, {typed} FROM {table} ORDER BY {columns}"
        with closing(sqlite3.connect(back)) as conn:
            want = conn.execute(query).fetchall()
        with closing(sqlite3.connect(office_dir / "ledger.sqlite")) as conn:
            have[table] = conn.execute(query).fetchall()
        assert len(want) == count, table
        assert have[table] == want, table
    assert any("\x00" in row[4] for row in have["rating"])
    assert any(row[2] is None for row in have["rating"])
    assert any(row[1] is None for row in have["evidence"])


def test_issued_files_say_which_have_come_back(office_dir: Path, tmp_path: Path) -> None:
    from zhashui_inspector.exchange.status import issued_files

    one = issue(office_dir, tmp_path / "a.sqlite", holder="张三")
    issue(office_dir, tmp_path / "u.sqlite", role="unit", holder="县财政局法规股")
    rate_all(one, "县财政局", "达标", items=[1])
    do_import(office_dir, hand_back(one, tmp_path / "a1.sqlite"))
    rate_all(one, "县财政局", "未达标", items=[2])
    do_import(office_dir, hand_back(one, tmp_path / "a2.sqlite"))
    with Office.open(office_dir) as office:
        unit, inspector = issued_files(office.ledger)
    assert (unit.holder, unit.role_label, unit.units, unit.returned) == (
        "县财政局法规股", "被评估单位", ("县财政局",), False)
    assert unit.file_name == "u.sqlite" and unit.imported_at == ""
    assert (inspector.holder, inspector.handback_seq, inspector.returned) == ("张三", 2, True)
    assert inspector.imported_at.startswith("20")
    assert inspector.late            # handed back after the default round (2023) ended
    sheet = load_workbook(office_dir / "master.xlsx")["下发记录"]   # oldest first
    assert [[c.value for c in row][1:6] for row in sheet.iter_rows(min_row=4)] == [
        ["张三", "评估组", "县财政局", "a.sqlite", "第 2 次交回（逾期）"],
        ["县财政局法规股", "被评估单位", "县财政局", "u.sqlite", "未交回"]]
