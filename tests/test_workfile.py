"""The work file's rules, evidence store, sign-off lock and hand-back, through the core API."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from zhashui_inspector.core import schema
from zhashui_inspector.core.errors import (
    NewerFormatError,
    UnitLocked,
    ValidationError,
    WorkFileError,
    WorkFileLockedError,
)
from zhashui_inspector.core.workfile import WorkFile, clean_file_name


def test_new_file_holds_identity_scope_and_catalogue_snapshot(practice_file: Path) -> None:
    with WorkFile.open(practice_file) as wf:
        assert wf.role == "inspector"
        assert wf.identity.holder == "王五"
        assert wf.units == ("县财政局", "下梁镇")
        assert len(wf.catalogue.items()) == 76
        assert wf.identity.catalogue_hash == wf.catalogue.hash
        assert wf.identity.format_version == schema.FORMAT_VERSION
        assert [s.name for s in wf.identity.stages] == ["全面自查", "复查验收评估", "复查处理"]
        assert not wf.identity.issued
        mode = wf.conn.execute("PRAGMA journal_mode").fetchone()[0]
        sync = wf.conn.execute("PRAGMA synchronous").fetchone()[0]
        assert (mode, sync) == ("wal", 2)


def test_create_refuses_unknown_unit_role_and_existing_file(tmp_path: Path,
                                                            practice_file: Path) -> None:
    with pytest.raises(ValidationError, match="不在本次复查验收名单"):
        WorkFile.create(tmp_path / "x.sqlite", role="inspector", holder="a", units=["县教育局"])
    with pytest.raises(ValidationError, match="角色"):
        WorkFile.create(tmp_path / "y.sqlite", role="boss", holder="a", units=["县财政局"])
    with pytest.raises(ValidationError, match="已存在"):
        WorkFile.create(practice_file, role="inspector", holder="a", units=["县财政局"])
    with pytest.raises(ValidationError, match="只能包含一个单位"):
        WorkFile.create(tmp_path / "z.sqlite", role="unit", holder="a",
                        units=["县财政局", "下梁镇"])
    assert not list(tmp_path.glob("[xyz].sqlite*"))


def test_a_file_that_cannot_be_written_is_refused_in_chinese_and_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from zhashui_inspector.core import store

    missing = tmp_path / "没有的文件夹" / "a.sqlite"
    with pytest.raises(WorkFileError) as caught:
        WorkFile.create(missing, role="inspector", holder="a", units=["县财政局"])
    assert caught.value.message == f"无法创建工作文件：文件夹“{missing.parent}”不存在"

    def full(*_args):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(store.os, "replace", full)
    with pytest.raises(WorkFileError) as caught:
        WorkFile.create(tmp_path / "b.sqlite", role="inspector", holder="a", units=["县财政局"])
    assert caught.value.message == "磁盘空间不足，未能创建工作文件“b.sqlite”"
    assert list(tmp_path.iterdir()) == []                 # no half-made file left


def test_rating_rules(practice_file: Path) -> None:
    with WorkFile.open(practice_file) as wf:
        state = wf.update_item("县财政局", 3, rating="基本达标", methods=["查阅资料", "实地查看"],
                               comment="台账缺签字")
        assert state.rating == "基本达标" and state.methods == ("查阅资料", "实地查看")
        again = wf.item_state("县财政局", 3)
        assert again.comment == "台账缺签字" and again.updated_at
        # only the catalogue's lists
        with pytest.raises(ValidationError, match="评定结果"):
            wf.update_item("县财政局", 3, rating="优秀")
        with pytest.raises(ValidationError, match="核查方式"):
            wf.update_item("县财政局", 3, methods=["电话询问"])
        with pytest.raises(ValidationError, match="第 77 项"):
            wf.update_item("县财政局", 77, rating="达标")
        with pytest.raises(ValidationError, match="评估范围"):
            wf.update_item("县林业局", 3, rating="达标")
        # 不适用 needs a reason (the GUI may store it while the reason is typed)
        with pytest.raises(ValidationError, match="必须说明理由"):
            wf.update_item("县财政局", 4, rating="不适用")
        assert wf.item_state("县财政局", 4).rating is None
        partial = wf.update_item("县财政局", 4, rating="不适用", allow_missing_reason=True)
        assert partial.needs_reason
        # untouched fields are kept
        wf.update_item("县财政局", 3, comment="已补签")
        assert wf.item_state("县财政局", 3).rating == "基本达标"


def test_unit_role_cannot_rate(tmp_path: Path) -> None:
    path = tmp_path / "unit.sqlite"
    with WorkFile.create(path, role="unit", holder="县财政局法制股", units=["县财政局"]) as wf:
        with pytest.raises(ValidationError, match="不评定等次"):
            wf.update_item("县财政局", 1, rating="达标")
        with pytest.raises(ValidationError, match="核查方式"):
            wf.update_item("县财政局", 1, methods=["查阅资料"])
        wf.update_item("县财政局", 5, rating="不适用", reason="本单位无市场准入职能")
        assert wf.item_state("县财政局", 5).reason == "本单位无市场准入职能"


def _write(path: Path, size: int, seed: int = 0) -> Path:
    block = hashlib.sha256(str(seed).encode()).digest() * 2048  # 64 KiB of varied bytes
    with open(path, "wb") as fh:
        left = size
        while left > 0:
            fh.write(block[: min(left, len(block))])
            left -= len(block)
    return path


def test_evidence_is_streamed_deduplicated_and_exported(practice_file: Path,
                                                       tmp_path: Path) -> None:
    src = _write(tmp_path / "现场照片.jpg", 5 * 1024 * 1024 + 17)
    seen: list[tuple[int, int]] = []
    with WorkFile.open(practice_file) as wf:
        ev = wf.add_evidence("县财政局", src, item_no=7, kind="图片", caption="公示栏",
                             progress=lambda done, total: seen.append((done, total)))
        assert ev.size == src.stat().st_size
        assert ev.sha256 == hashlib.sha256(src.read_bytes()).hexdigest()
        assert ev.mime == "image/jpeg"
        assert seen[-1][0] == seen[-1][1]
        # the same content again is stored once
        ev2 = wf.add_evidence("下梁镇", src, kind="图片")
        assert ev2.item_no is None
        (blobs,) = wf.conn.execute("SELECT count(*) FROM blob").fetchone()
        assert blobs == 1
        assert wf.item_state("县财政局", 7).evidence_count == 1
        assert [e.id for e in wf.evidence_list("下梁镇")] == [ev2.id]
        out = wf.export_evidence(ev.id, tmp_path / "out.jpg")
        assert out.read_bytes() == src.read_bytes()
        removed = wf.remove_evidence(ev.id, "拍错了")
        assert removed.id == ev.id
        assert wf.evidence_list("县财政局", 7) == []
        wf.restore_evidence(ev.id)
        assert [e.id for e in wf.evidence_list("县财政局", 7)] == [ev.id]
        with pytest.raises(ValidationError, match="材料类别"):
            wf.add_evidence("县财政局", src, kind="视频")
        assert wf.verify_audit().ok


def test_stored_content_reads_like_a_file(practice_file: Path, tmp_path: Path) -> None:
    from zhashui_inspector.core.blobstore import open_blob

    src = tmp_path / "notes.txt"
    src.write_bytes(b"first line\nsecond line\n" + bytes(range(256)) * 5000)
    with WorkFile.open(practice_file) as wf:
        ev = wf.add_evidence("县财政局", src, kind="文件")
        with open_blob(wf.conn, ev.sha256) as fh:
            assert fh.readline() == b"first line\n"   # image decoders read headers by line
            assert fh.peek(6)[:6] == b"second"
            fh.seek(-256, 2)
            assert fh.read() == bytes(range(256))
            fh.seek(0)
            assert fh.read() == src.read_bytes()


def test_evidence_names_are_cleaned() -> None:
    assert clean_file_name("../../etc/passwd") == "passwd"
    assert clean_file_name("C:\\Windows\\x.txt") == "x.txt"
    assert clean_file_name("a\x00b\x1fc.txt") == "abc.txt"
    assert clean_file_name("..") == "未命名"
    long = clean_file_name("很" * 300 + ".pdf")
    assert len(long) <= 200 and long.endswith(".pdf")


def test_abort_leaves_nothing(practice_file: Path, tmp_path: Path) -> None:
    from zhashui_inspector.core.blobstore import Aborted

    src = _write(tmp_path / "big.bin", 4 * 1024 * 1024)
    with WorkFile.open(practice_file) as wf:
        with pytest.raises(Aborted):
            wf.add_evidence("县财政局", src, abort=lambda: True)
        assert wf.conn.execute("SELECT count(*) FROM blob").fetchone()[0] == 0
        assert wf.evidence_list("县财政局", all_items=True) == []
        assert wf.verify_audit().ok


def test_self_report_limit_counts_non_whitespace(practice_file: Path) -> None:
    with WorkFile.open(practice_file) as wf:
        wf.set_self_report("县财政局", "法治 政府\n建设")
        assert wf.self_report("县财政局").count == 6
        wf.set_self_report("县财政局", "字" * 2500 + " " * 100)
        assert not wf.self_report("县财政局").over_limit
        wf.set_self_report("县财政局", "字" * 2501)
        report = wf.self_report("县财政局")
        assert report.over_limit and report.text == "字" * 2501  # kept, not cut


def test_sign_off_blockers_name_the_items(practice_file: Path) -> None:
    with WorkFile.open(practice_file) as wf:
        wf.rate_many("县财政局", list(range(1, 23)), rating="达标", methods=["查阅资料"])
        wf.update_item("县财政局", 5, rating="不适用", allow_missing_reason=True)
        wf.update_item("县财政局", 7, rating="不适用", allow_missing_reason=True)
        assert wf.signoff_blockers("县财政局") == [
            "还有 54 项未评定（第 23、24、25、26、27、28、29、30、31、32、33、34 等项）",
            "第 5、7 项评为不适用但未说明理由"]
        wf.rate_many("县财政局", list(range(23, 76)), rating="达标", methods=["查阅资料"])
        assert wf.signoff_blockers("县财政局")[0] == "还有 1 项未评定（第 76 项）"


def test_sign_off_refused_until_complete_then_locks(practice_file: Path) -> None:
    with WorkFile.open(practice_file) as wf:
        with pytest.raises(ValidationError, match="76 项未评定"):
            wf.sign_off("县财政局", "王五")
        wf.rate_many("县财政局", list(range(1, 77)), rating="达标", methods=["查阅资料"])
        wf.update_item("县财政局", 9, rating="不适用", allow_missing_reason=True)
        wf.set_self_report("县财政局", "字" * 2600)
        blockers = wf.signoff_blockers("县财政局")
        assert any("第 9 项" in b for b in blockers)
        assert any("超过 2500 字" in b for b in blockers)
        with pytest.raises(ValidationError):
            wf.sign_off("县财政局", "王五")
        wf.update_item("县财政局", 9, reason="无此职能")
        wf.set_self_report("县财政局", "字" * 100)
        so = wf.sign_off("县财政局", "王五", b"\x89PNG\r\n\x1a\nfake")
        assert wf.is_signed("县财政局") and so.digest == wf.unit_digest("县财政局")
        assert wf.signature_png(so) == b"\x89PNG\r\n\x1a\nfake"
        with pytest.raises(UnitLocked):
            wf.update_item("县财政局", 1, rating="未达标")
        with pytest.raises(UnitLocked):
            wf.set_self_report("县财政局", "改")
        with pytest.raises(ValidationError, match="说明理由"):
            wf.reopen("县财政局", "  ")
        wf.reopen("县财政局", "复核第 1 项")
        wf.update_item("县财政局", 1, rating="未达标")
        assert [s.reopen_reason for s in wf.signoffs("县财政局")] == ["复核第 1 项"]
        actions = [r[0] for r in wf.conn.execute("SELECT action FROM audit ORDER BY seq")]
        assert actions[-3:] == ["sign_off", "reopen", "rate"]
        assert wf.verify_audit().ok


def test_hand_back_is_one_consistent_file(practice_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "usb" / "交回.sqlite"
    out.parent.mkdir()
    with WorkFile.open(practice_file) as wf:
        wf.update_item("下梁镇", 1, rating="达标")
        wf.hand_back(out)
        assert wf.identity.handback_seq == 1
        with pytest.raises(ValidationError, match="不能覆盖"):
            wf.hand_back(practice_file)
        wf.update_item("下梁镇", 2, rating="达标")
        wf.hand_back(tmp_path / "second.sqlite")
        assert wf.identity.handback_seq == 2
    assert sorted(p.name for p in out.parent.iterdir()) == ["交回.sqlite"]
    conn = sqlite3.connect(out)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with WorkFile.open(out, readonly=True) as copy:
        assert copy.item_state("下梁镇", 1).rating == "达标"
        assert copy.item_state("下梁镇", 2).rating is None
        assert copy.identity.handback_seq == 1
        assert copy.verify_audit().ok


def test_second_writer_is_refused_while_first_is_open(practice_file: Path) -> None:
    first = WorkFile.open(practice_file)
    try:
        with pytest.raises(WorkFileLockedError, match="另一个窗口"):
            WorkFile.open(practice_file)
        with WorkFile.open(practice_file, readonly=True) as reader:  # reading is fine
            assert reader.units == ("县财政局", "下梁镇")
    finally:
        first.close()
    WorkFile.open(practice_file).close()  # the lock went with the first one


def test_foreign_damaged_and_newer_files_are_refused(tmp_path: Path,
                                                     practice_file: Path) -> None:
    html = tmp_path / "page.sqlite"
    html.write_text("<html>not a database</html>")
    with pytest.raises(WorkFileError, match="不是 SQLite"):
        WorkFile.open(html)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(WorkFileError, match="不是柞水县"):
        WorkFile.open(other)
    conn = sqlite3.connect(practice_file)
    conn.execute(f"PRAGMA user_version = {schema.FORMAT_VERSION + 1}")
    conn.close()
    with pytest.raises(NewerFormatError, match="较新版本"):
        WorkFile.open(practice_file)
    with pytest.raises(WorkFileError, match="找不到"):
        WorkFile.open(tmp_path / "missing.sqlite")
    assert not os.path.exists(str(practice_file) + ".lock")


def test_disk_full_is_reported_in_chinese_and_nothing_half_saved(practice_file: Path,
                                                                  tmp_path: Path) -> None:
    src = _write(tmp_path / "big.bin", 3 * 1024 * 1024)
    with WorkFile.open(practice_file) as wf:
        wf.update_item("县财政局", 1, rating="达标")
        pages = wf.conn.execute("PRAGMA page_count").fetchone()[0]
        wf.conn.execute(f"PRAGMA max_page_count = {pages + 1}")  # the disk is now "full"
        with pytest.raises(WorkFileError, match="磁盘空间不足") as info:
            wf.add_evidence("县财政局", src, item_no=2)
        assert "SQLITE_FULL" in info.value.detail
        assert wf.evidence_list("县财政局", all_items=True) == []
        wf.conn.execute("PRAGMA max_page_count = 1073741823")
        wf.add_evidence("县财政局", src, item_no=2)  # retry after space was freed
        assert wf.verify_audit().ok


def test_moved_or_deleted_file_refuses_edits_instead_of_losing_them(practice_file: Path,
                                                                    tmp_path: Path) -> None:
    wf = WorkFile.open(practice_file)
    try:
        wf.update_item("县财政局", 1, rating="达标")
        moved = tmp_path / "moved.sqlite"
        os.replace(practice_file, moved)
        with pytest.raises(WorkFileError, match="已被移动、改名或删除"):
            wf.update_item("县财政局", 2, rating="达标")
        os.replace(moved, practice_file)
        wf.update_item("县财政局", 2, rating="达标")  # back in place: saving works again
    finally:
        wf.close()
    with WorkFile.open(practice_file, readonly=True) as again:
        assert again.ratings("县财政局") == {1: "达标", 2: "达标"}
