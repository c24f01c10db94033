"""A full round: init → issue to two inspectors and one unit → rate, attach, sign off →
hand back → import → conflict → resolve → decide → workbook, checked cell by cell."""

from __future__ import annotations

from pathlib import Path

from exchange_support import PASSPHRASE, do_import, hand_back, issue, sha256
from openpyxl import load_workbook

from zhashui_inspector.core.demo import signature_png
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.exchange.conflicts import decide, resolve
from zhashui_inspector.exchange.office import Office
from zhashui_inspector.exchange.report_data import county_data
from zhashui_inspector.exchange.status import office_status

UNIT = "县财政局"


def _fill(tmp_path: Path, office_dir: Path) -> dict[str, Path]:
    zs = issue(office_dir, tmp_path / "zs.sqlite", holder="张三", units=[UNIT, "下梁镇"])
    ls = issue(office_dir, tmp_path / "ls.sqlite", holder="李四", units=[UNIT])
    unit = issue(office_dir, tmp_path / "unit.sqlite", role="unit", holder="县财政局法规股",
                 units=[UNIT])
    photo = tmp_path / "公示栏.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 20)
    doc = tmp_path / "制度汇编.pdf"
    doc.write_bytes(b"%PDF-1.4\n" + b"1" * 2000)
    with WorkFile.open(zs) as wf:
        for no in range(1, 71):
            wf.update_item(UNIT, no, rating="达标", methods=["查阅资料"],
                           comment="资料齐全" if no == 1 else "")
        for no in range(71, 76):
            wf.update_item(UNIT, no, rating="基本达标", methods=["实地查看"])
        wf.update_item(UNIT, 76, rating="不适用", reason="无此职能")
        wf.add_evidence(UNIT, photo, item_no=3, kind="图片", caption="公示栏照片")
        wf.sign_off(UNIT, "张三", signature_png("张三"))
        for no in range(1, 11):
            wf.update_item("下梁镇", no, rating="达标", methods=["听取汇报"])
    with WorkFile.open(ls) as wf:
        for no in range(1, 72):
            wf.update_item(UNIT, no, rating="达标", methods=["听取汇报"],
                           comment="+会议纪要齐全" if no == 1 else "")
        wf.update_item(UNIT, 72, rating="未达标", methods=["查阅资料"], comment="台账缺失")
        for no in range(73, 76):
            wf.update_item(UNIT, no, rating="基本达标", methods=["查阅资料"])
        wf.update_item(UNIT, 76, rating="不适用", reason="不涉及")
    with WorkFile.open(unit) as wf:
        wf.set_self_report(UNIT, "我局深入学习贯彻习近平法治思想，健全依法决策机制。")
        wf.update_item(UNIT, 5, rating="不适用", reason="本局无市场准入职能")
        wf.add_evidence(UNIT, doc, item_no=7, kind="文件", caption="制度汇编")
    return {name: hand_back(path, tmp_path / f"{name}-back.sqlite")
            for name, path in (("zs", zs), ("ls", ls), ("unit", unit))}


def _row(sheet, row: int) -> list[object]:  # type: ignore[no-untyped-def]
    return [c.value for c in sheet[row]]


def test_round_trip_cell_by_cell(office_dir: Path, tmp_path: Path) -> None:
    back = _fill(tmp_path, office_dir)
    batch = do_import(office_dir, back["zs"], back["ls"], back["unit"])
    assert [r.result for r in batch.results] == ["imported"] * 3
    with Office.open(office_dir) as office:
        resolve(office, UNIT, 72, "未达标", "台账确有缺失")
        decide(office, UNIT, "黄牌", "第九领域得分率不足")
        assert office.refresh_workbook() == ""
        # the status the window and the command line show counts as the workbook does
        czj_status = next(u for u in office_status(office).units if u.name == UNIT)
    assert (czj_status.rated, czj_status.inspected, czj_status.unrated) == (75, 76, 0)
    assert czj_status.provisional and czj_status.suggestion == "黄牌（暂定，尚有 1 项分歧未裁定）"

    wb = load_workbook(office_dir / "master.xlsx")
    assert wb.sheetnames == ["汇总", "县发改局", "县财政局", "县林业局", "县交通局", "县气象局",
                             "下梁镇", "凤凰镇", "杏坪镇", "县应急管理局", "县审批局",
                             "县瓦房口镇", "县曹坪镇", "证据目录", "冲突", "下发记录", "导入记录"]

    # 汇总: 70 达标, 73-75 基本达标, 72 resolved 未达标, 76 不适用, 71 open
    summary = wb["汇总"]
    assert summary["A1"].value == "柞水县法治政府建设示范单位复查验收汇总表（2023年度复查验收评估）"
    assert summary["B3"].value == "单位" and summary["L3"].value == "一、依法全面履行职能"
    czj = _row(summary, 5)
    assert czj[:11] == [2, UNIT, "部门", "2020年、2021年", 70, 3, 1, 1, 1, 1, 96.6]
    assert czj[11:20] == [100.0] * 8 + [75.0]          # area 9: (6 + 1.5) / 10
    decided_at, last_import = czj[23], czj[25]
    # one item still disputed: the suggestion is provisional, the decision is not
    assert czj[20:25] == ["黄牌（暂定）", "黄牌", "第九领域得分率不足", decided_at, "逾期"]
    assert decided_at.startswith("20") and last_import.startswith("20")
    assert summary["U5"].fill.fgColor.rgb == "00000000"  # a provisional 黄牌: no outcome colour
    assert summary["V5"].fill.fgColor.rgb == "00FFEB9C"  # the decided 黄牌 coloured
    xlz = _row(summary, 9)
    assert xlz[:11] == [6, "下梁镇", "镇", "2020年", 10, 0, 0, 0, 66, 0, 100.0]
    assert _row(summary, 4)[4:11] == [0, 0, 0, 0, 76, 0, None]

    unit = wb[UNIT]
    assert unit["A1"].value == "县财政局（部门，2020、2021年度命名）逐项评定"
    # the disputed item is rated (as the office window and the reports count it)
    assert unit["A2"].value == ("已评 76/76 项　得分率 96.6%　建议：黄牌（暂定，分歧未裁定）　处理决定：黄牌"
                                "　待解决分歧 1 项　有逾期交回的文件")
    assert _row(unit, 3) == ["领域", "方面", "序号", "指标内容", "评定结果", "核查方式", "评估意见",
                             "不适用理由", "单位说明", "佐证数量", "评估人员", "分歧"]
    first = _row(unit, 4)
    assert first[:3] == ["一、依法全面履行职能", "1. 加大简政放权力度", 1]
    assert first[3].startswith("规范行政审批。公布行政许可项目总目录")
    assert first[4:] == ["达标", "听取汇报、查阅资料", "张三：资料齐全\n李四：+会议纪要齐全", None,
                         None, 0, "张三、李四", None]
    assert unit["G4"].data_type == "s" and unit["G4"].quotePrefix is False
    assert _row(unit, 6)[9] == 1                                   # item 3: the photo
    assert _row(unit, 8)[2:] == [5, _row(unit, 8)[3], "达标", "听取汇报、查阅资料", None, None,
                                 "本局无市场准入职能", 0, "张三、李四", None]
    assert _row(unit, 8)[1] == "2. （原文缺标题）"                    # the gap stays a gap
    assert _row(unit, 10)[9] == 1                                  # item 7: the unit's document
    assert _row(unit, 74)[4:] == ["待定（评定分歧未裁定）", "听取汇报、实地查看", None, None, None, 0, "张三、李四",
                                  "待裁定：张三：基本达标；李四：达标"]
    assert _row(unit, 75)[4:] == ["未达标", "查阅资料、实地查看", "台账缺失", None, None, 0,
                                  "张三、李四",
                                  "已裁定为未达标（张三：基本达标；李四：未达标）：台账确有缺失"]
    assert _row(unit, 79)[4:9] == ["不适用", None, None, "张三：无此职能\n李四：不涉及", None]
    assert unit.freeze_panes == "A4" and unit.auto_filter.ref == "A3:L79"
    assert unit.print_title_rows == "$1:$3" and unit.page_setup.orientation == "landscape"
    assert unit.page_setup.fitToWidth == 1 and unit.sheet_properties.pageSetUpPr.fitToPage
    assert unit["E74"].fill.fgColor.rgb == "00FFC7CE"               # open conflict marked

    evidence = wb["证据目录"]
    zs_sha, unit_sha = sha256(back["zs"]), sha256(back["unit"])
    assert _row(evidence, 4) == [UNIT, 3, "公示栏.jpg", "图片", "公示栏照片", 5124,
                                 _row(evidence, 4)[6], f"zs-back.sqlite（{zs_sha[:12]}）",
                                 "张三（评估组）"]
    assert _row(evidence, 5) == [UNIT, 7, "制度汇编.pdf", "文件", "制度汇编", 2009,
                                 _row(evidence, 5)[6], f"unit-back.sqlite（{unit_sha[:12]}）",
                                 "县财政局法规股（被评估单位）"]
    assert len(_row(evidence, 4)[6]) == 64 and evidence.max_row == 5

    conflicts = wb["冲突"]
    assert [_row(conflicts, r)[:6] for r in (4, 5)] == [
        [UNIT, 71, _row(conflicts, 4)[2], "张三：基本达标；李四：达标", "待解决", None],
        [UNIT, 72, _row(conflicts, 5)[2], "张三：基本达标；李四：未达标", "已裁定", "未达标"]]
    assert _row(conflicts, 5)[6] == "台账确有缺失" and conflicts.max_row == 5

    issued = wb["下发记录"]
    assert _row(issued, 3) == ["下发时间", "持有人", "角色", "被评估单位", "文件名", "交回情况",
                               "文件编号", "最近导入", "轮次"]
    assert [_row(issued, r)[1:6] for r in (4, 5, 6)] == [
        ["张三", "评估组", f"{UNIT}、下梁镇", "zs.sqlite", "第 1 次交回（逾期）"],
        ["李四", "评估组", UNIT, "ls.sqlite", "第 1 次交回（逾期）"],
        ["县财政局法规股", "被评估单位", UNIT, "unit.sqlite", "第 1 次交回（逾期）"]]
    assert len(_row(issued, 4)[6]) == 32 and issued.max_row == 6
    assert issued["F4"].fill.fgColor.rgb == "00FCE4D6"                 # late marked

    log = wb["导入记录"]
    assert [_row(log, r)[:4] for r in (4, 5, 6)] == [
        [1, _row(log, 4)[1], "zs-back.sqlite", "已导入"],
        [2, _row(log, 5)[1], "ls-back.sqlite", "已导入"],
        [3, _row(log, 6)[1], "unit-back.sqlite", "已导入"]]
    assert _row(log, 6)[5:10] == ["县财政局法规股", "被评估单位", "2023年度复查验收评估", 1, "逾期"]

    # the report data carry the same picture, with evidence and signatures from the archive
    data = county_data(office_dir, UNIT)
    (report,) = data.units
    assert (report.decision, report.suggested, report.open_conflicts) == ("黄牌", "黄牌", 1)
    assert report.self_report == "我局深入学习贯彻习近平法治思想，健全依法决策机制。"
    (signoff,) = report.signoffs
    assert signoff.signer == "张三" and signoff.source == "zs-back.sqlite"
    assert signoff.signature_png and signoff.signature_png.startswith(b"\x89PNG")
    photo = next(e for e in report.evidence if e.name == "公示栏.jpg")
    assert photo.load is not None and photo.load() == (tmp_path / "公示栏.jpg").read_bytes()
    assert {s.name for s in report.sources} == {"zs-back.sqlite", "ls-back.sqlite",
                                                "unit-back.sqlite"}
    assert all(s.late for s in report.sources) and report.late
    item72 = report.items[71]
    assert (item72.rating, item72.conflict, item72.resolution) == ("未达标", False,
                                                                   "未达标（台账确有缺失）")
    assert report.items[70].conflict and report.items[70].conflict_detail == "张三：基本达标；李四：达标"
    assert report.items[4].unit_note == "本局无市场准入职能"
    assert data.policy.label.startswith("默认评分规则")
    assert [s.name for s in data.stages] == ["全面自查", "复查验收评估", "复查处理"]
    # reading evidence for a report never writes beside an archived file
    assert sorted(p.suffix for p in (office_dir / "archive").iterdir()) == [".sqlite"] * 3
    with Office.open(office_dir) as office:
        assert office.keys(PASSPHRASE).office_id == office.ledger.office_id
