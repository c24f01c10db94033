"""CLI commands of the office (县委依法治县办): `zhashui-inspector office …`."""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from typing import Any

from zhashui_inspector.core.errors import ValidationError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `office` command group to the top-level parser."""
    office = sub.add_parser("office", help="县委依法治县办：下发、导入、分歧裁定、处理决定、总表")
    osub = office.add_subparsers(dest="office_command", metavar="OFFICE_COMMAND",
                                 parser_class=type(office))
    office.set_defaults(func=lambda _args: _help(office))

    p = osub.add_parser("init", help="新建办公文件夹（台账、档案、总表、报告、密钥）")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--workbook", metavar="PATH", help="采用办公室已有的 Excel 工作簿作为总表")
    _passphrase_arg(p)
    p.set_defaults(func=cmd_init)

    p = osub.add_parser("round", help="显示或设置当前轮次及三个阶段的日期")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--name", help="轮次名称（新名称即新轮次，须给出全部阶段日期）")
    p.add_argument("--stage", action="append", default=[], metavar="阶段=开始..结束",
                   help="如 全面自查=2024-11-15..2024-11-24（阶段名或 self_check/review/handling）")
    p.set_defaults(func=cmd_round)

    p = osub.add_parser("issue", help="下发工作文件（带本办校验码）")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--role", required=True, choices=["inspector", "unit"],
                   help="inspector（评估组）或 unit（被评估单位自查）")
    p.add_argument("--holder", required=True, help="持有人姓名")
    p.add_argument("--unit", action="append", required=True, help="被评估单位（可重复）")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    _passphrase_arg(p)
    p.set_defaults(func=cmd_issue)

    p = osub.add_parser("issued", help="列出下发的工作文件及其交回情况")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--waiting", action="store_true", help="只列出尚未交回的")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_issued)

    p = osub.add_parser("import", help="导入交回的工作文件（每个文件一行结果）")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("files", nargs="+", metavar="FILE")
    _passphrase_arg(p)
    p.set_defaults(func=cmd_import)

    p = osub.add_parser("conflicts", help="列出评估人员之间的评定分歧")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--unit")
    p.add_argument("--all", action="store_true", help="也列出已裁定和已一致的")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_conflicts)

    p = osub.add_parser("resolve", help="裁定一项分歧")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--unit", required=True)
    p.add_argument("--item", required=True, type=int)
    p.add_argument("--rating", required=True, help="达标 / 基本达标 / 未达标 / 不适用")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_resolve)

    p = osub.add_parser("decide", help="记录对一个单位的处理决定")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--unit", required=True)
    p.add_argument("--outcome", required=True, help="保留 / 黄牌 / 停牌 / 摘牌")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_decide)

    p = osub.add_parser("status", help="各单位进度、得分、建议与决定、分歧、最近导入")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)

    p = osub.add_parser("policy", help="显示评分规则，或用 --set 从 JSON 文件替换")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--set", dest="set_file", metavar="JSON", help="新的评分规则（JSON）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出当前规则（可修改后用 --set）")
    p.set_defaults(func=cmd_policy)

    p = osub.add_parser("workbook", help="立即按台账重写总表（如上次因文件被占用未能写入）")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--remove-stale-locks", action="store_true",
                   help="先删除 Excel、WPS 或 LibreOffice 意外退出时留在总表旁的锁定文件"
                        "（须确认没有程序打开总表）")
    p.set_defaults(func=cmd_workbook)

    from zhashui_inspector.cli import reports

    reports.register_office(osub)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _passphrase_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--passphrase-file", metavar="F",
                   help="办公室密钥口令文件（否则用环境变量 ZHASHUI_PASSPHRASE，或在终端输入）")


def _office(path: str) -> Any:
    from zhashui_inspector.exchange.office import Office

    return Office.open(Path(path))


WORKBOOK_PENDING = 3   # exit status: the ledger changed, the workbook could not be rewritten


def _workbook_status(problem: str) -> int:
    """Say why the workbook was not rewritten (it stays pending); the exit status for it."""
    if not problem:
        return 0
    print(problem, file=sys.stderr)
    return WORKBOOK_PENDING


def cmd_init(args: argparse.Namespace) -> int:
    from zhashui_inspector.exchange.keys import passphrase_from
    from zhashui_inspector.exchange.office import Office

    passphrase = passphrase_from(args.passphrase_file, confirm=True)
    book = Path(args.workbook) if args.workbook else None
    with Office.init(Path(args.dir), passphrase, workbook_path=book) as office:
        problem = office.refresh_workbook()
        print(f"已创建办公文件夹 {args.dir}")
        print(f"  台账：ledger.sqlite　档案：archive/　报告：reports/　总表：{office.workbook_path.name}")
        print(f"  密钥：keys/office.p12（口令保护）　证书：keys/office-cert.pem（本办编号 "
              f"{office.ledger.office_id[:12]}…）")
        print(f"  当前轮次：{office.current_round().name}")
    return _workbook_status(problem)


def _parse_span(text: str) -> tuple[str, tuple[datetime.date, datetime.date]]:
    try:
        label, span = text.split("=", 1)
        start, end = span.replace("～", "..").replace("~", "..").split("..", 1)
        return label.strip(), (datetime.date.fromisoformat(start.strip()),
                               datetime.date.fromisoformat(end.strip()))
    except ValueError:
        raise ValidationError(f"阶段日期“{text}”无法识别，应写作 全面自查=2024-11-15..2024-11-24") from None


def cmd_round(args: argparse.Namespace) -> int:
    problem = ""
    with _office(args.dir) as office:
        if args.name or args.stage:
            dates = dict(_parse_span(s) for s in args.stage)
            office.set_round(args.name, dates)
            problem = office.refresh_workbook()
        current = office.current_round()
        print(f"当前轮次：{current.name}")
        for stage in current.stages:
            print(f"  {stage.name}：{stage.start.isoformat()} 至 {stage.end.isoformat()}")
    return _workbook_status(problem)


def cmd_issue(args: argparse.Namespace) -> int:
    from zhashui_inspector.exchange.issue import issue_work_file
    from zhashui_inspector.exchange.keys import passphrase_from

    with _office(args.dir) as office:
        keys = office.keys(passphrase_from(args.passphrase_file))
        issued = issue_work_file(office, keys, Path(args.output), role=args.role,
                                 holder=args.holder, units=args.unit)
        ident = issued.identity
        print(f"已下发 {issued.path}：{ident.holder}，{'、'.join(ident.units)}，"
              f"{ident.round_name}（文件编号 {ident.file_id[:12]}…）")
        problem = office.refresh_workbook()
    return _workbook_status(problem)


def cmd_issued(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from zhashui_inspector.exchange.status import issued_files

    with _office(args.dir) as office:
        entries = [e for e in issued_files(office.ledger) if not (args.waiting and e.returned)]
    if args.json:
        _print_json([asdict(e) for e in entries])
        return 0
    if not entries:
        print("没有尚未交回的工作文件" if args.waiting else "尚未下发工作文件")
        return 0
    print("下发时间\t持有人\t角色\t被评估单位\t交回情况\t文件名")
    for e in entries:
        print(f"{e.issued_at[:16].replace('T', ' ')}\t{e.holder}\t{e.role_label}\t"
              f"{'、'.join(e.units)}\t{e.handback_text}\t{e.file_name}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from zhashui_inspector.exchange.importer import import_files
    from zhashui_inspector.exchange.keys import passphrase_from

    with _office(args.dir) as office:
        keys = office.keys(passphrase_from(args.passphrase_file))
        batch = import_files(office, [Path(f) for f in args.files], keys)
    for result in batch.results:
        print(result.line())
    done = len(batch.results) - batch.rejected
    print(f"共 {len(batch.results)} 个文件：{done} 个已处理，{batch.rejected} 个拒收")
    pending = _workbook_status(batch.workbook_message)
    return 1 if batch.rejected else pending   # a rejected file is what to look at first


def cmd_conflicts(args: argparse.Namespace) -> int:
    from zhashui_inspector.exchange.conflicts import list_conflicts

    with _office(args.dir) as office:
        found = list_conflicts(office, unit=args.unit, include_closed=args.all)
        if args.json:
            _print_json([{
                "unit": c.unit, "item": c.item_no, "status": c.status,
                "sides": [{"holder": h, "file_id": f, "rating": r} for h, f, r in c.sides],
                "resolution": c.resolution, "reason": c.reason, "resolved_at": c.resolved_at,
                "opened_at": c.opened_at} for c in found])
            return 0
        if not found:
            print("没有待解决的评定分歧" if not args.all else "没有评定分歧")
            return 0
        for c in found:
            line = f"{c.unit}\t第 {c.item_no} 项\t{c.status_label}\t{c.sides_text}"
            if c.resolution:
                line += f"\t裁定：{c.resolution}（{c.reason}）"
            print(line)
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from zhashui_inspector.exchange.conflicts import resolve

    with _office(args.dir) as office:
        conflict = resolve(office, args.unit, args.item, args.rating, args.reason)
        print(f"已裁定 {conflict.unit} 第 {conflict.item_no} 项为“{conflict.resolution}”"
              f"（{conflict.sides_text}）")
        problem = office.refresh_workbook()
    return _workbook_status(problem)


def cmd_decide(args: argparse.Namespace) -> int:
    from zhashui_inspector.exchange.conflicts import decide

    with _office(args.dir) as office:
        decide(office, args.unit, args.outcome, args.reason)
        print(f"已记录对 {args.unit} 的处理决定：{args.outcome}")
        problem = office.refresh_workbook()
    return _workbook_status(problem)


def cmd_status(args: argparse.Namespace) -> int:
    from zhashui_inspector.exchange.status import office_status

    with _office(args.dir) as office:
        status = office_status(office)
    if args.json:
        _print_json(status.to_json())
        return 0
    print(f"{status.office_name}　{status.round_name}")
    if status.workbook_pending:
        print("注意：总表尚未按最新台账更新（可能被 Excel 占用），请关闭后执行 office workbook")
    print("单位\t已评\t得分率\t建议\t决定\t待解决分歧\t逾期\t最近导入")
    for u in status.units:
        score = "—" if u.score is None else f"{u.score:.1f}%"
        print(f"{u.name}\t{u.inspected}/{u.total}\t{score}\t{u.suggestion}\t"
              f"{u.decision or '—'}\t{u.open_conflicts}\t{'逾期' if u.late else ''}\t"
              f"{u.last_import[:16].replace('T', ' ') or '—'}")
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    from zhashui_inspector.core.catalogue import Policy
    from zhashui_inspector.core.policy import describe_policy

    problem = ""
    with _office(args.dir) as office:
        if args.set_file:
            try:
                data = json.loads(Path(args.set_file).read_text(encoding="utf-8-sig"))
                policy = Policy.from_json(data)
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                raise ValidationError(f"无法读取评分规则文件：{Path(args.set_file).name}") from exc
            office.set_policy(policy)
            problem = office.refresh_workbook()
        policy = office.ledger.policy
        if args.json:
            _print_json(policy.to_json())
        else:
            for line in describe_policy(policy):
                print(line)
    return _workbook_status(problem)


def cmd_workbook(args: argparse.Namespace) -> int:
    from zhashui_inspector.exchange.workbook import WorkbookNotWritten, remove_lock_files

    with _office(args.dir) as office:
        with office.ledger.tx() as conn:
            office.mark_pending(conn)
        if args.remove_stale_locks:
            for lock in remove_lock_files(office.workbook_path):
                print(f"已删除锁定文件 {lock.name}")
        problem = office.refresh_workbook()
        if problem:
            raise WorkbookNotWritten(problem)
        print(f"已按台账重写总表 {office.workbook_path}")
    return 0


def _print_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
