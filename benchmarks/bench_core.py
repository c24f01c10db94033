"""Core benchmarks: a durable rating edit, 1 GB of photos as evidence, a 12-MP thumbnail.

    python benchmarks/bench_core.py [--gb 1.0]

Each measure is compared with the best the machine and libraries do for the same work,
measured in the same run. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, median_time, peak_rss_mb, photo_jpeg, table

from zhashui_inspector.core import schema
from zhashui_inspector.core.workfile import WorkFile

EDITS = 300


def bench_rating_edit(tmp: Path) -> tuple[float, float]:
    path = tmp / "edits.sqlite"
    WorkFile.create(path, role="inspector", holder="基准", units=["县财政局"]).close()
    with WorkFile.open(path) as wf:
        wf.update_item("县财政局", 1, rating="达标")

        def ours() -> None:
            for i in range(EDITS):
                wf.update_item("县财政局", 1 + i % 76, rating=("达标", "未达标")[i % 2],
                               comment=f"c{i}")
        t_ours = median_time(ours, 3) / EDITS
    raw = sqlite3.connect(tmp / "raw.sqlite", isolation_level=None)
    raw.execute(f"PRAGMA page_size = {schema.PAGE_SIZE}")  # the same pragmas as ours
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("CREATE TABLE rating (unit TEXT, item_no INT, rating TEXT, comment TEXT,"
                " PRIMARY KEY (unit, item_no))")
    raw.executemany("INSERT INTO rating VALUES ('u', ?, NULL, '')", [(i,) for i in range(1, 77)])

    def baseline() -> None:
        for i in range(EDITS):
            raw.execute("BEGIN")
            raw.execute("UPDATE rating SET rating = ?, comment = ? WHERE unit = 'u' AND item_no = ?",
                        (("达标", "未达标")[i % 2], f"c{i}", 1 + i % 76))
            raw.execute("COMMIT")
    t_base = median_time(baseline, 3) / EDITS
    raw.close()
    return t_ours, t_base


def make_photos(folder: Path, total_bytes: int) -> list[Path]:
    """Distinct realistic photos adding up to `total_bytes` (8 scenes, unique trailers)."""
    folder.mkdir(parents=True, exist_ok=True)
    scenes = [photo_jpeg(seed) for seed in range(8)]
    paths, size, n = [], 0, 0
    while size < total_bytes:
        data = scenes[n % len(scenes)] + os.urandom(64)  # bytes after EOI: still a valid JPEG
        p = folder / f"IMG_{n:04d}.jpg"
        p.write_bytes(data)
        paths.append(p)
        size += len(data)
        n += 1
    return paths


def ingest_child(mode: str, photos_dir: str, target: str) -> None:
    """Run in a fresh process so its peak memory is its own."""
    photos = sorted(Path(photos_dir).glob("*.jpg"))
    before = peak_rss_mb()
    start = time.perf_counter()
    if mode == "ours":
        with WorkFile.open(Path(target)) as wf:
            for p in photos:
                wf.add_evidence("县财政局", p, item_no=7, kind="图片")
    else:
        out = Path(target)
        out.mkdir(exist_ok=True)
        for p in photos:
            with open(p, "rb") as src, open(out / p.name, "wb") as dst:
                digest = hashlib.sha256()
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    dst.write(chunk)
                dst.flush()
                os.fsync(dst.fileno())
    elapsed = time.perf_counter() - start
    print(json.dumps({"seconds": elapsed, "growth_mb": peak_rss_mb() - before,
                      "bytes": sum(p.stat().st_size for p in photos)}))


def run_child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_thumbnail(tmp: Path) -> tuple[float, float]:
    import io

    from PIL import Image

    from zhashui_inspector.core.thumbnails import make_thumbnail

    data = photo_jpeg(99)

    def draft_only() -> None:
        with Image.open(io.BytesIO(data)) as img:
            img.draft("RGB", (256, 256))
            img.load()
    return median_time(lambda: make_thumbnail(data, 256), 7), median_time(draft_only, 7)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gb", type=float, default=1.0, help="photos to add, in GB")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        ingest_child(*args.child)
        return 0
    rows = []
    with tempfile.TemporaryDirectory(dir=ROOT / "build" if (ROOT / "build").is_dir() else None) \
            as tmp_name:
        tmp = Path(tmp_name)
        ours, base = bench_rating_edit(tmp)
        rows.append(("durable rating edit", f"{ours * 1000:.2f} ms", f"{base * 1000:.2f} ms",
                     f"{ours / base:.2f}×", "≤ 2×"))
        ours, base = bench_thumbnail(tmp)
        rows.append(("256-px thumbnail of 12 MP JPEG", f"{ours * 1000:.0f} ms",
                     f"{base * 1000:.0f} ms", f"{ours / base:.2f}×", "≤ 1.2×"))
        photos = make_photos(tmp / "photos", int(args.gb * 1e9))
        work = tmp / "ingest.sqlite"
        WorkFile.create(work, role="inspector", holder="基准", units=["县财政局"]).close()
        mine = run_child("ours", str(tmp / "photos"), str(work))
        plain = run_child("plain", str(tmp / "photos"), str(tmp / "plain"))
        mb = mine["bytes"] / 1e6
        rows.append((f"add {mb / 1000:.2f} GB of photos ({len(photos)} files)",
                     f"{mb / mine['seconds']:.0f} MB/s", f"{mb / plain['seconds']:.0f} MB/s",
                     f"{plain['seconds'] / mine['seconds']:.2f}× throughput", "≥ 0.35×"))
        rows.append(("memory growth while adding", f"{mine['growth_mb']:.0f} MB",
                     f"{plain['growth_mb']:.0f} MB", "", "≤ 64 MB"))
    table("Core benchmarks", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
