"""`zhashui-inspector`: every operation of the program without a screen.

Errors print one Chinese line on stderr: exit 2 for usage errors, 1 for rejected input,
and nothing is changed.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from zhashui_inspector import __version__
from zhashui_inspector.core.errors import ZhashuiError

log = logging.getLogger("zhashui_inspector")


class UsageError(Exception):
    pass


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse that reports usage errors in one Chinese line with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"命令用法有误：{message}（用 {self.prog} --help 查看用法）")


def build_parser(*, gui_only: bool = False) -> argparse.ArgumentParser:
    """The whole command tree; `gui_only` leaves out every other command (starting the
    window then skips importing and building them: about 25 ms of each start)."""
    parser = ChineseArgumentParser(
        prog="zhashui-inspector",
        description="柞水县法治政府建设示范单位复查验收评估：现场评分、单位自查与县委依法治县办汇总",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="在标准错误输出详细日志（英文）")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND",
                                parser_class=ChineseArgumentParser)
    gui = sub.add_parser("gui", help="打开主窗口（不带命令时的默认动作）")
    gui.add_argument("file", nargs="?", help="要打开的工作文件")
    gui.add_argument("--smoke", action="store_true",
                     help="打开窗口，等到第一次绘制，打印所用毫秒数后退出")
    gui.add_argument("--demo", action="store_true", help="打开内置演示数据")
    gui.add_argument("--office", metavar="DIR", help="以县委依法治县办模式打开办公文件夹")
    gui.set_defaults(func=run_gui)
    if not gui_only:
        from zhashui_inspector.cli import office, reports, selftest, work

        work.register(sub)
        office.register(sub)
        reports.register(sub)
        selftest.register(sub)
    return parser


def run_gui(args: argparse.Namespace) -> int:
    from zhashui_inspector.ui.app import run

    return run(file=args.file, smoke=args.smoke, demo=args.demo, office_dir=args.office)


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):   # a job's child process runs its job and exits here
        import multiprocessing

        multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    _utf8_stdio()
    if not argv or (len(argv) == 1 and not argv[0].startswith("-") and _is_path(argv[0])):
        argv = ["gui", *argv]  # double-clicking a work file passes just its path
    parser = build_parser(gui_only=argv[0] == "gui")
    try:
        args = parser.parse_args(argv)
        logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                            format="%(levelname)s %(name)s: %(message)s")
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ZhashuiError as exc:
        if exc.detail:
            log.info("detail: %s", exc.detail)
        print(exc.message, file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return 130


def _is_path(arg: str) -> bool:
    return arg.endswith((".sqlite", ".zsi")) or "/" in arg or "\\" in arg


def _utf8_stdio() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass
