"""Kill `office import` with SIGKILL at random moments; check the office folder afterwards.

    python tools/import_crash_harness.py --trials 50

An office folder with one returned file already imported is copied for each trial. The
CLI imports a batch of four returned files into the copy (a new file with a 60 MB
video, a second inspector who disagrees, the first file's newer hand-back that replaces
it, and a file with a foreign trigger that is refused) and is killed with SIGKILL at a
random moment after its start-up (the time `office status` takes). Then:

- the ledger holds exactly the state before the batch or after one of its files (data,
  conflicts and import log, compared with reference imports of each prefix);
- every archive file is whole: its content hashes to its name;
- the workbook opens with openpyxl and is the old one byte for byte, or the new one
  (equal, cell by cell, to a workbook rendered from that ledger); a ledger past the
  batch whose workbook is still the old one is marked for rewriting;
- running the same import again brings the office to the state after the whole batch,
  with the new workbook and nothing left over.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from zhashui_inspector.core.workfile import WorkFile  # noqa: E402
from zhashui_inspector.exchange import workbook  # noqa: E402
from zhashui_inspector.exchange.importer import import_files  # noqa: E402
from zhashui_inspector.exchange.issue import issue_work_file  # noqa: E402
from zhashui_inspector.exchange.ledger import Ledger  # noqa: E402
from zhashui_inspector.exchange.office import Office  # noqa: E402

PASSPHRASE = "import-crash-harness"
UNIT, TOWN = "县财政局", "下梁镇"


@dataclass
class Setup:
    base: Path                         # the office before the batch
    batch: list[Path]                  # the returned files, in import order
    states: list[dict[str, Any]]       # reference ledger state after each prefix of the batch
    old_workbook: str                  # sha256 of the workbook before the batch
    duration: float                    # seconds the CLI takes for the whole batch
    startup: float                     # seconds it takes to start and open the office


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# ---- the office and the batch ------------------------------------------------------------

def _issue(office: Path, out: Path, holder: str, units: list[str]) -> Path:
    with Office.open(office) as opened:
        issue_work_file(opened, opened.keys(PASSPHRASE), out, role="inspector", holder=holder,
                        units=units)
    return out


def _rate(work: Path, unit: str, rating: str, items: range, comment: str = "") -> None:
    with WorkFile.open(work) as wf:
        wf.conn.execute("PRAGMA synchronous = OFF")   # speed only: building test files
        for no in items:
            wf.update_item(unit, no, rating=rating, methods=["查阅资料"], comment=comment)


def _evidence(work: Path, unit: str, folder: Path, megabytes: int, name: str) -> None:
    src = folder / name
    src.write_bytes(random.Random(megabytes).randbytes(megabytes << 20))
    with WorkFile.open(work) as wf:
        wf.add_evidence(unit, src, item_no=1, kind="其他", caption=name)
    src.unlink()


def _hand_back(work: Path, out: Path) -> Path:
    with WorkFile.open(work) as wf:
        wf.hand_back(out)
    return out


def _import(office: Path, files: list[Path]) -> list[str]:
    with Office.open(office) as opened:
        batch = import_files(opened, files, opened.keys(PASSPHRASE))
        assert batch.workbook_message == "", batch.workbook_message
    return [r.result for r in batch.results]


def build(workdir: Path, video_mb: int = 60) -> Setup:
    """The office (one file imported), the batch, and the reference state of each prefix."""
    made, base = workdir / "made", workdir / "base"
    made.mkdir()
    with Office.init(base, PASSPHRASE) as office:
        office.refresh_workbook()
    first = _issue(base, made / "ww.sqlite", "王五", [TOWN])
    _rate(first, TOWN, "达标", range(1, 77))
    assert _import(base, [_hand_back(first, made / "ww-1.sqlite")]) == ["imported"]

    zs = _issue(base, made / "zs.sqlite", "张三", [UNIT, TOWN])
    _rate(zs, UNIT, "达标", range(1, 77), "资料齐全")
    _evidence(zs, UNIT, made, video_mb, "现场录像.mp4")
    zs1 = _hand_back(zs, made / "zs-1.sqlite")
    ls = _issue(base, made / "ls.sqlite", "李四", [UNIT])
    _rate(ls, UNIT, "未达标", range(1, 31), "未见原件")
    ls1 = _hand_back(ls, made / "ls-1.sqlite")
    _rate(zs, UNIT, "基本达标", range(10, 20), "复查后改")
    _evidence(zs, TOWN, made, max(1, video_mb // 3), "会议记录.pdf")
    zs2 = _hand_back(zs, made / "zs-2.sqlite")
    bad = made / "zs-2-trigger.sqlite"
    shutil.copyfile(zs2, bad)
    conn = sqlite3.connect(bad)
    conn.execute("CREATE TRIGGER wipe AFTER INSERT ON audit BEGIN DELETE FROM rating; END")
    conn.close()
    batch = [zs1, ls1, zs2, bad]

    ref = workdir / "reference"       # the batch imported file by file: each prefix's state
    shutil.copytree(base, ref)
    states = [ledger_state(ref)]
    for path in batch:
        _import(ref, [path])
        states.append(ledger_state(ref))
    shutil.rmtree(ref)
    expected = ["imported", "imported", "replaced", "rejected"]
    assert [r for _s, r in states[-1]["log"][1:]] == expected, states[-1]["log"]
    durations, startups = [], []
    for run in range(3):              # the middle of three, as the machine may be busy
        timing = workdir / f"timing-{run}"
        shutil.copytree(base, timing)
        start = time.perf_counter()
        run_cli(timing, batch).wait()
        durations.append(time.perf_counter() - start)
        start = time.perf_counter()
        run_cli(timing, [], "status").wait()
        startups.append(time.perf_counter() - start)
        shutil.rmtree(timing)
    duration, startup = sorted(durations)[1], sorted(startups)[1]
    return Setup(base, batch, states, sha256(base / "master.xlsx"), duration,
                 min(startup, duration))


def run_cli(office: Path, files: list[Path], command: str = "import") -> subprocess.Popen[bytes]:
    env = dict(os.environ, ZHASHUI_PASSPHRASE=PASSPHRASE)
    return subprocess.Popen(
        [sys.executable, "-m", "zhashui_inspector", "office", command, str(office),
         *map(str, files)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)


# ---- what is checked after a kill ---------------------------------------------------------

def ledger_state(office: Path) -> dict[str, Any]:
    """The ledger's content without ids and times (a file's rows are tied to its hash)."""
    conn = sqlite3.connect(office / "ledger.sqlite")
    try:
        shas = dict(conn.execute("SELECT id, sha256 FROM source"))

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return sorted((shas.get(r[0]), *r[1:]) for r in conn.execute(sql))
        return {
            "source": rows("SELECT id, file_id, holder, handback_seq, audit_len, current,"
                           " replaced_by IS NOT NULL FROM source"),
            "rating": rows("SELECT source_id, unit, item_no, rating, methods, comment, reason"
                           " FROM rating"),
            "evidence": rows("SELECT source_id, unit, item_no, sha256, name, size FROM evidence"),
            "signoff": rows("SELECT source_id, unit, signer, digest FROM signoff"),
            "conflict": sorted(conn.execute("SELECT unit, item_no, status, sides FROM conflict")),
            "log": conn.execute("SELECT file_name, result FROM import_log ORDER BY id").fetchall(),
        }
    finally:
        conn.close()


def _without(state: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in state.items() if k not in keys}


def _values(book: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(book)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()]
            for ws in wb.worksheets}


def check(office: Path, setup: Setup, scratch: Path) -> tuple[list[str], str]:
    """Problems after a kill (empty when everything held), and what the kill left:
    "ledger k/n, workbook old|new (leftovers the next import removes)"."""
    problems = []
    for path in (office / "archive").iterdir():
        if path.suffix == ".sqlite" and sha256(path) != path.stem:
            problems.append(f"half-written archive file {path.name}")
    # a copy, so that the check itself (opening, rendering) changes nothing it looks at
    look = scratch / "look"
    shutil.rmtree(look, ignore_errors=True)
    shutil.copytree(office, look)
    book = look / "master.xlsx"
    try:
        values = _values(book)
    except Exception as exc:  # noqa: BLE001 (any failure to open is the finding)
        return problems + [f"workbook does not open: {exc!r}"], "?"
    raw = ledger_state(look)
    matches = [k for k, s in enumerate(setup.states)
               if _without(s, "conflict") == _without(raw, "conflict")]
    if not matches:
        return problems + ["ledger is neither before nor after any file of the batch"], "?"
    k = matches[-1]
    if sha256(book) == setup.old_workbook:
        which = "old"
        pending = Ledger(look / "ledger.sqlite")
        try:
            if k and pending.meta("workbook_pending") != "1":
                problems.append("ledger changed, old workbook, but no rewrite pending")
        finally:
            pending.close()
    else:
        which = "new"
        fresh = scratch / "fresh.xlsx"
        fresh.unlink(missing_ok=True)
        ledger = Ledger(look / "ledger.sqlite")
        try:
            workbook.write(ledger, fresh, scratch / "history")
        finally:
            ledger.close()
        if _values(fresh) != values:
            problems.append("workbook is neither the old one nor the one the ledger gives")
        if k != len(setup.batch):
            problems.append(f"new workbook but the ledger stopped after file {k}")
    with Office.open(look):          # what the office sees next: pending conflicts refreshed
        pass
    if ledger_state(look) != setup.states[k]:
        problems.append(f"conflicts after reopening differ from those after file {k}")
    left = []                         # what the kill interrupted, when it shows
    if any((office / "tmp").iterdir()):
        left.append("a copy in tmp/")
    known = {r[0] for r in setup.states[k]["source"]}
    if any(p.stem not in known for p in (office / "archive").iterdir()):
        left.append("an archive file not yet in the ledger")
    if (office / "master.xlsx.part").exists():
        left.append("a half-written master.xlsx.part")
    note = f" ({', '.join(left)})" if left else ""
    return problems, f"ledger {k}/{len(setup.batch)}, workbook {which}{note}"


def recover(office: Path, setup: Setup) -> list[str]:
    """Import the same batch again: it must end where an uninterrupted import ends."""
    problems = []
    results = _import(office, setup.batch)
    if results[-1] != "rejected":
        problems.append(f"the refused file was not refused again: {results}")
    final = setup.states[-1]
    if _without(ledger_state(office), "log") != _without(final, "log"):
        problems.append("after importing again the ledger differs from an uninterrupted import")
    sources = {r[0] for r in final["source"]}
    if {p.stem for p in (office / "archive").iterdir()} != sources:
        problems.append("archive does not hold exactly the imported files")
    leftovers = list((office / "tmp").iterdir()) + list(office.glob("*.part"))
    if leftovers:
        problems.append(f"left over: {[p.name for p in leftovers]}")
    load_workbook(office / "master.xlsx")
    return problems


def trial(setup: Setup, workdir: Path, seed: int,
          fraction: float | None = None) -> tuple[list[str], str]:
    """Kill after start-up plus a random share (or the one given) of the time an
    uninterrupted import takes beyond start-up."""
    office = workdir / f"trial-{seed}"
    shutil.copytree(setup.base, office)
    share = random.Random(seed).random() if fraction is None else fraction
    proc = run_cli(office, setup.batch)
    time.sleep(setup.startup + share * (setup.duration - setup.startup))
    ended_alone = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    problems, outcome = check(office, setup, workdir)
    if ended_alone:
        outcome += " (import had finished)"
    problems += recover(office, setup)
    shutil.rmtree(office)
    return problems, outcome


def run(trials: int, seed0: int = 0, fractions: list[float] | None = None,
        video_mb: int = 60) -> tuple[list[str], Counter[str], float]:
    """(failures, how often each outcome of a kill was seen, seconds per import)."""
    failures: list[str] = []
    outcomes: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        setup = build(Path(tmp), video_mb)
        for i in range(trials):
            fraction = fractions[i % len(fractions)] if fractions else None
            problems, outcome = trial(setup, Path(tmp), seed0 + i, fraction)
            outcomes[outcome] += 1
            failures += [f"trial {seed0 + i} ({outcome}): {p}" for p in problems]
    return failures, outcomes, setup.duration


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    failures, outcomes, duration = run(args.trials, args.seed)
    print(f"trials {args.trials}, failures {len(failures)}, an uninterrupted import takes "
          f"{duration:.1f} s, {time.perf_counter() - start:.0f} s in all")
    for outcome, count in sorted(outcomes.items()):
        print(f"  {count:3d} × {outcome}")
    for failure in failures:
        print("  " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
