"""Start-up of the frozen program against the same commands run from source.

    python benchmarks/bench_frozen_start.py [--bundle dist/ZhashuiInspector] [--runs 7]

Without --bundle the program is built first into a temporary folder (about a minute).
Each measure starts a fresh process every run: `gui --smoke` on the offscreen platform
(the time to the window's first paint, as the program reports it, and the whole run until
the process has exited) and `catalogue --json` (until exit). One untimed run of each
warms the disk cache first; frozen and source runs then take turns. The baseline is the same command from source
(`python -m zhashui_inspector`) in the same run; goal: frozen ≤ 1.5 × source.
Prints a table of medians; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, table

GOAL = 1.5
APP = "ZhashuiInspector" + (".exe" if sys.platform == "win32" else "")


def build(into: Path) -> Path:
    subprocess.run(["bash", str(ROOT / "scripts" / "build_dist.sh"), "--distpath",
                    str(into / "dist"), "--workpath", str(into / "build")],
                   cwd=ROOT, env=dict(os.environ, PYTHON=sys.executable), check=True,
                   stdout=subprocess.DEVNULL)
    return into / "dist" / "ZhashuiInspector"


def clean_env(home: Path) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE would make every source start compile the program again
    # while the bundle starts from compiled bytecode: an unfair baseline.
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")}
    env.update(QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8", HOME=str(home),
               XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"))
    return env


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float | None]:
    """Seconds until the process exited, and the first-paint milliseconds it printed."""
    start = time.perf_counter()
    result = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True,
                            encoding="utf-8", check=True)
    elapsed = time.perf_counter() - start
    paint = re.search(r"(\d+) 毫秒", result.stdout)
    return elapsed, (float(paint.group(1)) / 1000 if paint else None)


def medians(commands: list[tuple[list[str], dict[str, str]]], cwd: Path,
            runs: int) -> list[tuple[float, float]]:
    """(exit, first paint) medians per command; the commands take turns run by run, so a
    busy moment of the machine slows both sides alike."""
    for cmd, env in commands:
        timed(cmd, env, cwd)  # warm the disk cache
    samples: list[list[tuple[float, float | None]]] = [[] for _ in commands]
    for _ in range(runs):
        for i, (cmd, env) in enumerate(commands):
            samples[i].append(timed(cmd, env, cwd))
    result = []
    for runs_of_one in samples:
        paints = [p for _, p in runs_of_one if p is not None]
        result.append((statistics.median(t for t, _ in runs_of_one),
                       statistics.median(paints) if paints else float("nan")))
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bundle", type=Path, help="a built dist/ZhashuiInspector folder")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhashui-bench-") as tmp:
        tmp_path = Path(tmp)
        bundle = args.bundle or build(tmp_path)
        frozen = [str(bundle / APP)]
        source = [sys.executable, "-m", "zhashui_inspector"]
        home = tmp_path / "home"
        home.mkdir()
        env = clean_env(home)
        source_env = dict(env, PYTHONPATH=str(ROOT))
        rows = []
        for label, command in (("gui --smoke", ["gui", "--smoke"]),
                               ("catalogue --json", ["catalogue", "--json"])):
            (f_exit, f_paint), (s_exit, s_paint) = medians(
                [(frozen + command, env), (source + command, source_env)], tmp_path, args.runs)
            if command[0] == "gui":
                rows.append((f"{label}: first paint", f"{f_paint * 1000:.0f} ms",
                             f"{s_paint * 1000:.0f} ms", f"{f_paint / s_paint:.2f}×",
                             f"≤ {GOAL}×"))
            rows.append((f"{label}: until exit", f"{f_exit * 1000:.0f} ms",
                         f"{s_exit * 1000:.0f} ms", f"{f_exit / s_exit:.2f}×", f"≤ {GOAL}×"))
        table(f"Frozen start ({bundle.name}, medians of {args.runs} fresh processes; "
              "baseline: the same from source)", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
