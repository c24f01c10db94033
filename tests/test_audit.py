"""The audit chain detects edits made behind the program's back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from zhashui_inspector.cli.main import main
from zhashui_inspector.core.workfile import WorkFile


def _prepared(path: Path) -> None:
    with WorkFile.open(path) as wf:
        wf.update_item("县财政局", 1, rating="达标", comment="好")
        wf.update_item("县财政局", 2, rating="未达标", comment="缺材料")
        wf.set_self_report("县财政局", "自评")


def test_untouched_file_verifies(practice_file: Path, capsys) -> None:
    _prepared(practice_file)
    assert main(["audit", str(practice_file)]) == 0
    assert "审计日志完整" in capsys.readouterr().out


def test_rating_changed_behind_the_back_is_reported(practice_file: Path, capsys) -> None:
    _prepared(practice_file)
    conn = sqlite3.connect(practice_file)
    conn.execute("UPDATE rating SET rating = '达标' WHERE unit = '县财政局' AND item_no = 2")
    conn.commit()
    conn.close()
    assert main(["audit", str(practice_file)]) == 1
    err = capsys.readouterr().err
    assert "评定与审计日志不一致" in err and "县财政局 第 2 项" in err


def test_audit_row_changed_is_reported_with_its_number(practice_file: Path, capsys) -> None:
    _prepared(practice_file)
    conn = sqlite3.connect(practice_file)
    seq = conn.execute("SELECT seq FROM audit WHERE action = 'rate' AND item_no = 2").fetchone()[0]
    conn.execute("UPDATE audit SET payload = replace(payload, '未达标', '达标') WHERE seq = ?",
                 (seq,))
    conn.commit()
    conn.close()
    assert main(["audit", str(practice_file)]) == 1
    assert f"第 {seq} 条记录被改动过" in capsys.readouterr().err


def test_deleted_audit_row_is_reported(practice_file: Path, capsys) -> None:
    _prepared(practice_file)
    conn = sqlite3.connect(practice_file)
    conn.execute("DELETE FROM audit WHERE seq = 2")
    conn.commit()
    conn.close()
    assert main(["audit", str(practice_file)]) == 1
    assert "缺少第 2 条" in capsys.readouterr().err


def test_evidence_and_signoff_edits_are_reported(practice_file: Path, tmp_path: Path,
                                                 capsys) -> None:
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"photo")
    with WorkFile.open(practice_file) as wf:
        wf.add_evidence("下梁镇", photo, item_no=3, kind="图片")
    conn = sqlite3.connect(practice_file)
    conn.execute("UPDATE evidence SET item_no = 4")
    conn.commit()
    conn.close()
    assert main(["audit", str(practice_file)]) == 1
    assert "佐证材料与审计日志不一致" in capsys.readouterr().err


def test_entry_hash_spells_the_body_as_the_canonical_encoder_does() -> None:
    """The spelled-out body must be byte for byte the canonical JSON: a difference would
    break every chain written before (or by the other path)."""
    import hashlib
    import random

    from zhashui_inspector.core.audit import GENESIS, canonical, entry_hash

    rnd = random.Random(7)
    alphabet = ['"', "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "\u2028", "/", "é", "达", "😀",
                "a", " ", "{", "]"]

    def text() -> str:
        return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))

    for n in range(500):
        fields = (rnd.choice([0, 1, 10**12, -3]) + n, text(), text(), text(),
                  rnd.choice([None, text()]), rnd.choice([None, 0, 76, -1]),
                  canonical({"comment": text(), "methods": [text()], "n": n}))
        expected = hashlib.sha256(
            (GENESIS + canonical(list(fields))).encode("utf-8")).hexdigest()
        assert entry_hash(GENESIS, *fields) == expected
    # other types (not written by the program) still hash as their canonical JSON
    odd = hashlib.sha256((GENESIS + canonical([True, "a", "b", "c", None, 1.5, "{}"]))
                         .encode("utf-8")).hexdigest()
    assert entry_hash(GENESIS, True, "a", "b", "c", None, 1.5, "{}") == odd  # type: ignore[arg-type]


def test_entries_with_the_same_payload_replay_independently(practice_file: Path) -> None:
    """Equal payload texts are decoded once and their state shared; the replay must still
    keep one state per item, so an edit to one of them is found and named."""
    from zhashui_inspector.core import audit

    with WorkFile.open(practice_file) as wf:
        for no in (1, 2, 3):
            wf.update_item("县财政局", no, rating="达标", methods=["查阅资料"])
        wf.update_item("县财政局", 2, rating="达标", methods=["查阅资料"], comment="补充")
        wf.update_item("县财政局", 2, rating="达标", methods=["查阅资料"], comment="")  # as before
        wf.update_item("县财政局", 4, rating="达标", methods=["查阅资料"], comment="补充")
    conn = sqlite3.connect(practice_file)
    payloads = [r[0] for r in conn.execute("SELECT payload FROM audit WHERE action = 'rate'")]
    assert len(payloads) == 6 and len(set(payloads)) == 2
    report, state = audit.check_chain(conn)
    assert report.ok and audit.verify(conn).ok
    assert state.ratings[("县财政局", 1)] == state.ratings[("县财政局", 3)] == (
        "达标", ("查阅资料",), "", "") == state.ratings[("县财政局", 2)]
    assert state.ratings[("县财政局", 4)] == ("达标", ("查阅资料",), "补充", "")
    assert state.ratings == audit.current_state(conn).ratings
    conn.execute("UPDATE rating SET methods = '[\"实地查看\"]' WHERE item_no = 3")
    report = audit.verify(conn)
    assert not report.ok and "县财政局 第 3 项" in report.problem
    conn.close()


def test_the_replay_is_compared_with_the_rows_the_caller_read(practice_file: Path) -> None:
    """An import hands `verify` the rating rows it read (and will keep): those are what the
    replay must equal, and the report gives every entry's hash in order."""
    from zhashui_inspector.core import audit

    _prepared(practice_file)
    conn = sqlite3.connect(practice_file)
    rows = conn.execute("SELECT unit, item_no, rating, methods, comment, reason, updated_at"
                        " FROM rating ORDER BY unit, item_no").fetchall()
    report = audit.verify(conn, audit.table_ratings(rows))
    assert report.ok
    assert report.hashes == tuple(r[0] for r in conn.execute("SELECT hash FROM audit ORDER BY seq"))
    assert len(report.hashes) == report.entries == 4
    changed = [r if r[1] != 2 else (*r[:2], "达标", *r[3:]) for r in rows]
    report = audit.verify(conn, audit.table_ratings(changed))
    assert not report.ok and "评定与审计日志不一致（县财政局 第 2 项）" in report.problem
    assert not audit.verify(conn, audit.table_ratings(rows[:1])).ok   # a row left out
    conn.close()
