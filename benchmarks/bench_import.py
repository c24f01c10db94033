"""Office import benchmark: 50 (and 100) returned files imported and merged into the workbook.

    python benchmarks/bench_import.py [--files 50] [--units-per-file 0]

Every returned file is issued by a real office folder and filled through the work-file
API: as the issue sets the case, each covers every unit of the round (the 12 units of
the 13 namings) with all 76 items rated, with methods and a comment on some, and a few
items disagree between files. `--units-per-file 3` makes team files of three units
instead, as a review team's file would be. The timed import runs every check (copy and
hash, integrity_check, catalogue hash, MAC, vocabularies, evidence hashes, audit replay,
sign-off digests), writes the archive and the ledger, and rewrites the master workbook
once at the end.

The baseline, measured in the same run, is what openpyxl alone needs to load and save
the resulting workbook. Also shown: the same import with twice the files, a re-import
of the same files (all unchanged), and a second batch of as many files into the office
that holds the first (its workbook loaded and rewritten, not created). Each import is
timed five times, each time into a fresh copy of the office, and the median is shown.
Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import median_time, photo_jpeg, table

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.exchange.importer import import_files
from zhashui_inspector.exchange.issue import issue_work_file
from zhashui_inspector.exchange.office import Office

PASSPHRASE = "benchmark-passphrase"
GOAL = 1.5          # 50 files against openpyxl's load + save
SCALING_GOAL = 2.2  # 100 files against 50
RUNS = 5


def make_returns(office_dir: Path, out_dir: Path, count: int, seed: int,
                 photos: int = 0, units_per_file: int = 0) -> list[Path]:
    """`count` handed-back files, each covering `units_per_file` units (0: every unit of
    the round), all items rated; the first `photos` of them also carry a 12 MP photo
    (distinct bytes each)."""
    catalogue = Catalogue.load()
    units = [u.name for u in catalogue.units]
    items = [i.no for i in catalogue.items()]
    per = units_per_file or len(units)
    rnd = random.Random(seed)
    truth = {u: {no: rnd.choices(["达标", "基本达标", "未达标"], [80, 15, 5])[0] for no in items}
             for u in units}
    bases = [photo_jpeg(k) for k in range(min(photos, 6))]
    files = []
    with Office.open(office_dir) as office:
        keys = office.keys(PASSPHRASE)
        for n in range(count):
            team = [units[(n * per + k) % len(units)] for k in range(per)]
            work = out_dir / f"work-{seed}-{n}.sqlite"
            issue_work_file(office, keys, work, role="inspector", holder=f"评估组{n + 1}",
                            units=team)
            with WorkFile.open(work) as wf:
                wf.conn.execute("PRAGMA synchronous = OFF")   # setup only, not measured
                for unit in team:
                    for no in items:
                        rating = truth[unit][no] if rnd.random() > 0.02 else "基本达标"
                        wf.update_item(unit, no, rating=rating,
                                       methods=rnd.sample(["听取汇报", "查阅资料", "实地查看"], 2),
                                       comment="资料齐全，台账规范" if no % 5 == 0 else "")
                if n < photos:
                    photo = out_dir / f"IMG_{seed}_{n:04d}.jpg"
                    photo.write_bytes(bases[n % len(bases)] + n.to_bytes(4, "big"))
                    wf.add_evidence(team[0], photo, item_no=1 + n % 76, kind="图片",
                                    caption=f"现场查看照片 {n + 1}")
                files.append(wf.hand_back(out_dir / f"back-{seed}-{n}.sqlite"))
    return files


def timed_import(office_dir: Path, files: list[Path]) -> tuple[float, float, int]:
    """(seconds for import + workbook, seconds for the workbook part, rejected count)."""
    from zhashui_inspector.exchange import workbook

    spent = [0.0]
    real_write = workbook.write

    def write(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return real_write(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    workbook.write = write  # type: ignore[assignment]
    try:
        with Office.open(office_dir) as office:
            keys = office.keys(PASSPHRASE)
            start = time.perf_counter()
            batch = import_files(office, files, keys)
            total = time.perf_counter() - start
    finally:
        workbook.write = real_write  # type: ignore[assignment]
    return total, spent[0], batch.rejected


def openpyxl_baseline(book: Path, tmp: Path) -> float:
    from openpyxl import load_workbook

    def run() -> None:
        load_workbook(book).save(tmp / "baseline.xlsx")
    return median_time(run, 5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--units-per-file", type=int, default=0,
                        help="units each returned file covers (0: every unit of the round)")
    args = parser.parse_args()
    n = args.files
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        template = tmp / "office-template"
        Office.init(template, PASSPHRASE).close()
        files_dir = tmp / "files"
        files_dir.mkdir()
        print(f"preparing {2 * n} returned files …", file=sys.stderr)
        per = args.units_per_file
        first = make_returns(template, files_dir, n, seed=1, units_per_file=per)
        second = make_returns(template, files_dir, n, seed=2, units_per_file=per)

        def fresh_import(name: str, files: list[Path],
                         start: Path = template) -> tuple[Path, float, float]:
            """Median of RUNS imports, each into a fresh copy of the office `start`; this
            machine's timings move by a third from one run to the next."""
            runs = []
            for k in range(RUNS):
                office = tmp / f"{name}-{k}"
                shutil.copytree(start, office)
                total, book, rejected = timed_import(office, files)
                assert rejected == 0
                runs.append((total, book))
            total, book = sorted(runs)[RUNS // 2]
            return office, total, book

        office_a, t_n, t_book_n = fresh_import("office-a", first)
        base_n = openpyxl_baseline(office_a / "master.xlsx", tmp)
        t_again = statistics.median(timed_import(office_a, first)[0] for _ in range(RUNS))

        office_b, t_2n, t_book_2n = fresh_import("office-b", first + second)
        base_2n = openpyxl_baseline(office_b / "master.xlsx", tmp)

        # the second batch of the round: into an office that holds the first and its
        # workbook (which is then loaded, not created)
        _office_c, t_later, t_book_later = fresh_import("office-c", second, start=office_a)

        size_kb = (office_b / "master.xlsx").stat().st_size // 1024
        rows = [
            (f"import {n} files + workbook", f"{t_n:.2f} s", f"{base_n:.2f} s",
             f"{t_n / base_n:.2f}×", f"≤ {GOAL}×"),
            ("  of which the workbook", f"{t_book_n:.2f} s", f"{base_n:.2f} s",
             f"{t_book_n / base_n:.2f}×", ""),
            ("  per file (checks + ledger)", f"{(t_n - t_book_n) / n * 1000:.1f} ms", "", "", ""),
            (f"import {2 * n} files + workbook", f"{t_2n:.2f} s", f"{base_2n:.2f} s",
             f"{t_2n / base_2n:.2f}×", ""),
            (f"  {2 * n} files vs {n}", f"{t_2n:.2f} s", f"{t_n:.2f} s", f"{t_2n / t_n:.2f}×",
             f"≤ {SCALING_GOAL}×"),
            (f"re-import {n} unchanged files", f"{t_again:.2f} s", f"{base_n:.2f} s",
             f"{t_again / base_n:.2f}×", ""),
            (f"{n} more files into the {n}-file office", f"{t_later:.2f} s", f"{base_2n:.2f} s",
             f"{t_later / base_2n:.2f}×", ""),
            ("  of which the workbook (loaded, rewritten)", f"{t_book_later:.2f} s",
             f"{base_2n:.2f} s", f"{t_book_later / base_2n:.2f}×", ""),
        ]
        cover = f"{per} units" if per else "every unit"
        table(f"Office import, {cover} a file (workbook {size_kb} KB; baseline = openpyxl"
              " load + save of it)",
              rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
