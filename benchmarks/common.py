"""Helpers shared by the benchmarks: timing, realistic photos, memory, table output."""

from __future__ import annotations

import io
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def median_time(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def photo_jpeg(seed: int, size: tuple[int, int] = (4000, 3000), quality: int = 88) -> bytes:
    """A camera-like JPEG: fine noise over coloured shapes, so it compresses like a photo."""
    from PIL import Image, ImageDraw, ImageFilter

    rnd = random.Random(seed)
    w, h = size
    base = Image.new("RGB", (w // 4, h // 4), (rnd.randint(0, 255), rnd.randint(0, 255),
                                               rnd.randint(0, 255)))
    draw = ImageDraw.Draw(base)
    for _ in range(60):
        x, y = rnd.randint(0, w // 4), rnd.randint(0, h // 4)
        draw.ellipse([x, y, x + rnd.randint(20, 400), y + rnd.randint(20, 300)],
                     fill=(rnd.randint(0, 255), rnd.randint(0, 255), rnd.randint(0, 255)))
    img = base.resize(size, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(3))
    noise = Image.effect_noise(size, 40).convert("RGB")
    img = Image.blend(img, noise, 0.25)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux: VmHWM)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()},"
            f" {platform.system()} {platform.release()}")


def table(title: str, rows: list[tuple[str, str, str, str, str]]) -> None:
    print(f"\n{title}  ({machine()})")
    header = ("measure", "ours", "baseline", "ratio", "goal")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    for row in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
