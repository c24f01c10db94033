"""The demo without a screen: the field work and the office's round trip, step by step.

    python -m zhashui_inspector.cli.demo_run [OUT_DIR]

It runs the same commands an office script would (`zhashui-inspector office …`), with a
demo passphrase unless ZHASHUI_PASSPHRASE is set.
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

from zhashui_inspector.cli.main import main as cli
from zhashui_inspector.core.demo import fill_demo, make_demo, signature_png
from zhashui_inspector.core.errors import ZhashuiError
from zhashui_inspector.core.workfile import WorkFile

DEMO_PASSPHRASE = "柞水演示口令2023"


def step(title: str, *argv: object) -> None:
    print(f"\n== {title}\n$ zhashui-inspector {' '.join(str(a) for a in argv)}")
    code = cli([str(a) for a in argv])
    if code not in (0,):
        raise ZhashuiError(f"演示步骤失败：{title}（退出码 {code}）")


def second_inspector(path: Path, first: Path) -> None:
    """李四 scores 县气象局 too: he agrees with 张三 except on items 12 and 30."""
    with WorkFile.open(first, readonly=True) as wf:
        theirs = {s.item_no: s for s in wf.unit_items("县气象局")}
    with WorkFile.open(path) as wf:
        for no, other in theirs.items():
            if no in (12, 30):
                wf.update_item("县气象局", no, rating="未达标", methods=["实地查看"],
                               comment="复核意见：公示栏未更新，台账不全")
            else:
                wf.update_item("县气象局", no, rating=other.rating, methods=["查阅资料"],
                               reason=other.reason)
        wf.sign_off("县气象局", "李四", signature_png("李四"))


def unit_self_check(path: Path) -> None:
    """县气象局 writes its self-report, explains an item outside its functions, adds a file."""
    with WorkFile.open(path) as wf:
        wf.set_self_report("县气象局", "县气象局近两年法治政府建设自评报告：" + "依法履职，规范执法。" * 40)
        wf.update_item("县气象局", 59, rating="不适用", reason="本单位无突发事件处置职能")
        note = path.with_name("制度汇编目录.txt")
        note.write_text("一、行政执法公示制度\n二、重大执法决定法制审核制度\n", encoding="utf-8")
        wf.add_evidence("县气象局", note, item_no=30, kind="文件", caption="制度汇编目录")
        note.unlink()
        wf.sign_off("县气象局", "县气象局法制股")


def field_work(out: Path) -> Path:
    """The demo work file alone (no office): finish one unit and hand it back."""
    work = make_demo(out / "demo.sqlite")
    print(f"演示工作文件：{work}")
    with WorkFile.open(work) as wf:
        unit = "县发改局"
        for state in wf.unit_items(unit):
            if state.rating is None:
                rating = "基本达标" if state.item_no % 9 == 0 else "达标"
                wf.update_item(unit, state.item_no, rating=rating, methods=["查阅资料"])
        score = wf.score(unit)
        print(f"已评完 {unit}：得分率 {score.overall:.1f}%，建议{score.suggested}")
    step("校验审计日志", "audit", work)
    step("交回（写出单文件副本）", "hand-back", work, "-o", out / "demo-交回.sqlite")
    return work


def office_round_trip(out: Path) -> Path:
    office = out / "office"
    if office.exists():
        shutil.rmtree(office)
    os.environ.setdefault("ZHASHUI_PASSPHRASE", DEMO_PASSPHRASE)
    step("县委依法治县办：新建办公文件夹", "office", "init", office)
    today = date.today()
    days = [today + timedelta(days=d) for d in (-12, -3, -2, 5, 6, 10)]
    step("设置本轮复查的日期（演示：复查验收评估阶段正在进行）", "office", "round", office,
         "--name", f"{today.year}年度复查验收评估（演示）",
         "--stage", f"全面自查={days[0]}..{days[1]}", "--stage", f"复查验收评估={days[2]}..{days[3]}",
         "--stage", f"复查处理={days[4]}..{days[5]}")
    issued = out / "issued"
    issued.mkdir(exist_ok=True)
    for stale in issued.glob("*"):
        stale.unlink()
    a, b, u = issued / "评估组张三.sqlite", issued / "评估组李四.sqlite", issued / "县气象局自查.sqlite"
    units = [arg for name in ("县发改局", "县财政局", "县气象局", "下梁镇", "凤凰镇")
             for arg in ("--unit", name)]
    step("下发评估组文件（张三）", "office", "issue", office, "--role", "inspector",
         "--holder", "张三", *units, "-o", a)
    step("下发评估组文件（李四）", "office", "issue", office, "--role", "inspector",
         "--holder", "李四", "--unit", "县气象局", "-o", b)
    step("下发单位自查文件", "office", "issue", office, "--role", "unit",
         "--holder", "县气象局", "--unit", "县气象局", "-o", u)
    with WorkFile.open(a) as wf:
        fill_demo(wf)
    second_inspector(b, a)
    unit_self_check(u)
    returned = out / "returned"
    returned.mkdir(exist_ok=True)
    for path in (a, b, u):
        step(f"交回 {path.stem}", "hand-back", path, "-o", returned / path.name)
    step("导入交回的文件", "office", "import", office, *sorted(returned.glob("*.sqlite")))
    step("再次导入（不会重复）", "office", "import", office, returned / a.name)
    step("评定分歧", "office", "conflicts", office)
    step("裁定第 12 项", "office", "resolve", office, "--unit", "县气象局", "--item", "12",
         "--rating", "基本达标", "--reason", "制度已建立，备案材料补齐中")
    step("记录处理决定", "office", "decide", office, "--unit", "县气象局", "--outcome", "保留",
         "--reason", "总体达标，限期整改第 30 项")
    step("各单位状况", "office", "status", office)
    report = office / "reports" / "县气象局复查验收评估报告.pdf"
    step("生成并签章单位报告", "office", "report", office, "--unit", "县气象局", "-o", report)
    county = office / "reports" / "全县复查验收评估报告.pdf"
    step("生成并签章全县报告", "office", "report", office, "-o", county)
    step("校验签章", "verify", county, "--office", office)
    step("空白检查表", "checklist", "-o", office / "reports" / "空白检查表.pdf")
    return office


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "out/demo").resolve()
    out.mkdir(parents=True, exist_ok=True)
    try:
        field_work(out)
        office = office_round_trip(out)
    except ZhashuiError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(f"\n结果在 {out}：")
    print(f"  演示工作文件     {out / 'demo.sqlite'}")
    print(f"  办公文件夹       {office}（台账 ledger、档案 archive/、总表 master.xlsx）")
    print(f"  签章报告         {office / 'reports'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
