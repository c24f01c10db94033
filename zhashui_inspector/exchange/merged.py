"""The merged picture of each unit, read from the ledger's current sources.

Only the latest hand-back of each work file counts. Inspectors' ratings of an item
merge into one: agreement gives that rating; disagreement gives none until the office
resolves the conflict (so an open conflict never counts towards a score). A unit's own
self-check file contributes notes, evidence and its self-report, never ratings.
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from zhashui_inspector.core.catalogue import Catalogue, Policy
from zhashui_inspector.core.policy import UnitScore, score_unit
from zhashui_inspector.exchange.ledger import CURRENT_RATINGS, Ledger

NOT_APPLICABLE = "不适用"
STATUS_LABELS = {"open": "待解决", "resolved": "已裁定", "cleared": "已一致"}


class Side(NamedTuple):
    """One inspector's rating of an item in a disagreement (a tuple: a hundred teams on
    every unit make tens of thousands of them)."""

    holder: str
    file_id: str
    rating: str


@dataclass(frozen=True)
class MergedItem:
    no: int
    rating: str | None
    methods: tuple[str, ...] = ()
    comment: str = ""
    reason: str = ""
    inspectors: tuple[str, ...] = ()
    sides: tuple[Side, ...] = ()
    conflict: str = ""                 # "", "open", "resolved", "cleared"
    resolution: str | None = None
    resolution_reason: str = ""
    evidence_count: int = 0
    unit_note: str = ""
    comments: tuple[tuple[str, str], ...] = ()   # (holder, comment) behind `comment`
    reasons: tuple[tuple[str, str], ...] = ()    # (holder, reason) behind `reason`
    unit_notes: tuple[str, ...] = ()             # the texts `unit_note` joins

    @property
    def sides_text(self) -> str:
        return "；".join(f"{s.holder}：{s.rating}" for s in self.sides)


@dataclass(frozen=True)
class SourceRow:
    id: int
    sha256: str
    file_id: str
    file_name: str
    holder: str
    role: str
    units: tuple[str, ...]
    round_name: str
    handback_seq: int
    handed_back_at: str
    imported_at: str
    late: bool


@dataclass(frozen=True)
class Decision:
    outcome: str
    reason: str
    decided_at: str
    suggested: str | None


@dataclass(frozen=True)
class UnitView:
    name: str
    kind_label: str
    years: tuple[int, ...]
    items: tuple[MergedItem, ...]
    score: UnitScore
    decision: Decision | None = None
    open_conflicts: int = 0
    last_import: str = ""
    late: bool = False
    self_report: str = ""
    sources: tuple[SourceRow, ...] = field(default=())

    def count(self, rating: str | None) -> int:
        return sum(1 for i in self.items if i.rating == rating)

    @property
    def provisional(self) -> bool:
        """Items unrated or in dispute: the score and the suggestion can change still."""
        return not self.score.complete or self.open_conflicts > 0


def current_sources(ledger: Ledger) -> list[SourceRow]:
    return [SourceRow(r["id"], r["sha256"], r["file_id"], r["file_name"], r["holder"], r["role"],
                      tuple(json.loads(r["units"])), r["round_name"], r["handback_seq"],
                      r["handed_back_at"], r["imported_at"], bool(r["late"]))
            for r in ledger.rows("SELECT * FROM source WHERE current = 1 ORDER BY id")]


def unit_views(ledger: Ledger, units: Iterable[str] | None = None,
               policy: Policy | None = None) -> list[UnitView]:
    """The merged view of the given units (default: every unit in the catalogue)."""
    catalogue = ledger.catalogue
    policy = policy or ledger.policy
    wanted = list(units) if units is not None else [u.name for u in catalogue.units]
    sources = current_sources(ledger)
    by_id = {s.id: s for s in sources}
    # SQLite sorts the rows by item, then by who rated (tens of thousands when many
    # teams cover every unit); each item's run of rows is merged in one pass
    marks = ",".join("?" * len(wanted))
    merged: dict[tuple[str, int], MergedItem] = {}
    conflicts = {(r["unit"], r["item_no"]): r for r in ledger.rows("SELECT * FROM conflict")}
    evidence_counts: dict[tuple[str, int], int] = {
        (u, n): c for u, n, c in ledger.conn.execute(
            "SELECT e.unit, e.item_no, count(*) FROM evidence e JOIN source s"
            " ON s.id = e.source_id WHERE s.current = 1 AND e.item_no IS NOT NULL"
            " GROUP BY e.unit, e.item_no")}
    for (name, no), rows in itertools.groupby(ledger.conn.execute(
            "SELECT r.unit, r.item_no, s.id, r.rating, r.methods, r.comment, r.reason"
            f" {CURRENT_RATINGS} WHERE s.current = 1"
            f" AND r.unit IN ({marks}) ORDER BY r.unit, r.item_no, s.holder, s.id", wanted),
            key=operator.itemgetter(0, 1)):
        merged[(name, no)] = _merge_item(catalogue, no, rows, by_id, conflicts.get((name, no)),
                                         evidence_counts.get((name, no), 0))
    decisions = _latest_decisions(ledger)
    reports = _self_reports(ledger, by_id)
    views = []
    for name in wanted:
        unit = catalogue.unit(name)
        items = tuple(
            merged.get((name, no)) or _merge_item(catalogue, no, (), by_id,
                                                  conflicts.get((name, no)),
                                                  evidence_counts.get((name, no), 0))
            for no in (i.no for i in catalogue.items()))
        unit_sources = tuple(s for s in sources if name in s.units)
        views.append(UnitView(
            name=name, kind_label=unit.kind_label, years=unit.years, items=items,
            score=score_unit(catalogue, {i.no: i.rating for i in items}, policy,
                             disputed=[i.no for i in items if i.conflict == "open"]),
            decision=decisions.get(name),
            open_conflicts=sum(1 for i in items if i.conflict == "open"),
            last_import=max((s.imported_at for s in unit_sources), default=""),
            late=any(s.late for s in unit_sources),
            self_report=reports.get(name, ""),
            sources=unit_sources))
    return views


def _merge_item(catalogue: Catalogue, no: int, rows: Iterable[tuple[Any, ...]],
                by_id: dict[int, SourceRow], conflict: sqlite3.Row | None,
                evidence_count: int) -> MergedItem:
    """One item from its rows (unit, item_no, source id, rating, methods, comment,
    reason), in the order SQLite sorted them, read in one pass. A row names its source
    rather than repeating the source's role, holder and work file (SQLite would hand
    over three texts a row, 270,000 of them at 100 files covering every unit)."""
    distinct: set[str] = set()
    rated: list[tuple[str, str, str]] = []          # (holder, file_id, rating)
    used: set[str] = set()
    comments: list[tuple[str, str]] = []
    reasons: list[tuple[str, str]] = []
    unit_notes: list[str] = []
    for _unit, _no, source_id, rating, methods, comment, reason in rows:
        source = by_id[source_id]
        role, holder, file_id = source.role, source.holder, source.file_id
        if role == "inspector":
            if rating is not None:
                distinct.add(rating)
                rated.append((holder, file_id, rating))
            used.update(_methods(methods))
            if comment.strip():
                comments.append((holder, comment))
            if reason.strip():
                reasons.append((holder, reason))
        elif role == "unit":
            unit_notes.extend(t for t in (reason, comment) if t.strip())
    status = conflict["status"] if conflict is not None else ""
    resolution = conflict["resolution"] if conflict is not None else None
    if len(distinct) == 1:
        merged_rating: str | None = next(iter(distinct))
    elif len(distinct) > 1 and status == "resolved":
        merged_rating = resolution
    else:
        merged_rating = None
    sides = tuple(itertools.starmap(Side, rated)) if len(distinct) > 1 else ()
    return MergedItem(
        no=no, rating=merged_rating,
        methods=tuple(m for m in catalogue.methods if m in used),
        comment=_joined(comments), reason=_joined(reasons),
        inspectors=tuple(dict.fromkeys(holder for holder, _f, _r in rated)),
        sides=sides, conflict=status, resolution=resolution,
        resolution_reason=conflict["reason"] if conflict is not None else "",
        evidence_count=evidence_count,
        unit_note="；".join(unit_notes),
        comments=tuple(comments), reasons=tuple(reasons), unit_notes=tuple(unit_notes))


@functools.lru_cache(maxsize=256)
def _methods(text: str) -> tuple[str, ...]:
    """Decoded once per distinct list: thousands of rows share a handful of them."""
    return tuple(json.loads(text))


def _joined(found: list[tuple[str, str]]) -> str:
    """One text as it is; several prefixed with who wrote them."""
    if len(found) == 1:
        return found[0][1]
    return "\n".join(f"{who}：{text}" for who, text in found)


def _latest_decisions(ledger: Ledger) -> dict[str, Decision]:
    out = {}
    for r in ledger.rows("SELECT * FROM decision ORDER BY id"):
        out[r["unit"]] = Decision(r["outcome"], r["reason"], r["decided_at"], r["suggested"])
    return out


def _self_reports(ledger: Ledger, by_id: dict[int, SourceRow]) -> dict[str, str]:
    """The unit's own self-report wins over a copy found in an inspector's file."""
    out: dict[str, tuple[int, str]] = {}
    for source_id, unit, text in ledger.conn.execute(
            "SELECT source_id, unit, text FROM self_report ORDER BY source_id"):
        source = by_id.get(source_id)
        if source is None or not text.strip():
            continue
        rank = 1 if source.role == "unit" else 0
        if unit not in out or rank >= out[unit][0]:
            out[unit] = (rank, text)
    return {unit: text for unit, (_rank, text) in out.items()}
