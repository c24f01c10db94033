"""Shared libraries that only the files we dropped from the bundle needed.

PyInstaller follows the link-time dependencies of every Qt plugin it collects before
the spec can drop the plugin, so dropping the GTK theme plugin would leave GTK's
dependencies (cairo, pango, gdk-pixbuf, …) behind. Given what is kept and what is dropped,
`orphans` finds the libraries reachable only through dropped files.

Some libraries are better taken from the system than from the bundle (`SYSTEM_PROVIDED`):
CUPS must match the print server it talks to, and is present wherever printing is set
up. The printing plugin then loads the system's CUPS; without one it quietly offers no
printers, as Qt does on any machine without CUPS.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import PurePath

# Linux sonames taken from the system rather than bundled.
SYSTEM_PROVIDED = frozenset({"libcups.so.2"})

ImportsOf = Callable[[str], Iterable[tuple[str, str | None]]]


def _basename(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name
    return base.lower() if sys.platform == "win32" else base  # DLL names ignore case


def _closure(roots: Iterable[str], by_name: dict[str, str], imports_of: ImportsOf,
             stop: frozenset[str]) -> set[str]:
    """Bundled library names reachable from the given bundled files (roots included)."""
    seen: set[str] = set()
    todo = [name for name in roots if name in by_name]
    while todo:
        name = todo.pop()
        if name in seen or name in stop:
            continue
        seen.add(name)
        for imported, _path in imports_of(by_name[name]):
            base = _basename(imported)
            if base in by_name and base not in seen:
                todo.append(base)
    return seen


def orphans(kept: Iterable[tuple[str, str]], dropped: Iterable[tuple[str, str]],
            imports_of: ImportsOf, system_provided: frozenset[str] = SYSTEM_PROVIDED,
            ) -> set[str]:
    """Destination names of kept libraries that only dropped files (or system-provided
    libraries) link to.

    `kept` and `dropped` are (destination name in the bundle, source path) pairs;
    `imports_of(source path)` lists the (name, resolved path) a binary links to.
    """
    kept = list(kept)
    dropped = list(dropped)
    by_name = {_basename(dest): src for dest, src in [*kept, *dropped]}
    dest_of = {_basename(dest): dest for dest, _ in kept}
    system_here = frozenset(name for name in by_name if name in system_provided)
    linked = {_basename(imported) for src in by_name.values() for imported, _ in imports_of(src)}
    # What nothing links to is loaded by name: Python extensions, Qt plugins, libraries
    # for ctypes, the Python library. Everything those reach, the program needs.
    entry_points = [name for name in dest_of if name not in linked]
    needed = _closure(entry_points, by_name, imports_of, system_here)
    removed = [_basename(d) for d, _ in dropped] + sorted(system_here)
    reachable_from_removed = _closure(removed, by_name, imports_of, frozenset())
    return {dest_of[name] for name in reachable_from_removed - needed if name in dest_of}


@cache
def direct_imports(path: str) -> tuple[tuple[str, str | None], ...]:
    """The libraries a binary itself links to (not their dependencies in turn).

    On Linux PyInstaller asks `ldd`, which lists the whole tree and would make every
    library look needed by the first plugin that reaches it; `readelf -d` gives the
    binary's own DT_NEEDED entries. Elsewhere PyInstaller's answer is already direct.
    """
    readelf = shutil.which("readelf") if sys.platform.startswith("linux") else None
    if readelf:
        out = subprocess.run([readelf, "-d", path], capture_output=True, text=True,
                             check=False).stdout
        return tuple((name, None) for name in re.findall(r"\(NEEDED\).*?\[(.+?)\]", out))
    from PyInstaller.depend import bindepend

    return tuple(bindepend.get_imports(path))
