"""An operating-system lock beside a work file, so that two windows never write one file.

The lock dies with the process that holds it, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from zhashui_inspector.core.errors import WorkFileLockedError


class FileLock:
    def __init__(self, target: Path) -> None:
        self.path = target.with_name(target.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise WorkFileLockedError(
                "该工作文件已在另一个窗口或程序中打开，请先在那里关闭它", detail=str(self.path)
            ) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            if sys.platform == "win32":
                import msvcrt

                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(fd)
        try:
            self.path.unlink()
        except OSError:
            pass
