"""Where a report is written: a folder that is missing, a full disk or a read-only stick
gets one Chinese sentence (not a traceback), and a half-written PDF is removed."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from zhashui_inspector.core.errors import ZhashuiError


class ReportNotWritten(ZhashuiError):
    """The PDF could not be written where it was asked for."""


def check_folder(out: Path) -> None:
    """Refuse at once a target whose folder does not exist."""
    if not Path(out).parent.is_dir():
        raise ReportNotWritten(f"无法写出报告：文件夹“{Path(out).parent}”不存在")


@contextmanager
def writing(out: Path) -> Iterator[None]:
    """Around the code that writes `out`: its OSError becomes ReportNotWritten, and a file
    it began is removed (one that was there before is left to its owner)."""
    existed = Path(out).exists()
    try:
        yield
    except OSError as exc:
        if not existed:
            with suppress(OSError):
                Path(out).unlink(missing_ok=True)
        raise cannot_write(exc, Path(out)) from exc


def cannot_write(exc: OSError, out: Path) -> ReportNotWritten:
    if not out.parent.is_dir():
        text = f"无法写出报告：文件夹“{out.parent}”不存在"
    elif exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        text = f"磁盘空间不足，未能写出报告“{out.name}”"
    elif isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        text = f"无法写出报告“{out.name}”：没有写入权限（只读的 U 盘，或文件正被其他程序打开？）"
    else:
        text = f"写出报告“{out.name}”失败（磁盘或 U 盘出错？）"
    return ReportNotWritten(text, detail=f"{type(exc).__name__}: {exc}")
