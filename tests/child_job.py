"""A job that test_child_process.py runs by name: only the child may import this module."""

from __future__ import annotations

import os
import sys


def where(offset: int) -> tuple[int, bool, int]:
    """(the process id, whether this module is loaded there, offset + 1)."""
    return os.getpid(), __name__ in sys.modules, offset + 1
