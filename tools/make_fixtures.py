"""Write the checked-in work files of older formats that the upgrade tests open.

Run once per format change: `python tools/make_fixtures.py`. Each fixture is made with
the current program and then taken back to the older layout, step by step, the reverse
of `schema.UPGRADES`.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zhashui_inspector.core.workfile import WorkFile  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def downgrade_to_1(conn: sqlite3.Connection) -> None:
    conn.execute("DROP INDEX idx_evidence_unit_item")
    conn.execute("DROP INDEX idx_audit_unit")
    conn.execute("ALTER TABLE evidence DROP COLUMN mime")
    conn.execute("PRAGMA user_version = 1")


def make_v1(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        photo = Path(tmp) / "公示栏.jpg"
        photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40)
        path = Path(tmp) / "v1.sqlite"
        with WorkFile.create(path, role="inspector", holder="旧版评估组",
                             units=["县林业局", "凤凰镇"]) as wf:
            wf.update_item("县林业局", 1, rating="达标", methods=["查阅资料"], comment="旧版记录")
            wf.update_item("县林业局", 5, rating="不适用", reason="无此职能")
            wf.add_evidence("县林业局", photo, item_no=1, kind="图片", caption="旧版照片")
            wf.set_self_report("县林业局", "旧版自评报告")
            wf.hand_back(out.with_suffix(".tmp"))
        tmp_out = out.with_suffix(".tmp")
        conn = sqlite3.connect(tmp_out, isolation_level=None)
        downgrade_to_1(conn)
        conn.execute("VACUUM")
        conn.close()
        tmp_out.replace(out)


if __name__ == "__main__":
    FIXTURES.mkdir(parents=True, exist_ok=True)
    make_v1(FIXTURES / "workfile_v1.sqlite")
    print("wrote", FIXTURES / "workfile_v1.sqlite")
