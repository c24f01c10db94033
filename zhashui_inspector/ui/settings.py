"""What the program remembers between runs (QSettings, never the work file):
window geometry, recent files, and which unit self-check file goes with which work file."""

from __future__ import annotations

from pathlib import Path

from zhashui_inspector.ui.qt import QByteArray, QSettings

ORGANIZATION = "Zhashui"
APPLICATION = "ZhashuiInspector"
MAX_RECENT = 8


def settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION,
                     APPLICATION)


def recent_files() -> list[Path]:
    raw = settings().value("recent_files", [])
    if isinstance(raw, str):
        raw = [raw]
    return [Path(p) for p in (raw or []) if p]


def remember_recent(path: Path) -> None:
    text = str(Path(path).resolve())
    files = [text, *(str(p) for p in recent_files() if str(p) != text)]
    settings().setValue("recent_files", files[:MAX_RECENT])


def forget_recent(path: Path) -> None:
    text = str(Path(path).resolve())
    settings().setValue("recent_files", [str(p) for p in recent_files() if str(p) != text])


def linked_self_check(file_id: str) -> Path | None:
    value = settings().value(f"linked_self_check/{file_id}", "")
    return Path(str(value)) if value else None


def remember_linked_self_check(file_id: str, path: Path | None) -> None:
    key = f"linked_self_check/{file_id}"
    if path is None:
        settings().remove(key)
    else:
        settings().setValue(key, str(Path(path).resolve()))


def load_bytes(key: str) -> QByteArray | None:
    value = settings().value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def save_bytes(key: str, value: QByteArray) -> None:
    settings().setValue(key, value)
