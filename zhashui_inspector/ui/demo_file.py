"""The demo work file in the user's data folder, made again when missing or out of date."""

from __future__ import annotations

from pathlib import Path

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.errors import WorkFileError, WorkFileLockedError
from zhashui_inspector.core.filelock import FileLock
from zhashui_inspector.core.schema import FORMAT_VERSION
from zhashui_inspector.core.workfile import WorkFile

DEMO_NAME = "演示工作文件.sqlite"


def demo_file_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("ZhashuiInspector", appauthor=False)) / DEMO_NAME


def is_current(path: Path) -> bool:
    """True when `path` is a demo made by this program with today's catalogue."""
    try:
        with WorkFile.open(path, readonly=True, lock=False) as wf:
            return (wf.identity.format_version == FORMAT_VERSION
                    and wf.identity.catalogue_hash == Catalogue.load().hash)
    except (WorkFileError, OSError):
        return False


def ensure_demo(path: Path | None = None) -> Path:
    """Return the demo file, generating it first if it is missing or stale."""
    from zhashui_inspector.core.demo import make_demo

    path = path or demo_file_path()
    if path.is_file() and is_current(path):
        return path
    lock = FileLock(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        lock.acquire()  # only a probe: make_demo takes the file's lock itself
    except WorkFileLockedError:
        return path  # open in another window: leave it alone, opening it will say so
    lock.release()
    return make_demo(path)
