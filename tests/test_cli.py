"""Every work-file command of the CLI, with its error paths: Chinese message, exit 1 or 2."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from zhashui_inspector.cli.main import main
from zhashui_inspector.core.workfile import WorkFile


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_catalogue_json_shape(capsys) -> None:
    code, out, _ = run(capsys, "catalogue", "--json")
    data = json.loads(out)
    assert code == 0
    assert len(data["areas"]) == 9
    assert sum(len(a["subareas"]) for a in data["areas"]) == 31
    items = [i for a in data["areas"] for s in a["subareas"] for i in s["items"]]
    assert [i["no"] for i in items] == list(range(1, 77))
    assert data["areas"][0]["subareas"][1]["title"] is None
    assert {u["name"]: u["years"] for u in data["units"]}["县财政局"] == [2020, 2021]
    assert data["self_report_limit"] == 2500
    assert data["outcomes"] == ["保留", "黄牌", "停牌", "摘牌"]
    assert data["methods"] == ["听取汇报", "查阅资料", "实地查看"]
    assert [s["name"] for s in data["stages"]] == ["全面自查", "复查验收评估", "复查处理"]
    assert len(data["hash"]) == 64


def test_catalogue_text_lists_every_item_under_its_subarea(capsys) -> None:
    code, out, _ = run(capsys, "catalogue")
    assert code == 0
    assert "  2. （原文缺标题）" in out
    assert "    76. 积极推进社会主义法治文化建设。" in out
    assert "共 9 个领域、31 个方面、76 项指标" in out


def test_whole_unit_from_the_cli(tmp_path: Path, capsys) -> None:
    f = tmp_path / "w.sqlite"
    assert run(capsys, "new", f, "--role", "inspector", "--holder", "王五",
               "--unit", "县财政局", "--unit", "下梁镇")[0] == 0
    code, out, _ = run(capsys, "rate", f, "--unit", "县财政局", "--item", "all",
                       "--rating", "达标", "--method", "查阅资料", "--method", "听取汇报")
    assert code == 0 and "76 项" in out
    assert run(capsys, "rate", f, "--unit", "县财政局", "--item", "1,3,5-7",
               "--rating", "基本达标", "--comment", "部分台账不全")[0] == 0
    assert run(capsys, "rate", f, "--unit", "县财政局", "--item", "59", "--rating", "不适用",
               "--reason", "无突发事件处置职能")[0] == 0
    photo = tmp_path / "公示栏.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"x" * 5000)
    code, out, _ = run(capsys, "attach", f, "--unit", "县财政局", "--item", "7", "--kind", "图片",
                       photo)
    assert code == 0 and "公示栏.jpg" in out
    text = tmp_path / "report.txt"
    text.write_text("本单位法治政府建设自评报告。\n" * 10, encoding="utf-8")
    code, out, _ = run(capsys, "self-report", f, "--unit", "县财政局", "--text-file", text)
    assert code == 0 and "140 / 2500" in out
    sig = tmp_path / "sig.png"
    sig.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    assert run(capsys, "sign-off", f, "--unit", "县财政局", "--signer", "王五",
               "--signature", sig)[0] == 0
    code, out, _ = run(capsys, "show", f, "--json")
    data = json.loads(out)
    unit = data["units"][0]
    assert unit["name"] == "县财政局" and unit["signed_off"] is True
    assert unit["progress"] == {"rated": 76, "total": 76}
    assert unit["items"][0]["rating"] == "基本达标"
    assert unit["items"][0]["methods"] == ["查阅资料", "听取汇报"]
    assert unit["items"][58]["reason"] == "无突发事件处置职能"
    assert unit["items"][6]["evidence"][0]["name"] == "公示栏.jpg"
    assert unit["score"] == pytest.approx(100 * (75 - 5 * 0.5) / 75, abs=0.01)
    # area 一 has 5 of 11 items at 基本达标: 77.3 % < 80 % → 黄牌 despite 96.7 % overall
    assert unit["area_scores"]["1"] == pytest.approx(100 * 8.5 / 11, abs=0.01)
    assert unit["suggested"] == "黄牌"
    assert data["units"][1]["items"][0]["rating"] is None
    code, out, _ = run(capsys, "show", f, "--unit", "县财政局")
    assert code == 0 and "已签字" in out and "部分台账不全" in out
    assert run(capsys, "audit", f)[0] == 0
    out_file = tmp_path / "usb.sqlite"
    assert run(capsys, "hand-back", f, "-o", out_file)[0] == 0
    assert run(capsys, "audit", out_file)[0] == 0
    # reopen and edit again
    assert run(capsys, "reopen", f, "--unit", "县财政局", "--reason", "复核")[0] == 0
    assert run(capsys, "rate", f, "--unit", "县财政局", "--item", "2", "--rating", "未达标")[0] == 0


@pytest.mark.parametrize(("args", "message"), [
    (["rate", "{f}", "--unit", "县财政局", "--item", "80", "--rating", "达标"], "没有第 80 项"),
    (["rate", "{f}", "--unit", "县财政局", "--item", "1-x", "--rating", "达标"], "无法识别"),
    (["rate", "{f}", "--unit", "县财政局", "--item", "1", "--rating", "优秀"], "评定结果"),
    (["rate", "{f}", "--unit", "县财政局", "--item", "1", "--rating", "不适用"], "必须说明理由"),
    (["rate", "{f}", "--unit", "县林业局", "--item", "1", "--rating", "达标"], "评估范围"),
    (["rate", "{f}", "--unit", "县财政局", "--item", "1", "--rating", "达标",
      "--method", "电话"], "核查方式"),
    (["attach", "{f}", "--unit", "县财政局", "{missing}"], "找不到文件"),
    (["attach", "{f}", "--unit", "县财政局", "--kind", "视频", "{f}"], "材料类别"),
    (["self-report", "{f}", "--unit", "县财政局", "--text-file", "{missing}"], "无法读取"),
    (["sign-off", "{f}", "--unit", "县财政局", "--signer", "王五"], "未评定"),
    (["sign-off", "{f}", "--unit", "县财政局", "--signer", "王五", "--signature", "{f}"], "PNG"),
    (["reopen", "{f}", "--unit", "县财政局", "--reason", "x"], "尚未签字"),
    (["show", "{missing}"], "找不到工作文件"),
    (["audit", "{notdb}"], "不是 SQLite"),
    (["hand-back", "{f}", "-o", "{f}"], "不能覆盖"),
    (["new", "{f}", "--role", "inspector", "--holder", "x", "--unit", "县财政局"], "已存在"),
    (["new", "{new}", "--role", "inspector", "--holder", "x", "--unit", "县教育局"], "名单"),
])
def test_rejected_input_exits_1_and_changes_nothing(practice_file: Path, tmp_path: Path,
                                                    capsys, args: list[str],
                                                    message: str) -> None:
    notdb = tmp_path / "notdb.sqlite"
    notdb.write_text("hello")
    names = {"f": practice_file, "missing": tmp_path / "missing.txt", "notdb": notdb,
             "new": tmp_path / "new.sqlite"}
    with WorkFile.open(practice_file, readonly=True) as wf:
        audit_before = wf.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    code, out, err = run(capsys, *[a.format(**names) for a in args])
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1
    with WorkFile.open(practice_file, readonly=True) as wf:
        assert wf.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == audit_before
    assert not (tmp_path / "new.sqlite").exists()


@pytest.mark.parametrize("args", [
    ["rate"], ["rate", "x.sqlite", "--unit", "县财政局"], ["bogus"], ["new", "f", "--role", "boss"],
    ["show", "a", "--json", "--nope"],
])
def test_usage_errors_exit_2_in_chinese(capsys, args: list[str]) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert err.startswith("命令用法有误")


def test_module_entry_point_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "zhashui_inspector", "catalogue", "--json"],
                            capture_output=True, text=True, encoding="utf-8", check=False)
    assert result.returncode == 0
    assert json.loads(result.stdout)["self_report_limit"] == 2500


def test_demo_file_has_every_unit_ratings_evidence_and_a_signoff(demo_file: Path) -> None:
    with WorkFile.open(demo_file, readonly=True) as wf:
        assert len(wf.units) == 12
        signed = [u for u in wf.units if wf.is_signed(u)]
        assert signed == ["县气象局"]
        assert sum(wf.progress(u)[0] for u in wf.units) > 200
        kinds = {e.mime for u in wf.units for e in wf.evidence_list(u, all_items=True)}
        assert {"image/jpeg", "application/pdf", "text/plain"} <= kinds
        assert wf.verify_audit().ok
        # a comment that names a way of checking ("听取汇报，…") has it ticked (people
        # learn the program on the demo)
        states = [s for u in wf.units for s in wf.unit_items(u) if s.comment]
        named = [(s, m) for s in states for m in wf.catalogue.methods if m in s.comment]
        assert named and all(m in s.methods for s, m in named)


def _readme_synopses() -> list[str]:
    """The first column of every table row of the README (escaped pipes, `a\\|b`, kept)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    return [cells[1] for line in readme.splitlines()
            if len(cells := re.split(r"(?<!\\)\|", line)) > 2]


def _commands(parser, path=()):  # type: ignore[no-untyped-def]
    """Every command that runs something, as (path, its parser); `office` is a group."""
    groups = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    if not groups and path:
        yield " ".join(path), parser
    for group in groups:
        for name, child in group.choices.items():
            yield from _commands(child, (*path, name))


def test_every_command_and_option_is_in_the_readme_table() -> None:
    from zhashui_inspector.cli.main import build_parser

    synopses = _readme_synopses()
    commands = dict(_commands(build_parser()))
    assert {"gui", "rate", "office init", "office report", "verify"} <= commands.keys()
    for name, command in commands.items():
        row = next((cell for cell in synopses
                    if re.search(rf"`zhashui-inspector {re.escape(name)}[ `]", cell)), None)
        assert row is not None, f"README has no row for `zhashui-inspector {name}`"
        for action in command._actions:
            if not action.option_strings or action.help == "==SUPPRESS==" \
                    or "--help" in action.option_strings:
                continue
            assert any(re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", row)
                       for opt in action.option_strings), \
                f"README's row of `{name}` leaves out {'/'.join(action.option_strings)}"


def test_demo_round_keeps_the_notices_stage_lengths_around_today() -> None:
    from datetime import date

    from zhashui_inspector.core.catalogue import Catalogue
    from zhashui_inspector.core.demo import demo_stages

    cat = Catalogue.load()
    today = date(2027, 3, 10)
    stages = demo_stages(cat, today)
    assert [s.name for s in stages] == ["全面自查", "复查验收评估", "复查处理"]
    for new, old in zip(stages, cat.stages, strict=True):
        assert new.end - new.start == old.end - old.start
    assert stages[1].start <= today <= stages[1].end   # the demo shows the review under way


def test_gui_usage_errors_are_one_chinese_line(capsys: pytest.CaptureFixture[str]) -> None:
    from zhashui_inspector.cli.main import main

    assert main(["gui", "--no-such-option"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("命令用法有误") and err.count("\n") == 1
    assert main(["no-such-command"]) == 2   # the whole tree answers everything else
    assert "no-such-command" in capsys.readouterr().err
