"""Upgrades from every older format, on checked-in fixture files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from zhashui_inspector.core import schema
from zhashui_inspector.core.workfile import WorkFile

FIXTURES = Path(__file__).parent / "fixtures"
OLDER = {1: FIXTURES / "workfile_v1.sqlite"}


def test_every_older_version_has_a_fixture() -> None:
    assert set(OLDER) == set(range(1, schema.FORMAT_VERSION))
    for version, path in OLDER.items():
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        assert schema.version_of(conn) == version
        conn.close()


@pytest.mark.parametrize("version", sorted(OLDER))
def test_upgrade_keeps_data_and_reaches_current(version: int, tmp_path: Path) -> None:
    path = tmp_path / f"v{version}.sqlite"
    shutil.copyfile(OLDER[version], path)
    with WorkFile.open(path) as wf:
        assert schema.version_of(wf.conn) == schema.FORMAT_VERSION
        assert wf.identity.holder == "旧版评估组"
        state = wf.item_state("县林业局", 1)
        assert (state.rating, state.comment, state.evidence_count) == ("达标", "旧版记录", 1)
        assert wf.item_state("县林业局", 5).reason == "无此职能"
        assert wf.self_report("县林业局").text == "旧版自评报告"
        (ev,) = wf.evidence_list("县林业局", 1)
        assert ev.caption == "旧版照片"
        report = wf.verify_audit()
        assert report.ok, report.problem
        last = wf.conn.execute("SELECT action, payload FROM audit ORDER BY seq DESC").fetchone()
        assert last[0] == "upgrade"
        # the upgraded file takes new edits
        wf.update_item("凤凰镇", 2, rating="达标")


def test_failed_upgrade_step_leaves_file_unchanged(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v1.sqlite"
    shutil.copyfile(OLDER[1], path)
    before = path.read_bytes()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE evidence ADD COLUMN mime TEXT NOT NULL DEFAULT ''")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setitem(schema.UPGRADES, 2, broken)
    with pytest.raises(sqlite3.OperationalError):
        WorkFile.open(path)
    conn = sqlite3.connect(path)
    assert schema.version_of(conn) == 1
    cols = [r[1] for r in conn.execute("PRAGMA table_info(evidence)")]
    assert "mime" not in cols
    conn.close()
    assert path.read_bytes()[100:] == before[100:]
