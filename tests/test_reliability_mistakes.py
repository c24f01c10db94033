"""Everyday mistakes around the office folder: a full disk while the workbook is written,
and laptops whose clocks are set wrong.

Covered elsewhere and not repeated here: a full disk while saving an edit
(test_workfile.py::test_disk_full_is_reported_in_chinese_and_nothing_half_saved), the
workbook held open by Excel (test_exchange_workbook.py::test_a_locked_workbook_…), a work
file moved or deleted while open (test_workfile.py::test_moved_or_deleted_file_…), and two
programs on one work file (test_workfile.py::test_second_writer_is_refused_…,
test_ui_single_instance.py).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest
from exchange_support import do_import, hand_back, issue, ledger_rows, rate_all, sha256
from openpyxl import load_workbook

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.exchange import workbook
from zhashui_inspector.exchange.office import Office

UNIT = "县财政局"
DISK_FULL = ("磁盘空间不足，总表“master.xlsx”未能更新，未作改动；台账已保存，"
             "腾出空间后，下次导入或执行 office workbook 时会自动写入")


def _full_disk() -> OSError:
    return OSError(errno.ENOSPC, "No space left on device")


def _workbook_files(office: Path) -> list[tuple[str, str]]:
    """Every workbook file of the office (the master, its history, leftovers) by content."""
    files = [p for p in office.iterdir() if p.name.startswith("master")]
    files += list((office / "workbook-history").iterdir())
    return sorted((str(p.relative_to(office)), sha256(p)) for p in files)


def _import_one(office: Path, tmp_path: Path, holder: str = "张三") -> Any:
    work = issue(office, tmp_path / f"{holder}.sqlite", holder=holder)
    rate_all(work, UNIT, "达标", items=[1])
    return do_import(office, hand_back(work, tmp_path / f"{holder}-back.sqlite"))


def test_a_full_disk_while_saving_the_workbook_keeps_the_old_one(
        office_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _workbook_files(office_dir)

    def save(_wb: object, filename: Path) -> None:
        Path(filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise _full_disk()

    monkeypatch.setattr("zhashui_inspector.exchange.workbook_writer.save", save)
    batch = _import_one(office_dir, tmp_path)
    assert [r.result for r in batch.results] == ["imported"]   # the ledger has the file
    assert batch.workbook_message == DISK_FULL
    assert _workbook_files(office_dir) == before                # nothing half written left
    with Office.open(office_dir) as office:
        assert office.workbook_pending                           # written next time

    monkeypatch.undo()
    with Office.open(office_dir) as office:
        assert office.refresh_workbook() == ""
    assert load_workbook(office_dir / "master.xlsx")[UNIT]["E4"].value == "达标"


def test_a_full_disk_while_keeping_the_previous_version_changes_nothing(
        office_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _workbook_files(office_dir)
    history = office_dir / "workbook-history"
    real_open = open

    class FullDisk:
        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def write(self, _data: bytes) -> int:
            raise _full_disk()

    def opener(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        fh = real_open(path, mode, *args, **kwargs)
        return FullDisk(fh) if Path(path).parent == history and "w" in mode else fh

    monkeypatch.setattr(workbook, "open", opener, raising=False)
    batch = _import_one(office_dir, tmp_path)
    assert batch.workbook_message == DISK_FULL
    assert _workbook_files(office_dir) == before


# ---- clocks set wrong ------------------------------------------------------------------

def _frozen_clock(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    """The laptop's clock shows `when` (the office's own clock stays right)."""
    for module in ("zhashui_inspector.core.store", "zhashui_inspector.core.workfile",
                   "zhashui_inspector.core.records"):
        monkeypatch.setattr(f"{module}.now_iso", lambda: when, raising=False)


def test_a_newer_hand_back_from_a_laptop_whose_clock_is_years_behind_supersedes(
        office_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(work, UNIT, "基本达标", items=[1])
    first = hand_back(work, tmp_path / "first.sqlite")
    _frozen_clock(monkeypatch, "2003-01-01T08:00:00+08:00")       # battery died, clock reset
    with WorkFile.open(work) as wf:
        wf.update_item(UNIT, 1, rating="达标", comment="复查后改正")
    second = hand_back(work, tmp_path / "second.sqlite")
    monkeypatch.undo()

    batch = do_import(office_dir, first, second)
    assert [r.result for r in batch.results] == ["imported", "replaced"]
    assert batch.results[1].message.endswith("第 2 次交回，替换第 1 次交回")
    current = [r for r in ledger_rows(office_dir, "source") if r[16] == 1]
    assert [(r[7], r[10][:4]) for r in current] == [(2, "2003")]   # seq 2, timestamps 2003
    ratings = {r[2]: r[3] for r in ledger_rows(office_dir, "rating") if r[0] == current[0][0]}
    assert ratings == {1: "达标"}


def test_an_older_hand_back_with_future_timestamps_is_still_superseded(
        office_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = issue(office_dir, tmp_path / "zs.sqlite")
    _frozen_clock(monkeypatch, "2099-12-31T23:59:59+08:00")       # clock set far ahead
    rate_all(work, UNIT, "未达标", items=[1])
    early = hand_back(work, tmp_path / "early.sqlite")
    monkeypatch.undo()                                            # clock corrected
    with WorkFile.open(work) as wf:
        wf.update_item(UNIT, 1, rating="达标")
    late = hand_back(work, tmp_path / "late.sqlite")

    batch = do_import(office_dir, late, early)                    # the older one arrives last
    assert [r.result for r in batch.results] == ["imported", "superseded"]
    assert batch.results[1].message == "第 1 次交回早于已导入的第 2 次交回，已忽略"
    (source,) = ledger_rows(office_dir, "source")
    assert source[7] == 2


def test_a_full_office_disk_while_copying_a_returned_file_blames_the_disk_not_the_file(
        office_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy into the office's temp folder is written to /dev/full: every write fails
    with ENOSPC, as on a full disk."""
    from exchange_support import office_state

    from zhashui_inspector.exchange import validate

    work = issue(office_dir, tmp_path / "zs.sqlite")
    back = hand_back(work, tmp_path / "zs-back.sqlite")
    before = office_state(office_dir)
    monkeypatch.setattr(validate, "_mkstemp", lambda tmp_dir: (
        os.open("/dev/full", os.O_WRONLY), str(tmp_dir / "received-full.sqlite")))
    (result,) = do_import(office_dir, back).results
    assert result.rejected
    assert result.message == "无法导入：办公文件夹所在的磁盘已满（文件本身没有问题），请腾出空间后重新导入"
    assert office_state(office_dir) == before
    monkeypatch.undo()
    assert do_import(office_dir, back).results[0].result == "imported"


def test_a_full_disk_while_writing_the_ledger_is_one_chinese_line_and_changes_nothing(
        office_dir: Path, tmp_path: Path) -> None:
    """SQLite's own ceiling (max_page_count) makes the ledger's write fail with
    SQLITE_FULL, as a full disk does."""
    from exchange_support import PASSPHRASE, office_state

    from zhashui_inspector.core.errors import ZhashuiError
    from zhashui_inspector.exchange.importer import import_files

    work = issue(office_dir, tmp_path / "zs.sqlite")
    rate_all(work, UNIT, "达标", comment="资料齐全" * 50)
    back = hand_back(work, tmp_path / "zs-back.sqlite")
    before = office_state(office_dir)
    with Office.open(office_dir) as office:
        keys = office.keys(PASSPHRASE)
        (pages,) = office.ledger.conn.execute("PRAGMA page_count").fetchone()
        office.ledger.conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(ZhashuiError) as failed:
            import_files(office, [back], keys)
    assert failed.value.message == "办公文件夹所在的磁盘已满，台账未能写入，本次操作未生效；请腾出空间后重试"
    after = office_state(office_dir)
    # the archive got the whole file before the ledger refused it: nobody refers to it,
    # and the next import removes it (as after a crash at that point)
    (left,) = after.pop("archive")
    assert left == (f"{sha256(back)}.sqlite", sha256(back))
    assert after == {k: v for k, v in before.items() if k != "archive"}
    assert [r.result for r in do_import(office_dir, back).results] == ["imported"]
    assert [p.name for p in (office_dir / "archive").iterdir()] == [left[0]]
