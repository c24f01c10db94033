"""How long ago this process started, so start-up time can be reported from the real start."""

from __future__ import annotations

import os
import sys


def process_age() -> float:
    """Seconds since the operating system started this process (0.0 when unknown)."""
    try:
        if sys.platform.startswith("linux"):
            return _linux_age()
        if sys.platform == "win32":
            return _windows_age()
    except (OSError, ValueError, AttributeError, IndexError):
        pass
    return 0.0


def _linux_age() -> float:
    with open("/proc/self/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    start_ticks = int(fields[19])  # field 22 of stat(5), counted after the command name
    with open("/proc/uptime", encoding="ascii") as fh:
        uptime = float(fh.read().split()[0])
    return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))


def _windows_age() -> float:
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    creation, exited, kernel, user, now = (wintypes.FILETIME() for _ in range(5))
    if not kernel32.GetProcessTimes(kernel32.GetCurrentProcess(), ctypes.byref(creation),
                                    ctypes.byref(exited), ctypes.byref(kernel),
                                    ctypes.byref(user)):
        return 0.0
    kernel32.GetSystemTimePreciseAsFileTime(ctypes.byref(now))

    def ticks(ft: wintypes.FILETIME) -> int:
        return (ft.dwHighDateTime << 32) | ft.dwLowDateTime

    return max(0.0, (ticks(now) - ticks(creation)) / 1e7)
