"""Returned files that once got past the checks or stopped the import: foreign schema
objects (views, triggers), values of the wrong type, sizes that lie, pipes and devices."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from exchange_support import PASSPHRASE, do_import, hand_back, issue, office_state, rate_all, tamper

from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.exchange.importer import expectations
from zhashui_inspector.exchange.office import Office
from zhashui_inspector.exchange.validate import OfficeExpectations, Rejected, check_file, receive

ENDLESS = ("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)"
           " SELECT '县财政局', 'x', 'x' FROM n WHERE x < 0")


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory, _office_template: Path) -> Path:
    """An office and a good returned file (ratings, a photo, a self-report) not yet imported."""
    root = tmp_path_factory.mktemp("validation")
    shutil.copytree(_office_template, root / "office")
    work = issue(root / "office", root / "zs.sqlite", units=["县财政局", "下梁镇"])
    rate_all(work, "县财政局", "达标", items=range(1, 11), comment="资料齐全")
    photo = root / "照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40)
    with WorkFile.open(work) as wf:
        wf.add_evidence("县财政局", photo, item_no=2, kind="图片", caption="公示栏")
        wf.set_self_report("县财政局", "自评报告")
    hand_back(work, root / "good.sqlite")
    return root


@pytest.fixture(scope="module")
def expect(bench: Path) -> Iterator[OfficeExpectations]:
    with Office.open(bench / "office") as office:
        yield expectations(office, office.keys(PASSPHRASE))


def _verdict(bench: Path, expect: OfficeExpectations, path: Path) -> str:
    """The rejection message for `path`, or "" when every check passes."""
    received = receive(path, bench / "office" / "tmp")
    try:
        check_file(received, expect)
        return ""
    except Rejected as exc:
        return exc.message
    finally:
        received.copy.unlink()


def _damaged(bench: Path, tmp_path: Path, *statements: str) -> Path:
    path = tmp_path / "returned.sqlite"
    shutil.copyfile(bench / "good.sqlite", path)
    tamper(path, *statements)
    return path


def test_the_undamaged_file_passes(bench: Path, expect: OfficeExpectations) -> None:
    assert _verdict(bench, expect, bench / "good.sqlite") == ""


@pytest.mark.parametrize(("statements", "reason"), [
    (("DROP TABLE self_report",
      f"CREATE VIEW self_report (unit, text, updated_at) AS {ENDLESS}"),
     "文件含有本程序不会写入的数据库结构（视图“self_report”）"),
    (("CREATE TRIGGER wipe AFTER INSERT ON audit BEGIN DELETE FROM rating; END",),
     "文件含有本程序不会写入的数据库结构（触发器“wipe”）"),
    (("CREATE TABLE notes (x TEXT)",), "文件含有本程序不会写入的数据库结构（表“notes”）"),
    (("CREATE INDEX extra ON rating (comment)",), "文件含有本程序不会写入的数据库结构（索引“extra”）"),
    (("ALTER TABLE rating ADD COLUMN shadow TEXT AS (upper(comment))",),
     "文件含有本程序不会写入的数据库结构（表“rating”）"),
    (("DROP INDEX idx_audit_unit",), "文件缺少本程序的数据表，不是完整的工作文件"),
], ids=["endless_view", "trigger", "extra_table", "extra_index", "generated_column",
        "missing_index"])
def test_foreign_schema_objects_are_refused_before_anything_reads_them(
        bench: Path, expect: OfficeExpectations, tmp_path: Path, hang_guard: None,
        statements: tuple[str, ...], reason: str) -> None:
    path = _damaged(bench, tmp_path, *statements)
    assert _verdict(bench, expect, path).startswith(reason)


@pytest.mark.parametrize(("statement", "reason"), [
    ("UPDATE round_stage SET start = x'00'", "文件中的数据类型不对（round_stage.start）"),
    ("UPDATE scope_unit SET position = 'first'", "文件中的数据类型不对（scope_unit.position）"),
    ("UPDATE rating SET comment = x'41' WHERE item_no = 3", "文件中的数据类型不对（rating.comment）"),
    ("UPDATE audit SET payload = x'7b7d' WHERE seq = 2", "文件中的数据类型不对（audit.payload）"),
    ("UPDATE cat_rating SET points = 'x' WHERE name = '达标'",
     "文件中的数据类型不对（cat_rating.points）"),
    ("UPDATE rating SET methods = '[[\"查阅资料\"]]' WHERE item_no = 1",
     "县财政局 第 1 项的核查方式无法解读"),
    ("UPDATE rating SET methods = '[7]' WHERE item_no = 1", "县财政局 第 1 项的核查方式无法解读"),
], ids=["blob_date", "text_in_integer", "blob_comment", "blob_payload", "text_points",
        "nested_methods", "number_method"])
def test_values_of_the_wrong_type_are_refused_not_crashed_on(
        bench: Path, expect: OfficeExpectations, tmp_path: Path, statement: str,
        reason: str) -> None:
    path = _damaged(bench, tmp_path, statement)
    assert _verdict(bench, expect, path).startswith(reason)


@pytest.mark.parametrize("statements", [
    ("UPDATE blob SET size = 10000000000000 WHERE size > 1000",
     "UPDATE evidence SET size = 10000000000000"),
    ("UPDATE blob SET size = 10000000000000 WHERE size > 1000",),
    ("UPDATE blob SET size = 1 WHERE size > 1000", "UPDATE evidence SET size = 1"),
], ids=["both_sizes_huge", "blob_size_only", "both_sizes_small"])
def test_an_evidence_size_that_is_not_the_contents_is_refused(
        bench: Path, expect: OfficeExpectations, tmp_path: Path,
        statements: tuple[str, ...]) -> None:
    """Reports size their reads by the recorded size, so it must be the real one."""
    path = _damaged(bench, tmp_path, *statements)
    assert _verdict(bench, expect, path) == \
        "佐证材料“照片.jpg”的内容与其校验值不符（文件内容被改动或损坏）"


def test_pipes_devices_and_folders_are_refused_without_reading(
        bench: Path, tmp_path: Path, hang_guard: None) -> None:
    office = tmp_path / "office"
    shutil.copytree(bench / "office", office)
    pipe = tmp_path / "pipe.sqlite"
    os.mkfifo(pipe)                                  # opening it would wait for a writer
    endless = tmp_path / "endless.sqlite"
    endless.symlink_to("/dev/zero")                  # reading it would never end
    folder = tmp_path / "folder.sqlite"
    folder.mkdir()
    linked = tmp_path / "linked.sqlite"
    linked.symlink_to(bench / "good.sqlite")         # a link to a real file is read through
    before = office_state(office)
    batch = do_import(office, pipe, endless, folder, linked)
    assert [(r.result, r.message) for r in batch.results[:3]] == [
        ("rejected", "无法读取文件：这不是普通文件（是管道、设备或其他特殊文件）"),
        ("rejected", "无法读取文件：这不是普通文件（是管道、设备或其他特殊文件）"),
        ("rejected", "无法读取文件：这是文件夹"),
    ]
    assert batch.results[3].result == "imported"
    (archived,) = (office / "archive").iterdir()
    assert not archived.is_symlink()                 # the archive keeps bytes, not links
    assert archived.read_bytes() == (bench / "good.sqlite").read_bytes()
    after = office_state(office)
    assert [len(after[t]) - len(before[t]) for t in ("source", "archive")] == [1, 1]


def test_a_legitimate_older_file_still_passes_the_schema_check(
        bench: Path, expect: OfficeExpectations, tmp_path: Path) -> None:
    """The v1 layout is recognised (an issued v1 file is accepted by test_exchange_import);
    here the check sees the checked-in v1 fixture as a complete work file of its version."""
    from zhashui_inspector.core import structure

    fixture = Path(__file__).parent / "fixtures" / "workfile_v1.sqlite"
    conn = sqlite3.connect(f"{fixture.as_uri()}?mode=ro", uri=True)
    try:
        objects = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    finally:
        conn.close()
    structure.check_schema(objects, 1, "导入")
    with pytest.raises(structure.StructureError):
        structure.check_schema(objects, 2, "导入")


def test_a_schema_garbled_into_invalid_utf8_is_refused_as_damaged(
        bench: Path, expect: OfficeExpectations, tmp_path: Path) -> None:
    """SQLite's error message then quotes the garbled name, and Python fails to decode the
    message itself (UnicodeDecodeError, not a DatabaseError); found by the fuzzer."""
    path = _damaged(bench, tmp_path, "PRAGMA writable_schema = ON",
                    "UPDATE sqlite_master SET name = CAST(x'6964f378' AS TEXT),"
                    " sql = 'CREATE INDEX broken ON audit((unit)' WHERE name = 'idx_audit_unit'")
    assert _verdict(bench, expect, path).startswith("文件已损坏")


def test_opening_a_work_file_with_a_garbled_schema_says_it_is_damaged(
        bench: Path, tmp_path: Path) -> None:
    """The inspector's own copy on a failing USB stick: a Chinese message, not a crash."""
    from zhashui_inspector.core.errors import WorkFileError

    path = _damaged(bench, tmp_path, "PRAGMA writable_schema = ON",
                    "UPDATE sqlite_master SET name = CAST(x'6964f378' AS TEXT),"
                    " sql = 'CREATE INDEX broken ON audit((unit)' WHERE name = 'idx_audit_unit'")
    with pytest.raises(WorkFileError, match="“returned.sqlite”已损坏，无法读取"):
        WorkFile.open(path)
