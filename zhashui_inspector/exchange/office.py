"""The office folder: ledger, archive, master workbook, reports, keys and the current round.

    DIR/ledger.sqlite         the truth (see ledger.py)
    DIR/archive/<sha256>.sqlite   every accepted returned file, byte for byte as received
    DIR/master.xlsx           the master workbook, rendered from the ledger
    DIR/workbook-history/     the last previous versions of the workbook
    DIR/reports/              signed PDFs
    DIR/keys/                 office.p12 (passphrase) and office-cert.pem
"""

from __future__ import annotations

import datetime
import json
import math
import os
import shutil
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from zhashui_inspector.core.catalogue import Catalogue, Policy
from zhashui_inspector.core.errors import ValidationError, WorkFileError, ZhashuiError
from zhashui_inspector.core.filelock import FileLock
from zhashui_inspector.core.records import RoundStage, now_iso
from zhashui_inspector.exchange import keys as office_keys
from zhashui_inspector.exchange import workbook
from zhashui_inspector.exchange.ledger import CONFLICTS_PENDING, LEDGER_NAME, Ledger
from zhashui_inspector.exchange.ledger import create as create_ledger
from zhashui_inspector.paths import standards_db

DEFAULT_ROUND = "2023年度复查验收评估"
REVIEW_STAGE = "review"
WORKBOOK_NAME = "master.xlsx"
FOLDERS = ("archive", "reports", "keys", "workbook-history", "tmp")


@dataclass(frozen=True)
class Round:
    name: str
    stages: tuple[RoundStage, ...]

    def stage(self, key: str) -> RoundStage | None:
        return next((s for s in self.stages if s.key == key), None)

    def is_late(self, handed_back_at: str) -> bool:
        """Handed back after the last day of 复查验收评估 (in the hand-back's own time zone)."""
        review = self.stage(REVIEW_STAGE)
        if review is None or not handed_back_at:
            return False
        try:
            day = datetime.datetime.fromisoformat(handed_back_at).date()
        except ValueError:
            return False
        return day > review.end


class Office:
    """An office folder opened for use; `Office.init(...)` / `Office.open(...)`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.ledger = Ledger(self.root / LEDGER_NAME)
        self.catalogue: Catalogue = self.ledger.catalogue

    # ---- folder -------------------------------------------------------------------

    @classmethod
    def init(cls, root: Path, passphrase: str, *, workbook_path: Path | None = None,
             office_name: str = office_keys.OFFICE_NAME,
             catalogue_path: Path | None = None) -> Office:
        """Create an office folder (keys, ledger, archive, reports, workbook)."""
        root = Path(root)
        if (root / LEDGER_NAME).exists() or (root / "keys" / office_keys.P12_NAME).exists():
            raise ValidationError(f"“{root.name}”已经是办公文件夹，不能重复创建")
        if root.exists() and not root.is_dir():
            raise ValidationError(f"“{root.name}”是文件，不是文件夹")
        if workbook_path is not None:
            workbook.check_adoptable(Path(workbook_path), Catalogue.load(catalogue_path))
        for folder in FOLDERS:
            (root / folder).mkdir(parents=True, exist_ok=True)
        keys = office_keys.create_keys(root / "keys", passphrase, office_name)
        source = sqlite3.connect(
            f"{(catalogue_path or standards_db()).resolve().as_uri()}?mode=ro", uri=True)
        try:
            catalogue = Catalogue.from_connection(source)
            if workbook_path is None:
                book = WORKBOOK_NAME
            else:
                book = _stored_path(root, Path(workbook_path))
            tmp = root / (LEDGER_NAME + ".creating")
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                leftover.unlink(missing_ok=True)
            create_ledger(tmp, source, {
                "office_id": keys.office_id, "office_name": office_name,
                "catalogue_hash": catalogue.hash, "created_at": now_iso(),
                "workbook": book, "workbook_pending": "1", "current_round": DEFAULT_ROUND,
            })
        finally:
            source.close()
        os.replace(tmp, root / LEDGER_NAME)
        office = cls(root)
        with office.ledger.tx() as conn:
            office._store_round(conn, DEFAULT_ROUND, [
                RoundStage(s.key, s.name, s.start, s.end) for s in catalogue.stages])
        return office

    @classmethod
    def open(cls, root: Path) -> Office:
        root = Path(root)
        if not root.is_dir():
            raise WorkFileError(f"找不到办公文件夹：{root}")
        office = cls(root)
        if office.ledger.meta(CONFLICTS_PENDING):  # an import was cut off before refreshing
            office.refresh_conflicts()
        return office

    def refresh_conflicts(self) -> None:
        """Bring the conflicts up to date with the files imported since the last refresh."""
        from zhashui_inspector.exchange import conflicts  # conflicts builds on Office

        with self.ledger.tx() as conn:
            conflicts.refresh_pending(conn, now_iso())

    def close(self) -> None:
        self.ledger.close()

    def __enter__(self) -> Office:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def archive_dir(self) -> Path:
        return self.root / "archive"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"

    @property
    def history_dir(self) -> Path:
        return self.root / "workbook-history"

    @property
    def thumbnail_dir(self) -> Path:
        """Thumbnails made from archived photos for the reports (derived, safe to delete)."""
        return self.root / "cache" / "thumbnails"

    @property
    def tmp_dir(self) -> Path:
        path = self.root / "tmp"
        path.mkdir(exist_ok=True)
        return path

    @property
    def workbook_path(self) -> Path:
        stored = Path(self.ledger.meta("workbook", WORKBOOK_NAME))
        return stored if stored.is_absolute() else self.root / stored

    def archived(self, sha256: str) -> Path:
        return self.archive_dir / f"{sha256}.sqlite"

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the office's lock while changing the archive, the ledger or the workbook."""
        lock = FileLock(self.root / ".office")
        try:
            lock.acquire()
        except ZhashuiError:
            raise ValidationError("另一个窗口或程序正在向此办公文件夹导入或写入，请稍后再试") from None
        try:
            yield
        finally:
            lock.release()

    def keys(self, passphrase: str) -> office_keys.OfficeKeys:
        """Unlock the office's key (and check it is this office's)."""
        keys = office_keys.load_keys(self.keys_dir, passphrase)
        if keys.office_id != self.ledger.office_id:
            raise WorkFileError("keys/office.p12 不是本办公文件夹的密钥")
        return keys

    # ---- rounds -------------------------------------------------------------------

    def round(self, name: str | None = None) -> Round | None:
        """A round by name (the current one when no name is given); None if unknown."""
        name = name or self.ledger.meta("current_round")
        rows = self.ledger.conn.execute(
            'SELECT key, name, start, "end" FROM round_stage WHERE round_name = ?'
            " ORDER BY position", (name,)).fetchall()
        if not rows:
            return None
        return Round(name, tuple(
            RoundStage(k, n, datetime.date.fromisoformat(s), datetime.date.fromisoformat(e))
            for k, n, s, e in rows))

    def current_round(self) -> Round:
        current = self.round()
        if current is None:
            raise WorkFileError("台账中没有当前轮次")
        return current

    def set_round(self, name: str | None,
                  dates: Mapping[str, tuple[datetime.date, datetime.date]]) -> Round:
        """Make `name` the current round and change stage dates (keys or stage names)."""
        current = self.current_round()
        name = (name or current.name).strip()
        if not name:
            raise ValidationError("轮次名称不能为空")
        by_key = {s.key: s for s in self.catalogue.stages}
        by_name = {s.name: s for s in self.catalogue.stages}
        changes: dict[str, tuple[datetime.date, datetime.date]] = {}
        for label, span in dates.items():
            stage = by_key.get(label) or by_name.get(label)
            if stage is None:
                names = "、".join(s.name for s in self.catalogue.stages)
                raise ValidationError(f"没有名为“{label}”的阶段，应为：{names}")
            changes[stage.key] = span
        base = self.round(name)
        if base is None and set(changes) != set(by_key):
            raise ValidationError("新轮次须给出全部三个阶段的日期")
        stages = []
        for stage in self.catalogue.stages:
            old = base.stage(stage.key) if base else None
            start, end = changes.get(stage.key) or ((old.start, old.end) if old else
                                                    (stage.start, stage.end))
            if start > end:
                raise ValidationError(f"“{stage.name}”的开始日期晚于结束日期")
            stages.append(RoundStage(stage.key, stage.name, start, end))
        for before, after in zip(stages, stages[1:], strict=False):
            if after.start <= before.end:
                raise ValidationError(f"“{after.name}”须在“{before.name}”结束之后开始")
        with self.writing(), self.ledger.tx() as conn:
            self._store_round(conn, name, stages)
            self.ledger.set_meta(conn, "current_round", name)
            self.mark_pending(conn)
        return Round(name, tuple(stages))

    def _store_round(self, conn: sqlite3.Connection, name: str,
                     stages: list[RoundStage]) -> None:
        conn.execute("INSERT OR IGNORE INTO round (name, created_at) VALUES (?, ?)",
                     (name, now_iso()))
        conn.execute("DELETE FROM round_stage WHERE round_name = ?", (name,))
        conn.executemany(
            'INSERT INTO round_stage (round_name, key, name, start, "end", position)'
            " VALUES (?,?,?,?,?,?)",
            [(name, s.key, s.name, s.start.isoformat(), s.end.isoformat(), pos)
             for pos, s in enumerate(stages)])

    # ---- policy -------------------------------------------------------------------

    def set_policy(self, policy: Policy) -> None:
        """Replace the office's scoring policy (outcomes and ratings must be the catalogue's)."""
        unknown = [t.outcome for t in policy.thresholds if t.outcome not in self.catalogue.outcomes]
        if unknown:
            raise ValidationError(f"评分规则中的结果“{unknown[0]}”不是保留、黄牌、停牌、摘牌之一")
        if set(policy.points) != set(self.catalogue.ratings):
            raise ValidationError("评分规则须为每个评定结果给出分值（不适用写 null）")
        numbers = [*policy.points.values(), *policy.weights.values(),
                   *(m for t in policy.thresholds for m in (t.overall_min, t.area_min))]
        if any(n is not None and not (math.isfinite(n) and n >= 0) for n in numbers):
            raise ValidationError("评分规则中的分值、权重和得分率须为有限的非负数")
        if all(points is None for points in policy.points.values()):
            raise ValidationError("评分规则须至少为一个评定结果计分")
        if not policy.thresholds:
            raise ValidationError("评分规则须给出建议结果的条件")
        if policy.veto_outcome not in self.catalogue.outcomes:
            raise ValidationError(f"否决项的结果“{policy.veto_outcome}”不是保留、黄牌、停牌、摘牌之一")
        stray = [no for no in policy.veto_items if not self.catalogue.has_item(no)]
        if stray:
            raise ValidationError(f"否决项第 {stray[0]} 项不是创建标准中的指标")
        with self.writing(), self.ledger.tx() as conn:
            self.ledger.set_meta(conn, "policy", json.dumps(policy.to_json(), ensure_ascii=False))
            self.mark_pending(conn)

    # ---- workbook -----------------------------------------------------------------

    def mark_pending(self, conn: sqlite3.Connection) -> None:
        self.ledger.set_meta(conn, "workbook_pending", "1")

    @property
    def workbook_pending(self) -> bool:
        return self.ledger.meta("workbook_pending") == "1"

    def refresh_workbook(self) -> str:
        """Rewrite the workbook if the ledger changed since it was last written.

        Returns "" when written (or nothing to do), else the Chinese reason it was not
        written (locked by Excel, …); the ledger keeps it pending for the next time.
        """
        if not self.workbook_pending and self.workbook_path.exists():
            return ""
        with self.writing():
            try:
                workbook.write(self.ledger, self.workbook_path, self.history_dir)
            except workbook.WorkbookNotWritten as exc:
                return exc.message
            with self.ledger.tx() as conn:
                self.ledger.set_meta(conn, "workbook_pending", "0")
        return ""


def _stored_path(root: Path, path: Path) -> str:
    """How the ledger records the workbook: relative inside the folder, absolute outside."""
    full = path.resolve()
    try:
        return full.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(full)


def copy_into(src: Path, dest: Path) -> None:
    """Copy a file and flush it to disk before anything refers to it."""
    shutil.copyfile(src, dest)
    with open(dest, "rb+") as fh:
        os.fsync(fh.fileno())
