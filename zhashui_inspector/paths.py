"""Where the program's shipped data lives, from source and when frozen by PyInstaller."""

from __future__ import annotations

import sys
from pathlib import Path


def base_dir() -> Path:
    """The folder that holds `data/` and `resources/`: the bundle when frozen, the repo otherwise."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def data_path(*parts: str) -> Path:
    return base_dir().joinpath("data", *parts)


def resource_path(*parts: str) -> Path:
    return base_dir().joinpath("resources", *parts)


def standards_db() -> Path:
    return data_path("standards.sqlite")
