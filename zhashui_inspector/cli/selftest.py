"""`zhashui-inspector selftest`: is this installation whole? For whoever installs the
program on a laptop: the standards, the report fonts, and a job in a child process (the
office window makes its reports in one)."""

from __future__ import annotations

import argparse
import os

from zhashui_inspector.core.errors import WorkFileError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("selftest", help="自检：创建标准、报告字体和后台进程是否可用")
    p.set_defaults(func=cmd_selftest)


def child_probe() -> tuple[int, int]:
    """Runs in the child: its process id and the number of items it can read."""
    from zhashui_inspector.core.catalogue import Catalogue

    return os.getpid(), len(Catalogue.load().items())


def cmd_selftest(args: argparse.Namespace) -> int:
    from zhashui_inspector.child_process import run_in_child
    from zhashui_inspector.core.catalogue import Catalogue
    from zhashui_inspector.reports.fonts import KAI, SANS, ensure_fonts, has_glyphs

    catalogue = Catalogue.load()
    items = len(catalogue.items())
    print(f"创建标准：{len(catalogue.areas)} 个领域、{items} 项指标，校验值 {catalogue.hash[:12]}")
    ensure_fonts()
    if not (has_glyphs(SANS, "柞水县复查验收") and has_glyphs(KAI, "柞水县复查验收")):
        raise WorkFileError("报告字体不完整，请重新安装程序")
    print("报告字体：正常")
    pid, child_items = run_in_child(child_probe)
    if pid == os.getpid() or child_items != items:
        raise WorkFileError("后台进程未能正常运行，请重新安装程序")
    print("后台进程：正常")
    print("自检通过")
    return 0
