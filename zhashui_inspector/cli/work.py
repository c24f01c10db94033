"""CLI commands on a work file: catalogue, new, rate, attach, self-report, sign-off, show, audit."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.errors import ValidationError
from zhashui_inspector.core.text import parse_item_spec
from zhashui_inspector.core.workfile import WorkFile


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("catalogue", help="显示创建标准（9 个领域、31 个方面、76 项指标）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_catalogue)

    p = sub.add_parser("new", help="新建练习用工作文件（非县委依法治县办下发，不能导入）")
    p.add_argument("file")
    p.add_argument("--role", required=True, choices=["inspector", "unit"])
    p.add_argument("--holder", required=True, help="持有人姓名")
    p.add_argument("--unit", action="append", required=True, help="被评估单位（可重复）")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("rate", help="评定指标")
    p.add_argument("file")
    p.add_argument("--unit", required=True)
    p.add_argument("--item", required=True, help="指标编号：7、1,3,5-9 或 all")
    p.add_argument("--rating", required=True, help="达标 / 基本达标 / 未达标 / 不适用 / 未评")
    p.add_argument("--method", action="append", default=[], help="听取汇报 / 查阅资料 / 实地查看")
    p.add_argument("--comment")
    p.add_argument("--reason", help="不适用的理由")
    p.set_defaults(func=cmd_rate)

    p = sub.add_parser("attach", help="添加佐证材料")
    p.add_argument("file")
    p.add_argument("--unit", required=True)
    p.add_argument("--item", type=int, help="指标编号（不给则为单位整体材料）")
    p.add_argument("--kind", default="其他", help="文件 / 图片 / 表册 / 总结 / 其他")
    p.add_argument("--caption", default="")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=cmd_attach)

    p = sub.add_parser("self-report", help="写入单位自评报告（不超过 2500 字，空白不计）")
    p.add_argument("file")
    p.add_argument("--unit", required=True)
    p.add_argument("--text-file", required=True)
    p.set_defaults(func=cmd_self_report)

    p = sub.add_parser("sign-off", help="签字确认一个单位（之后只读）")
    p.add_argument("file")
    p.add_argument("--unit", required=True)
    p.add_argument("--signer", required=True)
    p.add_argument("--signature", help="签名图片（PNG）")
    p.set_defaults(func=cmd_sign_off)

    p = sub.add_parser("reopen", help="说明理由后重新打开已签字的单位")
    p.add_argument("file")
    p.add_argument("--unit", required=True)
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_reopen)

    p = sub.add_parser("show", help="显示进度、评定、得分和建议结果")
    p.add_argument("file")
    p.add_argument("--unit")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("audit", help="校验审计日志链并与当前数据核对")
    p.add_argument("file")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("hand-back", help="写出可交回的单文件副本")
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_hand_back)

    p = sub.add_parser("demo", help="生成演示工作文件（12 个单位：通知命名 13 次，县财政局两次；部分已评定并附证据）")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_demo)


def cmd_catalogue(args: argparse.Namespace) -> int:
    cat = Catalogue.load()
    if args.json:
        _print_json(cat.to_json())
        return 0
    print(cat.title)
    for area in cat.areas:
        print(f"{area.numeral}、{area.title}")
        for sub in area.subareas:
            print(f"  {sub.no}. {sub.display_title}")
            for item in sub.items:
                print(f"    {item.no}. {item.text}")
    print(f"共 {len(cat.areas)} 个领域、{sum(len(a.subareas) for a in cat.areas)} 个方面、"
          f"{len(cat.items())} 项指标；目录校验值 {cat.hash[:16]}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    with WorkFile.create(Path(args.file), role=args.role, holder=args.holder,
                         units=args.unit) as wf:
        print(f"已创建 {args.file}：{len(wf.units)} 个单位，角色 {wf.role}（练习文件）")
    return 0


def cmd_rate(args: argparse.Namespace) -> int:
    with WorkFile.open(Path(args.file)) as wf:
        items = parse_item_spec(args.item, (i.no for i in wf.catalogue.items()))
        rating = None if args.rating in ("未评", "none", "") else args.rating
        states = wf.rate_many(args.unit, items, rating=rating, methods=args.method or None,
                              comment=args.comment, reason=args.reason)
        print(f"已保存 {args.unit} {len(states)} 项：{args.rating}")
    return 0


def cmd_attach(args: argparse.Namespace) -> int:
    with WorkFile.open(Path(args.file)) as wf:
        for raw in args.paths:
            ev = wf.add_evidence(args.unit, Path(raw), item_no=args.item, kind=args.kind,
                                 caption=args.caption)
            target = f"第 {ev.item_no} 项" if ev.item_no else "单位整体"
            print(f"已添加 {ev.name}（{ev.size} 字节，{target}，SHA-256 {ev.sha256[:12]}…）")
    return 0


def cmd_self_report(args: argparse.Namespace) -> int:
    try:
        text = Path(args.text_file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"无法读取文本文件（须为 UTF-8 编码）：{args.text_file}") from exc
    with WorkFile.open(Path(args.file)) as wf:
        wf.set_self_report(args.unit, text)
        report = wf.self_report(args.unit)
        print(f"已保存自评报告：{report.count} / {report.limit} 字（空白不计）")
        if report.over_limit:
            print(f"注意：超过 {report.limit} 字，签字确认前须删减", file=sys.stderr)
    return 0


def cmd_sign_off(args: argparse.Namespace) -> int:
    png = None
    if args.signature:
        try:
            png = Path(args.signature).read_bytes()
        except OSError as exc:
            raise ValidationError(f"无法读取签名图片：{args.signature}") from exc
        if not png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValidationError("签名图片须为 PNG 格式")
    with WorkFile.open(Path(args.file)) as wf:
        so = wf.sign_off(args.unit, args.signer, png)
        print(f"{args.unit} 已由 {so.signer} 于 {so.signed_at} 签字确认")
    return 0


def cmd_reopen(args: argparse.Namespace) -> int:
    with WorkFile.open(Path(args.file)) as wf:
        wf.reopen(args.unit, args.reason)
        print(f"{args.unit} 已重新打开")
    return 0


def unit_summary(wf: WorkFile, unit: str) -> dict[str, Any]:
    score = wf.score(unit)
    evidence: dict[int | None, list[dict[str, Any]]] = {}
    for ev in wf.evidence_list(unit, all_items=True):
        evidence.setdefault(ev.item_no, []).append(
            {"id": ev.id, "name": ev.name, "kind": ev.kind, "caption": ev.caption,
             "size": ev.size, "sha256": ev.sha256})
    return {
        "name": unit,
        "progress": {"rated": score.rated, "total": score.total},
        "score": None if score.overall is None else round(score.overall, 2),
        "area_scores": score.to_json()["areas"],
        "suggested": score.suggested,
        "signed_off": wf.is_signed(unit),
        "self_report_chars": wf.self_report(unit).count,
        "unit_evidence": evidence.get(None, []),
        "items": [
            {"no": s.item_no, "rating": s.rating, "methods": list(s.methods),
             "comment": s.comment, "reason": s.reason, "evidence": evidence.get(s.item_no, [])}
            for s in wf.unit_items(unit)
        ],
    }


def cmd_show(args: argparse.Namespace) -> int:
    with WorkFile.open(Path(args.file), readonly=True) as wf:
        units = [args.unit] if args.unit else list(wf.units)
        summaries = [unit_summary(wf, u) for u in units]
        if args.json:
            _print_json({"file_id": wf.identity.file_id, "role": wf.role,
                         "holder": wf.identity.holder, "units": summaries})
            return 0
        print(f"{args.file}：{wf.identity.holder}（{wf.role}），{len(units)} 个单位")
        for s in summaries:
            score = "—" if s["score"] is None else f"{s['score']:.1f}%"
            state = "已签字" if s["signed_off"] else "未签字"
            print(f"{s['name']}\t{s['progress']['rated']}/{s['progress']['total']}\t"
                  f"得分率 {score}\t建议 {s['suggested'] or '—'}\t{state}")
            if args.unit:
                for it in s["items"]:
                    line = f"  {it['no']:>2}. {it['rating'] or '未评'}"
                    if it["methods"]:
                        line += f"（{'、'.join(it['methods'])}）"
                    if it["comment"]:
                        line += f" {it['comment']}"
                    if it["reason"]:
                        line += f" 理由：{it['reason']}"
                    print(line)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    with WorkFile.open(Path(args.file), readonly=True) as wf:
        report = wf.verify_audit()
    if report.ok:
        print(f"审计日志完整：{report.entries} 条记录，与当前数据一致")
        return 0
    print(f"审计校验失败：{report.problem}", file=sys.stderr)
    return 1


def cmd_hand_back(args: argparse.Namespace) -> int:
    with WorkFile.open(Path(args.file)) as wf:
        out = wf.hand_back(Path(args.output))
        print(f"已写出交回文件 {out}（第 {wf.identity.handback_seq} 次交回）")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from zhashui_inspector.core.demo import make_demo

    out = make_demo(Path(args.output))
    print(f"已生成演示工作文件 {out}")
    return 0


def _print_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
