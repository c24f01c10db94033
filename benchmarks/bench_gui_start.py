"""How fast the field app starts and responds, against a bare PySide6 window in the same run.

    python benchmarks/bench_gui_start.py [--runs 7] [--evidence 1000] [--ingest-mb 1024]

1. First paint: a work file with every unit of the round and 1,000 evidence items (small
   distinct photos, added with WorkFile.add_evidence) opened with `gui FILE --smoke`,
   against a bare QMainWindow; each start is a fresh process, both measured from the
   process's own start, runs interleaved, medians compared. Goal: at most 2.5x.
2. Switching units and moving between items in an open window: time from the call to
   the repaint done.
3. Adding photos while the window runs: the longest time the GUI thread did not answer
   a 5 ms timer (a freeze), goal under 50 ms.

Runs headless (QT_QPA_PLATFORM=offscreen unless a display is set). Times are printed,
never asserted: the tests do not depend on the machine's speed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SMOKE_PREFIX = "窗口首次绘制：距进程启动 "

BARE_WINDOW = r"""
import sys, time
from zhashui_inspector.ui.process_clock import process_age
start = time.perf_counter() - process_age()
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1440, 900)

class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(f"{(time.perf_counter() - start) * 1000:.1f}", flush=True)
            QTimer.singleShot(0, app.quit)
            obj.removeEventFilter(self)
        return False

probe = Probe()
window.installEventFilter(probe)
window.show()
app.exec()
"""

# Runs in a child process: opens the file in the real window and times what users feel.
RESPONSIVENESS = r"""
import json, statistics, sys, time
from pathlib import Path
from zhashui_inspector.ui.app import make_application
from zhashui_inspector.ui.windows import WindowManager
from zhashui_inspector.ui.qt import QApplication

app = make_application()
manager = WindowManager()
window = manager.open_file(Path(sys.argv[1]))
while not window.is_ready():
    app.processEvents()
    time.sleep(0.002)
for _ in range(20):
    app.processEvents()

def timed(action):
    start = time.perf_counter()
    action()
    app.processEvents()          # layout and repaint of everything that changed
    window.repaint()
    return (time.perf_counter() - start) * 1000

units = list(window.session.units)
switches = [timed(lambda u=u: window.switch_unit(u)) for u in units[1:] + units[:1]]
window.switch_unit(units[0])
window.commands.go_to_item(1)
moves = [timed(lambda: window.checklist.move(+1)) for _ in range(75)]
ratings = [timed(lambda: window.checklist.rate_current("达标")) for _ in range(20)]
while not window.session.worker.is_idle():
    app.processEvents()
print(json.dumps({"switch": switches, "move": moves, "rate": ratings}))
manager.shut_down()
"""

INGEST = r"""
import json, sys, time
from pathlib import Path
from zhashui_inspector.ui.app import make_application
from zhashui_inspector.ui.windows import WindowManager
from zhashui_inspector.ui.qt import QTimer
from PySide6.QtCore import QEventLoop

app = make_application()
manager = WindowManager()
window = manager.open_file(Path(sys.argv[1]))
photos = [Path(p) for p in sys.argv[2:]]
while not window.is_ready():
    app.processEvents()
    time.sleep(0.002)
ticks = []
timer = QTimer()
timer.setInterval(5)
timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
timer.start()
start = time.perf_counter()
unit = window.unit
window.checklist.go_to(30)
window.ingest.add_paths(photos, unit, 30)     # the drop path: one item gets them all
# wait in a real event loop, as the program does: a Python loop of processEvents() and
# sleep() takes the GIL back at every pass and makes the worker's GIL hand-offs look
# like freezes of the window (docs/performance.md measured about half of them so)
loop = QEventLoop()
poll = QTimer()
poll.setInterval(20)
poll.timeout.connect(lambda: None if (not window.session.worker.is_idle()
                                      or window.thumbnails._pending) else loop.quit())
poll.start()
loop.exec()
poll.stop()
elapsed = time.perf_counter() - start
timer.stop()
gaps = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:])]
print(json.dumps({"seconds": elapsed, "max_gap_ms": max(gaps), "ticks": len(ticks),
                  "over_50": sum(1 for g in gaps if g > 50),
                  "added": window.session.unit(unit).items[30].evidence_count}))
manager.shut_down()
"""


def small_photo(seed: int) -> bytes:
    """A distinct small JPEG (320×240), like a phone photo scaled down for the test."""
    import io

    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    img = Image.new("RGB", (320, 240), (rnd.randint(0, 255), rnd.randint(0, 255),
                                        rnd.randint(0, 255)))
    draw = ImageDraw.Draw(img)
    for _ in range(8):
        x, y = rnd.randint(0, 300), rnd.randint(0, 220)
        draw.rectangle([x, y, x + rnd.randint(10, 120), y + rnd.randint(10, 90)],
                       fill=(rnd.randint(0, 255), rnd.randint(0, 255), rnd.randint(0, 255)))
    draw.text((8, 8), f"#{seed}", fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def make_work_file(path: Path, evidence: int) -> Path:
    """Every unit of the round, ratings like a review half done, `evidence` photos."""
    from zhashui_inspector.core.catalogue import Catalogue
    from zhashui_inspector.core.workfile import WorkFile

    catalogue = Catalogue.load()
    units = [u.name for u in catalogue.units]
    items = [i.no for i in catalogue.items()]
    rnd = random.Random(54)
    with WorkFile.create(path, role="inspector", holder="基准测试", units=units) as wf, \
            tempfile.TemporaryDirectory() as tmp:
        for pos, unit in enumerate(units):
            for no in items[: int(len(items) * (pos % 4) / 3)]:
                wf.update_item(unit, no, rating=rnd.choice(["达标", "达标", "基本达标", "未达标"]),
                               methods=["查阅资料"], comment="基准测试数据")
        for seed in range(evidence):
            photo = Path(tmp) / f"照片{seed:04d}.jpg"
            photo.write_bytes(small_photo(seed))
            wf.add_evidence(units[seed % len(units)], photo, item_no=items[seed % len(items)],
                            kind="图片", caption=f"现场照片 {seed}")
    return path


def big_photos(folder: Path, megabytes: int) -> list[Path]:
    """Camera-sized JPEGs (12 MP), all distinct, adding up to about `megabytes`."""
    from benchmarks.common import photo_jpeg

    bases = [photo_jpeg(seed) for seed in range(6)]
    paths, total, n = [], 0, 0
    while total < megabytes << 20:
        data = bases[n % len(bases)] + n.to_bytes(4, "big")   # distinct content, still a JPEG
        path = folder / f"IMG_{n:04d}.jpg"
        path.write_bytes(data)
        paths.append(path)
        total += len(data)
        n += 1
    return paths


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), PYTHONPATH=str(ROOT))
    # An installed program starts from compiled bytecode (pip and PyInstaller compile
    # it; from source Python writes it on the first start): a machine that forbids
    # writing it would make every start here compile the program's modules again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def first_paint_ours(work_file: Path, env: dict[str, str]) -> float:
    out = subprocess.run([sys.executable, "-m", "zhashui_inspector", "gui", str(work_file),
                          "--smoke"], capture_output=True, text=True, encoding="utf-8",
                         env=env, timeout=120, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith(SMOKE_PREFIX))
    return float(line.removeprefix(SMOKE_PREFIX).split()[0])


def first_paint_bare(env: dict[str, str]) -> float:
    out = subprocess.run([sys.executable, "-c", BARE_WINDOW], capture_output=True, text=True,
                         env=env, timeout=120, check=True).stdout
    return float(out.split()[-1])


def run_child(script: str, args: list[str], env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                         text=True, encoding="utf-8", env=env, timeout=3600, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--evidence", type=int, default=1000)
    parser.add_argument("--ingest-mb", type=int, default=1024,
                        help="photos added while timing freezes (0 to skip)")
    args = parser.parse_args()
    from benchmarks.common import machine

    with tempfile.TemporaryDirectory(prefix="bench-gui-") as tmp_name:
        tmp = Path(tmp_name)
        env = child_env(tmp / "home")
        started = time.perf_counter()
        work_file = make_work_file(tmp / "基准.sqlite", args.evidence)
        print(f"work file: {args.evidence} evidence items, "
              f"{work_file.stat().st_size / 1e6:.1f} MB, made in "
              f"{time.perf_counter() - started:.0f} s  ({machine()})")
        first_paint_ours(work_file, env)          # warm caches and settings once
        first_paint_bare(env)
        ours, bare = [], []
        for _ in range(args.runs):
            bare.append(first_paint_bare(env))
            ours.append(first_paint_ours(work_file, env))
        ours_ms, bare_ms = statistics.median(ours), statistics.median(bare)

        timings = run_child(RESPONSIVENESS, [str(work_file)], env)
        switch = timings["switch"]
        move = timings["move"]
        rate = timings["rate"]
        assert isinstance(switch, list) and isinstance(move, list) and isinstance(rate, list)

        rows = [
            ("first paint, 1,000 evidence items (median)", f"{ours_ms:.0f} ms",
             f"{bare_ms:.0f} ms (bare QMainWindow)", f"{ours_ms / bare_ms:.2f}x", "<= 2.5x"),
            ("switch unit (median / worst)", f"{statistics.median(switch):.1f} / "
             f"{max(switch):.1f} ms", "-", "-", "no visible delay (< 100 ms)"),
            ("next item (median / worst)", f"{statistics.median(move):.1f} / "
             f"{max(move):.1f} ms", "-", "-", "< 50 ms"),
            ("rate and move on (median / worst)", f"{statistics.median(rate):.1f} / "
             f"{max(rate):.1f} ms", "-", "-", "< 50 ms"),
        ]
        if args.ingest_mb:
            folder = tmp / "photos"
            folder.mkdir()
            photos = big_photos(folder, args.ingest_mb)
            size = sum(p.stat().st_size for p in photos) / 2**20
            fresh = tmp / "ingest.sqlite"
            from zhashui_inspector.core.workfile import WorkFile

            WorkFile.create(fresh, role="inspector", holder="基准测试", units=["下梁镇"]).close()
            ingest = run_child(INGEST, [str(fresh), *map(str, photos)], env)
            rows.append((f"GUI freeze while adding {len(photos)} photos ({size:.0f} MB)",
                         f"{ingest['max_gap_ms']:.0f} ms longest, {ingest['over_50']} of "
                         f"{ingest['ticks']} ticks late > 50 ms", "-", "-", "< 50 ms"))
            rows.append(("  added in", f"{ingest['seconds']:.1f} s "
                         f"({size / float(ingest['seconds']):.0f} MB/s)", "-", "-", ""))

    if hasattr(os, "getloadavg"):   # other programs on the machine shift every number here
        print(f"\nload average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"\nbare QMainWindow runs: {', '.join(f'{v:.0f}' for v in bare)} ms")
    print(f"our first paint runs:  {', '.join(f'{v:.0f}' for v in ours)} ms\n")
    header = ("measure", "ours", "baseline", "ratio", "goal")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    for row in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
