"""Every reason a returned file is refused, each with its own sentence, and the promise that
a refused file changes nothing but one line of the import log."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from exchange_support import (
    PASSPHRASE,
    do_import,
    hand_back,
    issue,
    ledger_rows,
    office_state,
    rate_all,
    sha256,
    tamper,
)

from zhashui_inspector.core import audit, schema
from zhashui_inspector.core.records import now_iso
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.exchange.office import Office


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory, _office_template: Path) -> Path:
    """An office with one file already imported, and a good returned file not yet imported."""
    root = tmp_path_factory.mktemp("rejections")
    office = root / "office"
    shutil.copytree(_office_template, office)
    first = issue(office, root / "ls.sqlite", holder="李四", units=["县财政局"])
    rate_all(first, "县财政局", "基本达标", comment="已核对")
    assert not do_import(office, hand_back(first, root / "ls-back.sqlite")).rejected
    work = issue(office, root / "zs.sqlite", holder="张三", units=["县财政局", "下梁镇"])
    rate_all(work, "县财政局", "达标", comment="资料齐全")
    photo = root / "公示栏.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 64)
    with WorkFile.open(work) as wf:
        wf.add_evidence("县财政局", photo, item_no=3, kind="图片", caption="公示栏")
        wf.update_item("下梁镇", 9, rating="未达标", methods=["实地查看"], comment="未公开")
        wf.sign_off("县财政局", "张三")
    hand_back(work, root / "good.sqlite")
    return root


@pytest.fixture
def case(_template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "case"
    shutil.copytree(_template, root)
    return root


def _bad_version(path: Path) -> None:
    tamper(path, "PRAGMA user_version = 99")


def _not_sqlite(path: Path) -> None:
    path.write_bytes("这不是数据库".encode() * 100)


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garbage_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = schema.PAGE_SIZE
    for start in range(page, len(data), page * 2):  # every other page after the first
        data[start: start + 4096] = bytes((i * 37) % 251 for i in range(4096))
    path.write_bytes(bytes(data))


def _signed_then_changed(path: Path) -> None:
    """Change a signed-off unit and write a matching audit entry, as a forger would."""
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("UPDATE rating SET rating = '未达标', comment = '改' WHERE unit = '县财政局'"
                 " AND item_no = 1")
    audit.append(conn, now_iso(), "张三", "rate", "县财政局", 1, {
        "rating": "未达标", "methods": ["查阅资料"], "comment": "改", "reason": ""})
    conn.execute("COMMIT")
    conn.close()


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "not_sqlite": (_not_sqlite, "不是 SQLite 数据库文件，不是本程序的工作文件"),
    "truncated": (_truncated, "文件已损坏"),
    "damaged_pages": (_garbage_pages, "文件已损坏"),
    "newer_format": (_bad_version, "文件由较新版本的程序生成（格式 99"),
    "catalogue_text": (lambda p: tamper(p, "UPDATE cat_item SET text = '改过的指标' WHERE no = 1"),
                       "文件内嵌的创建标准被改动过，与本办的不一致"),
    "catalogue_hash": (lambda p: tamper(p, "UPDATE identity SET value = 'abc' WHERE key ="
                                           " 'catalogue_hash'"),
                       "文件所用的创建标准与本办的不一致"),
    "mac_wrong": (lambda p: tamper(p, "UPDATE identity SET value = '00' WHERE key = 'mac'"),
                  "身份校验码不符：文件的身份信息在下发后被改动过"),
    "stage_dates": (lambda p: tamper(p, "UPDATE round_stage SET \"end\" = '2099-01-01'"
                                        " WHERE key = 'review'"),
                    "身份校验码不符"),
    "holder": (lambda p: tamper(p, "UPDATE identity SET value = '王五' WHERE key = 'holder'"),
               "持有人在下发后被改动（下发给“张三”，文件中为“王五”）"),
    "role": (lambda p: tamper(p, "UPDATE identity SET value = 'unit' WHERE key = 'role'"),
             "文件角色在下发后被改动（下发为“评估组”，文件中为“被评估单位”）"),
    "units": (lambda p: tamper(p, "INSERT INTO scope_unit VALUES ('县林业局', 9)"),
              "被评估单位在下发后被改动"),
    "file_id": (lambda p: tamper(p, "UPDATE identity SET value = 'f00' WHERE key = 'file_id'"),
                "本办的下发记录中没有此文件"),
    "outside_scope": (lambda p: tamper(p, "INSERT INTO rating VALUES ('县林业局', 1, '达标',"
                                          " '[]', '', '', '2023-11-28')"),
                      "含有下发范围以外单位的数据（县林业局）"),
    "rating_word": (lambda p: tamper(p, "UPDATE rating SET rating = '优秀' WHERE unit = '下梁镇'"),
                    "下梁镇 第 9 项的评定结果“优秀”不在创建标准的评定等次中"),
    "method_word": (lambda p: tamper(p, "UPDATE rating SET methods = '[\"电话询问\"]'"
                                        " WHERE unit = '下梁镇'"),
                    "下梁镇 第 9 项的核查方式“电话询问”不在创建标准的核查方式中"),
    "item_number": (lambda p: tamper(p, "INSERT INTO rating VALUES ('下梁镇', 77, '达标', '[]',"
                                        " '', '', '2023-11-28')"),
                    "含有创建标准中没有的指标（下梁镇 第 77 项）"),
    "evidence_kind": (lambda p: tamper(p, "UPDATE evidence SET kind = '视频'"),
                      "佐证材料“公示栏.jpg”的类别“视频”不在创建标准的材料类别中"),
    "evidence_content": (lambda p: tamper(p, "UPDATE blob SET content = randomblob(size)"
                                             " WHERE size > 1000"),
                         "佐证材料“公示栏.jpg”的内容与其校验值不符"),
    "audit_replay": (lambda p: tamper(p, "UPDATE rating SET comment = '悄悄改' WHERE"
                                         " unit = '下梁镇'"),
                     "审计日志链断裂或与数据不符：评定与审计日志不一致（下梁镇 第 9 项）"),
    "audit_chain": (lambda p: tamper(p, "UPDATE audit SET at = '2020-01-01' WHERE seq = 3"),
                    "审计日志链断裂或与数据不符：审计日志第 3 条记录被改动过"),
    "audit_gap": (lambda p: tamper(p, "DELETE FROM audit WHERE seq = 2"),
                  "审计日志链断裂或与数据不符：审计日志缺少第 2 条记录"),
    "signed_changed": (_signed_then_changed, "“县财政局”签字确认后数据又被改动，与签字时的校验值不符"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rejected_file_changes_nothing_but_the_import_log(case: Path, name: str) -> None:
    office = case / "office"
    bad = case / "bad.sqlite"
    shutil.copyfile(case / "good.sqlite", bad)
    damage, reason = CASES[name]
    damage(bad)
    received = sha256(bad)
    before = office_state(office)
    log_before = ledger_rows(office, "import_log")

    batch = do_import(office, bad)

    (result,) = batch.results
    assert result.rejected, result.line()
    assert reason in result.message
    assert result.line() == f"bad.sqlite：拒收——{result.message}"
    assert sha256(bad) == received            # the user's file is only read
    assert not list(case.glob("bad.sqlite-*"))
    assert office_state(office) == before
    log_after = ledger_rows(office, "import_log")
    assert log_after[:-1] == log_before
    assert log_after[-1][2:5] == ("bad.sqlite", received, "rejected")
    assert reason in log_after[-1][5]
    assert not list((office / "tmp").iterdir())


def test_the_good_file_of_the_template_is_accepted(case: Path) -> None:
    """The cases above fail for their damage only: the undamaged file imports."""
    batch = do_import(case / "office", case / "good.sqlite")
    assert [r.result for r in batch.results] == ["imported"]


def test_na_without_reason_is_refused(case: Path) -> None:
    office = case / "office"
    work = issue(office, case / "ww.sqlite", holder="王五", units=["杏坪镇"])
    with WorkFile.open(work) as wf:
        wf.update_item("杏坪镇", 12, rating="不适用", allow_missing_reason=True)
    back = hand_back(work, case / "ww-back.sqlite")
    before = office_state(office)
    (result,) = do_import(office, back).results
    assert result.rejected
    assert result.message == "杏坪镇 第 12 项评为“不适用”但未说明理由"
    assert office_state(office) == before


def test_practice_and_foreign_files_are_refused(case: Path, tmp_path: Path) -> None:
    office = case / "office"
    practice = tmp_path / "practice.sqlite"
    WorkFile.create(practice, role="inspector", holder="张三", units=["县财政局"]).close()
    other_dir = tmp_path / "other-office"
    Office.init(other_dir, PASSPHRASE).close()
    foreign = issue(other_dir, tmp_path / "foreign.sqlite", holder="张三")
    before = office_state(office)
    batch = do_import(office, hand_back(practice, tmp_path / "p-back.sqlite"),
                      hand_back(foreign, tmp_path / "f-back.sqlite"))
    assert [r.message for r in batch.results] == [
        "不是本办下发的工作文件（练习文件或自行新建的文件不能导入）",
        "不是本办下发的工作文件（由“中共柞水县委全面依法治县委员会办公室”的另一套密钥下发）",
    ]
    assert batch.rejected == 2
    assert office_state(office) == before


def test_unit_file_with_ratings_is_refused(case: Path) -> None:
    office = case / "office"
    work = issue(office, case / "unit.sqlite", role="unit", holder="县财政局", units=["县财政局"])
    back = hand_back(work, case / "unit-back.sqlite")
    tamper(back, "INSERT INTO rating VALUES ('县财政局', 4, '达标', '[]', '', '', '2023-11-20')")
    (result,) = do_import(office, back).results
    assert result.rejected
    assert "单位自查文件中含有评定等次或核查方式（县财政局 第 4 项）" in result.message


def test_missing_file_is_refused_and_others_still_import(case: Path) -> None:
    batch = do_import(case / "office", case / "missing.sqlite", case / "good.sqlite")
    assert [r.result for r in batch.results] == ["rejected", "imported"]
    assert batch.results[0].message == "无法读取文件：找不到该文件（U 盘是否已拔出？）"
