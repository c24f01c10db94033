"""Where a report is written: a folder that is missing, a full disk or a read-only stick
gets one Chinese sentence (not a traceback). A PDF is written beside its target under a
temporary name and takes the target's name only once complete, so a failed write leaves
no half file and never spoils an earlier report of the same name."""

from __future__ import annotations

import errno
import os
import secrets
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
def writing(out: Path) -> Iterator[Path]:
    """Around the code that writes the report: yields the temporary path to write to,
    which replaces `out` when the block ends normally. An OSError becomes
    ReportNotWritten; on any failure the temporary file is removed and `out` (if it was
    there) is left as it was."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    try:
        open(tmp, "xb").close()   # as any new file is made (mkstemp's would be private)
    except OSError as exc:
        raise cannot_write(exc, out) from exc
    try:
        yield tmp
        _finish(tmp, out)
    except OSError as exc:
        raise cannot_write(exc, out) from exc
    finally:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)


def _finish(tmp: Path, out: Path) -> None:
    """The complete PDF, flushed to the disk, takes the target's name in one step (a
    report is often written straight onto a USB stick that is pulled out next)."""
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, out)


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
