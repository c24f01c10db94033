"""CLI commands of the reports layer: checklists, verification, the office report."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from zhashui_inspector.core.errors import ValidationError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the top-level report commands (`checklist`, `verify`)."""
    p = sub.add_parser("checklist", help="打印用指标核查表（空白，或用 --from 从工作文件填写）")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf")
    p.add_argument("--unit", help="被评估单位（填写时不给则输出工作文件中的全部单位）")
    p.add_argument("--from", dest="workfile", metavar="WORKFILE", help="从工作文件填写评定结果")
    p.set_defaults(func=cmd_checklist)

    p = sub.add_parser("verify", help="核验县委依法治县办签名的 PDF 报告")
    p.add_argument("pdf", metavar="PDF")
    p.add_argument("--trust", action="append", default=[], metavar="CERT",
                   help="信任的证书（PEM 或 DER，可重复）")
    p.add_argument("--office", metavar="DIR", help="信任该办公文件夹中的 keys/office-cert.pem")
    p.set_defaults(func=cmd_verify)


def register_office(office_sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `office report` to the `office` command group (called by cli/office.py)."""
    p = office_sub.add_parser("report", help="生成并签名全县（或单个单位）复查验收评估报告")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf")
    p.add_argument("--unit", help="只输出该单位的报告")
    p.add_argument("--passphrase-file", metavar="F", help="办公室密钥口令文件")
    p.add_argument("--no-sign", action="store_true", help="不签名（草稿）")
    p.add_argument("--rectification", action="store_true",
                   help="只输出该单位的整改清单（须同时给出 --unit）")
    p.set_defaults(func=cmd_office_report)


def cmd_checklist(args: argparse.Namespace) -> int:
    from zhashui_inspector.core.catalogue import Catalogue
    from zhashui_inspector.core.workfile import WorkFile
    from zhashui_inspector.reports.checklist import render_checklist

    out = Path(args.output)
    if args.workfile:
        with WorkFile.open(Path(args.workfile), readonly=True) as wf:
            render_checklist(out, wf.catalogue, unit=args.unit, workfile=wf)
            units = args.unit or f"{len(wf.units)} 个单位"
        print(f"已生成已填写的指标核查表 {out}（{units}）")
    else:
        render_checklist(out, Catalogue.load(), unit=args.unit)
        print(f"已生成空白指标核查表 {out}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from zhashui_inspector.reports.signing import office_trust, verify_pdf

    if not getattr(args, "verbose", False):  # pyHanko logs tracebacks for untrusted certs
        logging.getLogger("pyhanko").setLevel(logging.ERROR)
        logging.getLogger("pyhanko_certvalidator").setLevel(logging.ERROR)
    trust = [Path(t) for t in args.trust]
    if args.office:
        trust.append(office_trust(Path(args.office)))
    result = verify_pdf(Path(args.pdf), trust)
    print("\n".join(result.lines()))
    return 0 if result.ok else 1


def cmd_office_report(args: argparse.Namespace) -> int:
    from zhashui_inspector.reports.county import build_signed_rectification, build_signed_report

    if args.rectification and not args.unit:
        raise ValidationError("输出整改清单时须用 --unit 指定单位")
    passphrase = ""
    if not args.no_sign:
        from zhashui_inspector.exchange.keys import passphrase_from

        passphrase = passphrase_from(args.passphrase_file)
    if args.rectification:
        out = build_signed_rectification(Path(args.dir), Path(args.output), unit=args.unit,
                                         passphrase=passphrase, sign=not args.no_sign)
        what = f"{args.unit}的整改清单"
    else:
        out = build_signed_report(Path(args.dir), Path(args.output), unit=args.unit,
                                  passphrase=passphrase, sign=not args.no_sign)
        what = f"{args.unit}的复查验收评估报告" if args.unit else "全县复查验收评估报告"
    print(f"已生成{what} {out}" + ("（未签名草稿）" if args.no_sign else "（已签名）"))
    return 0
