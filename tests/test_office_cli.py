"""The `office` command group, end to end through the CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from exchange_support import PASSPHRASE, do_import, hand_back, issue, ledger_rows

from zhashui_inspector.cli.main import main


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ZHASHUI_PASSPHRASE", PASSPHRASE)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_office_round_trip_through_the_cli(cli, office_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = office_dir
    zs, ls = tmp_path / "zs.sqlite", tmp_path / "ls.sqlite"
    code, out, _ = cli("office", "issue", d, "--role", "inspector", "--holder", "张三",
                       "--unit", "县财政局", "--unit", "下梁镇", "-o", zs)
    assert code == 0 and out.startswith(f"已下发 {zs}：张三，县财政局、下梁镇，2023年度复查验收评估")
    assert cli("office", "issue", d, "--role", "inspector", "--holder", "李四",
               "--unit", "县财政局", "-o", ls)[0] == 0
    assert cli("rate", zs, "--unit", "县财政局", "--item", "1-3", "--rating", "达标",
               "--method", "查阅资料")[0] == 0
    assert cli("rate", ls, "--unit", "县财政局", "--item", "1-2", "--rating", "达标")[0] == 0
    assert cli("rate", ls, "--unit", "县财政局", "--item", "3", "--rating", "未达标",
               "--comment", "=1+1")[0] == 0
    for f in (zs, ls):
        assert cli("hand-back", f, "-o", f.with_name(f.stem + "-back.sqlite"))[0] == 0
    junk = tmp_path / "junk.sqlite"
    junk.write_text("不是数据库", encoding="utf-8")

    code, out, err = cli("office", "import", d, tmp_path / "zs-back.sqlite",
                         tmp_path / "ls-back.sqlite", junk)
    lines = out.splitlines()
    assert code == 1, err
    assert lines[0].startswith("zs-back.sqlite：已导入——张三（评估组，县财政局、下梁镇）第 1 次交回")
    assert lines[1].startswith("ls-back.sqlite：已导入——李四")
    assert lines[2] == "junk.sqlite：拒收——不是 SQLite 数据库文件，不是本程序的工作文件"
    assert lines[3] == "共 3 个文件：2 个已处理，1 个拒收"
    code, out, _ = cli("office", "import", d, tmp_path / "zs-back.sqlite")
    assert code == 0 and "未变化" in out

    code, out, _ = cli("office", "conflicts", d)
    assert out.strip() == "县财政局\t第 3 项\t待解决\t张三：达标；李四：未达标"
    code, out, _ = cli("office", "conflicts", d, "--json")
    (conflict,) = json.loads(out)
    assert (conflict["unit"], conflict["item"], conflict["status"]) == ("县财政局", 3, "open")
    assert [s["rating"] for s in conflict["sides"]] == ["达标", "未达标"]

    code, _, err = cli("office", "resolve", d, "--unit", "县财政局", "--item", "4",
                       "--rating", "达标", "--reason", "x")
    assert code == 1 and err.strip() == "县财政局 第 4 项没有待解决的评定分歧"
    code, _, err = cli("office", "resolve", d, "--unit", "县财政局", "--item", "3",
                       "--rating", "优秀", "--reason", "x")
    assert code == 1 and "评定结果“优秀”无效" in err
    code, out, _ = cli("office", "resolve", d, "--unit", "县财政局", "--item", "3",
                       "--rating", "基本达标", "--reason", "现场复核台账")
    assert code == 0 and out.strip() == "已裁定 县财政局 第 3 项为“基本达标”（张三：达标；李四：未达标）"
    assert cli("office", "conflicts", d)[1].strip() == "没有待解决的评定分歧"

    code, _, err = cli("office", "decide", d, "--unit", "县财政局", "--outcome", "警告",
                       "--reason", "x")
    assert code == 1 and "处理结果“警告”无效" in err
    code, out, _ = cli("office", "decide", d, "--unit", "县财政局", "--outcome", "黄牌",
                       "--reason", "台账不全")
    assert code == 0

    code, out, _ = cli("office", "status", d, "--json")
    status = json.loads(out)
    units = {u["name"]: u for u in status["units"]}
    czj = units["县财政局"]
    assert (czj["rated"], czj["inspected"], czj["total"], czj["open_conflicts"]) == (3, 3, 76, 0)
    assert czj["score"] == pytest.approx(100 * 2.5 / 3, abs=0.01)
    assert (czj["suggested"], czj["decision"], czj["decision_reason"]) == ("黄牌", "黄牌", "台账不全")
    assert czj["last_import"] and czj["sources"] == 2
    assert units["县林业局"]["rated"] == 0 and units["县林业局"]["last_import"] == ""
    assert status["workbook_pending"] is False
    code, out, _ = cli("office", "status", d)
    # a suggestion from 3 of 76 items is only provisional, as the window says too
    assert "县财政局\t3/76\t83.3%\t黄牌（暂定，尚有 73 项未评）\t黄牌\t0" in out


def test_round_and_policy_commands(cli, office_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("office", "round", office_dir, "--name", "2024年度复查验收评估",
                       "--stage", "全面自查=2024-11-15..2024-11-24",
                       "--stage", "复查验收评估=2024-11-25..2024-12-01",
                       "--stage", "handling=2024-12-02..2024-12-06")
    assert code == 0
    assert out.splitlines() == ["当前轮次：2024年度复查验收评估",
                                "  全面自查：2024-11-15 至 2024-11-24",
                                "  复查验收评估：2024-11-25 至 2024-12-01",
                                "  复查处理：2024-12-02 至 2024-12-06"]
    code, _, err = cli("office", "round", office_dir, "--stage", "全面自查=2024/11/15")
    assert code == 1 and "无法识别" in err

    code, out, _ = cli("office", "policy", office_dir, "--json")
    policy = json.loads(out)
    policy["label"] = "本办 2024 年评分规则"
    policy["thresholds"][0]["overall_min"] = 95
    new = tmp_path / "policy.json"
    new.write_text(json.dumps(policy, ensure_ascii=False), encoding="utf-8")
    code, out, _ = cli("office", "policy", office_dir, "--set", new)
    assert code == 0 and out.splitlines()[0] == "本办 2024 年评分规则"
    assert "建议保留：总得分率 ≥ 95%且各领域得分率均 ≥ 80%" in out
    policy["thresholds"][0]["outcome"] = "表扬"
    new.write_text(json.dumps(policy, ensure_ascii=False), encoding="utf-8")
    code, _, err = cli("office", "policy", office_dir, "--set", new)
    assert code == 1 and "不是保留、黄牌、停牌、摘牌之一" in err
    policy["thresholds"][0]["outcome"] = "保留"
    for change, message in (
            ({"veto_items": [3, 77]}, "否决项第 77 项不是创建标准中的指标"),
            ({"veto_outcome": "警告"}, "否决项的结果“警告”不是保留、黄牌、停牌、摘牌之一"),
            ({"points": dict.fromkeys(policy["points"])}, "须至少为一个评定结果计分"),
            ({"thresholds": []}, "须给出建议结果的条件"),
            ({"weights": policy["weights"] | {"5": float("nan")}}, "须为有限的非负数"),
            ({"points": policy["points"] | {"达标": -1}}, "须为有限的非负数")):
        new.write_text(json.dumps(policy | change, ensure_ascii=False), encoding="utf-8")
        code, _, err = cli("office", "policy", office_dir, "--set", new)
        assert code == 1 and message in err, change
    code, out, _ = cli("office", "policy", office_dir)
    assert out.splitlines()[0] == "本办 2024 年评分规则"     # the refused ones changed nothing


def test_init_adopts_an_existing_workbook_and_needs_a_passphrase(
        cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    book = tmp_path / "我们的台账.xlsx"
    wb = Workbook()
    wb.active.title = "通讯录"
    wb.active["A1"] = "联系人"
    wb.save(book)
    monkeypatch.delenv("ZHASHUI_PASSPHRASE")
    monkeypatch.setattr("sys.stdin", None)
    code, _, err = cli("office", "init", tmp_path / "o", "--workbook", book)
    assert code == 1 and "--passphrase-file" in err
    phrase = tmp_path / "phrase.txt"
    phrase.write_text(PASSPHRASE + "\n", encoding="utf-8")
    code, out, err = cli("office", "init", tmp_path / "o", "--workbook", book,
                         "--passphrase-file", phrase)
    assert code == 0, err
    assert "总表：我们的台账.xlsx" in out
    from openpyxl import load_workbook

    adopted = load_workbook(book)
    assert adopted.sheetnames[0] == "通讯录" and adopted["通讯录"]["A1"].value == "联系人"
    assert "汇总" in adopted.sheetnames and "导入记录" in adopted.sheetnames
    assert len(list((tmp_path / "o" / "workbook-history").iterdir())) == 1   # the original kept

    clash = tmp_path / "clash.xlsx"
    wb = Workbook()
    wb.active.title = "汇总"
    wb.active["A3"] = "我们自己的汇总"
    wb.save(clash)
    code, _, err = cli("office", "init", tmp_path / "o2", "--workbook", clash,
                       "--passphrase-file", phrase)
    assert code == 1 and "已有名为“汇总”的工作表" in err
    assert not (tmp_path / "o2" / "ledger.sqlite").exists()


def test_office_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["office", "--help"])
    out = capsys.readouterr().out
    for command in ("init", "round", "issue", "import", "conflicts", "resolve", "decide",
                    "status", "policy", "workbook", "report"):
        assert f"    {command} " in out, command


def test_wrong_passphrase_is_one_chinese_line(cli, office_dir: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ZHASHUI_PASSPHRASE", "not the passphrase")
    code, _, err = cli("office", "issue", office_dir, "--role", "unit", "--holder", "x",
                       "--unit", "县财政局", "-o", tmp_path / "x.sqlite")
    assert (code, err) == (1, "办公室密钥口令不正确\n")
    assert ledger_rows(office_dir, "issued") == []
    assert not (tmp_path / "x.sqlite").exists()


def test_issued_lists_the_files_and_which_are_still_out(cli, office_dir: Path,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    code, out, _ = cli("office", "issued", office_dir)
    assert code == 0 and out.strip() == "尚未下发工作文件"
    one = issue(office_dir, tmp_path / "a.sqlite", holder="张三")
    issue(office_dir, tmp_path / "b.sqlite", holder="李四", units=["下梁镇", "县财政局"])
    do_import(office_dir, hand_back(one, tmp_path / "a-back.sqlite"))
    code, out, _ = cli("office", "issued", office_dir)
    lines = out.splitlines()
    assert code == 0 and lines[0] == "下发时间\t持有人\t角色\t被评估单位\t交回情况\t文件名"
    assert [line.split("\t")[1:] for line in lines[1:]] == [
        ["李四", "评估组", "下梁镇、县财政局", "未交回", "b.sqlite"],
        ["张三", "评估组", "县财政局", "第 1 次交回（逾期）", "a.sqlite"]]
    code, out, _ = cli("office", "issued", office_dir, "--waiting", "--json")
    (waiting,) = json.loads(out)
    assert waiting["holder"] == "李四" and waiting["handback_seq"] is None
    assert waiting["units"] == ["下梁镇", "县财政局"] and waiting["file_name"] == "b.sqlite"


def test_issue_into_a_missing_folder_says_so_and_records_nothing(  # type: ignore[no-untyped-def]
        cli, office_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "没有的文件夹" / "a.sqlite"
    code, _, err = cli("office", "issue", office_dir, "--role", "inspector", "--holder", "张三",
                       "--unit", "县财政局", "-o", out)
    assert code == 1 and f"无法创建工作文件：文件夹“{out.parent}”不存在" in err
    assert "Traceback" not in err and ledger_rows(office_dir, "issued") == []


def test_a_workbook_left_unwritten_gives_its_own_exit_status(cli, office_dir: Path,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    """With the workbook open in LibreOffice the ledger still changes and the workbook
    stays pending: the command says so on stderr and exits 3, so a script can tell."""
    d = office_dir
    book = d / "master.xlsx"
    before = book.read_bytes()
    lock = d / f".~lock.{book.name}#"
    lock.write_text("张三,zs,localhost,03.12.2026 09:00,file:///\n", encoding="utf-8")
    zs = tmp_path / "zs.sqlite"
    code, _, err = cli("office", "issue", d, "--role", "inspector", "--holder", "张三",
                       "--unit", "县财政局", "-o", zs)
    assert code == 3 and "总表" in err and zs.exists()
    assert cli("rate", zs, "--unit", "县财政局", "--item", "1", "--rating", "达标")[0] == 0
    back = hand_back(zs, tmp_path / "zs-back.sqlite")
    code, out, err = cli("office", "import", d, back)
    assert code == 3 and "已导入" in out and "总表" in err
    code, _, _ = cli("office", "decide", d, "--unit", "县财政局", "--outcome", "黄牌",
                     "--reason", "台账不全")
    assert code == 3
    assert book.read_bytes() == before
    assert json.loads(cli("office", "status", d, "--json")[1])["workbook_pending"] is True
    lock.unlink()
    code, out, _ = cli("office", "workbook", d)
    assert code == 0 and book.read_bytes() != before


def test_a_stale_lock_file_is_removed_only_when_asked(cli, office_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """Excel or LibreOffice ended without closing the workbook and left its lock file: the
    workbook stays as it was until the user says nothing has it open."""
    book = office_dir / "master.xlsx"
    before = book.read_bytes()
    locks = [office_dir / f"~${book.name}", office_dir / f".~lock.{book.name}#"]
    for lock in locks:
        lock.write_bytes(b"\x05zhang")
    code, _, err = cli("office", "workbook", office_dir)
    assert code != 0 and "--remove-stale-locks" in err and "Traceback" not in err
    assert book.read_bytes() == before and all(lock.exists() for lock in locks)
    code, out, _ = cli("office", "workbook", office_dir, "--remove-stale-locks")
    assert code == 0 and f"已删除锁定文件 ~${book.name}" in out and "已按台账重写总表" in out
    assert not any(lock.exists() for lock in locks) and book.read_bytes() != before


def test_a_lock_file_that_cannot_be_removed_leaves_everything_as_it_was(
        office_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhashui_inspector.exchange import workbook

    book = office_dir / "master.xlsx"
    lock = office_dir / f"~${book.name}"
    lock.write_bytes(b"\x05zhang")
    real_unlink = Path.unlink

    def in_use(path: Path, missing_ok: bool = False) -> None:
        if path == lock:
            raise PermissionError(13, "Permission denied")
        real_unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", in_use)
    with pytest.raises(workbook.WorkbookNotWritten, match="仍被打开"):
        workbook.remove_lock_files(book)
    assert lock.exists()
