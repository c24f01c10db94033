"""Kill a process that is editing a work file at random moments; check nothing acknowledged is lost.

    python tools/crash_harness.py --trials 200

A child process makes edits through the core (ratings with comments, and evidence files
streamed in) and prints each one only after its transaction committed. The parent kills
it with SIGKILL after a random delay, then checks: every acknowledged edit is present
(or superseded by a later one), the audit chain verifies, `integrity_check` is ok.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from zhashui_inspector.core.workfile import WorkFile  # noqa: E402

UNITS = ["县财政局", "下梁镇"]
RATINGS = ["达标", "基本达标", "未达标"]


def writer(path: Path, seed: int) -> None:
    """Child: edit forever, acknowledging each committed edit on stdout."""
    rnd = random.Random(seed)
    tmp = Path(tempfile.mkdtemp())
    with WorkFile.open(path) as wf:
        n = 0
        while True:
            n += 1
            unit, item = rnd.choice(UNITS), rnd.randint(1, 76)
            if n % 7 == 0:
                src = tmp / f"photo{n}.jpg"
                src.write_bytes(os.urandom(rnd.randint(1, 3) * 700_000))
                ev = wf.add_evidence(unit, src, item_no=item, kind="图片", caption=f"e{n}")
                print(json.dumps({"n": n, "evidence": ev.id, "sha256": ev.sha256}), flush=True)
            else:
                rating = rnd.choice(RATINGS)
                wf.update_item(unit, item, rating=rating, comment=f"edit {n}")
                print(json.dumps({"n": n, "unit": unit, "item": item, "rating": rating}),
                      flush=True)


def check(path: Path, acks: list[dict]) -> list[str]:
    """Problems found after a crash (empty when everything held)."""
    problems = []
    conn = sqlite3.connect(path)
    if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        problems.append("integrity_check failed")
    conn.close()
    with WorkFile.open(path) as wf:
        report = wf.verify_audit()
        if not report.ok:
            problems.append(f"audit: {report.problem}")
        last: dict[tuple[str, int], dict] = {}
        for ack in acks:
            if "evidence" in ack:
                try:
                    ev = wf.evidence(ack["evidence"])
                    if ev.sha256 != ack["sha256"]:
                        problems.append(f"evidence {ack['evidence']} changed")
                except Exception:  # noqa: BLE001
                    problems.append(f"acknowledged evidence {ack['evidence']} lost")
            else:
                last[(ack["unit"], ack["item"])] = ack
        for (unit, item), ack in last.items():
            state = wf.item_state(unit, item)
            stored_n = int(state.comment.split()[-1]) if state.comment else 0
            if stored_n < ack["n"]:
                problems.append(f"{unit} item {item}: acknowledged edit {ack['n']} lost")
    return problems


def trial(workdir: Path, seed: int, max_delay: float) -> tuple[int, list[str]]:
    path = workdir / f"trial{seed}.sqlite"
    WorkFile.create(path, role="inspector", holder="崩溃测试", units=UNITS).close()
    proc = subprocess.Popen([sys.executable, __file__, "--writer", str(path), "--seed", str(seed)],
                            stdout=subprocess.PIPE, text=True, encoding="utf-8")
    rnd = random.Random(seed)
    time.sleep(rnd.uniform(0.3, max_delay))  # start-up takes ~0.2 s before the first edit
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    acks = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    # the OS lock died with the writer; the parent can open the file at once
    return len(acks), check(path, acks)


def run(trials: int, max_delay: float = 1.5, seed0: int = 0) -> tuple[int, int, list[str]]:
    failures: list[str] = []
    total_acks = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(trials):
            acks, problems = trial(Path(tmp), seed0 + i, max_delay)
            total_acks += acks
            failures += [f"trial {seed0 + i}: {p}" for p in problems]
    return trials, total_acks, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--max-delay", type=float, default=1.5)
    parser.add_argument("--writer", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.writer:
        writer(Path(args.writer), args.seed)
        return 0
    start = time.perf_counter()
    trials, acks, failures = run(args.trials, args.max_delay, args.seed)
    print(f"trials {trials}, acknowledged edits {acks}, failures {len(failures)}, "
          f"{time.perf_counter() - start:.0f} s")
    for f in failures:
        print("  " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
