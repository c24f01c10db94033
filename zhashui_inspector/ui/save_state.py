"""How a write to the work file went, in words the status bar shows."""

from __future__ import annotations

import enum
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from zhashui_inspector.core.errors import ValidationError, ZhashuiError


class SaveStatus(enum.Enum):
    SAVING = "saving"
    SAVED = "saved"
    FAILED = "failed"      # disk trouble or the file moved: the edit stays on screen, retry
    REJECTED = "rejected"  # the rules refused the edit; the screen shows the file again


@dataclass(frozen=True)
class SaveState:
    status: SaveStatus
    message: str = ""
    at: str = ""


def describe_error(exc: BaseException) -> tuple[SaveStatus, str]:
    """How a failed write is shown: which state, and one Chinese sentence."""
    if isinstance(exc, ValidationError):  # the rules said no: nothing to retry
        return SaveStatus.REJECTED, exc.message
    if isinstance(exc, ZhashuiError):  # the core could not write (disk full, moved, damaged)
        return SaveStatus.FAILED, f"{exc.message}（修改仍在窗口中）"
    text = str(exc).lower()
    if isinstance(exc, sqlite3.Error | OSError) and ("full" in text or "space" in text):
        return SaveStatus.FAILED, "磁盘空间已满，修改未能保存。修改仍在窗口中，腾出空间后请点“重试”"
    if isinstance(exc, sqlite3.Error | OSError):
        return SaveStatus.FAILED, ("无法写入工作文件（磁盘或 U 盘出错），修改未能保存。"
                                   "修改仍在窗口中，请检查后点“重试”")
    return SaveStatus.FAILED, f"保存时出错：{exc}"


def open_error_message(exc: BaseException, path: Path) -> str:
    if isinstance(exc, ZhashuiError):
        return exc.message
    return f"无法打开工作文件“{path.name}”：{exc}"
