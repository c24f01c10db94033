"""Disagreements between inspectors, and the office's resolutions and decisions.

A conflict is kept per (unit, item) while two current inspector files rate the item
differently. Its `sides` (who said what, per work file) are fixed when the office
resolves it; an import that changes a side reopens it, and one that makes the sides
agree marks it cleared. Every resolution and decision is kept, the latest counts.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from zhashui_inspector.core.audit import canonical
from zhashui_inspector.core.errors import ValidationError
from zhashui_inspector.core.records import now_iso
from zhashui_inspector.exchange.ledger import CONFLICTS_PENDING, CURRENT_RATINGS
from zhashui_inspector.exchange.merged import STATUS_LABELS, unit_views
from zhashui_inspector.exchange.office import Office


@dataclass(frozen=True)
class Conflict:
    unit: str
    item_no: int
    status: str
    sides: tuple[tuple[str, str, str], ...]   # (holder, file_id, rating)
    opened_at: str
    updated_at: str
    resolution: str | None
    reason: str
    resolved_at: str | None

    @property
    def sides_text(self) -> str:
        return "；".join(f"{holder}：{rating}" for holder, _f, rating in self.sides)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


PENDING_KEY = CONFLICTS_PENDING


def mark_pending(conn: sqlite3.Connection, units: Iterable[str]) -> None:
    """Note, inside an import's transaction, that these units' conflicts need a refresh.

    Refreshing once per batch instead of once per file keeps a batch linear in its
    size; the note is in the same transaction as the rows, so a crash between the
    import and the refresh leaves it for `refresh_pending` at the next open.
    """
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (PENDING_KEY,)).fetchone()
    pending = set(json.loads(row[0])) if row and row[0] else set()
    pending.update(units)
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
                 " DO UPDATE SET value = excluded.value",
                 (PENDING_KEY, json.dumps(sorted(pending), ensure_ascii=False)))


def refresh_pending(conn: sqlite3.Connection, at: str) -> list[str]:
    """Refresh the conflicts of every unit noted by `mark_pending` (caller's transaction)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (PENDING_KEY,)).fetchone()
    pending = sorted(json.loads(row[0])) if row and row[0] else []
    if pending:
        refresh(conn, pending, at)
        conn.execute("DELETE FROM meta WHERE key = ?", (PENDING_KEY,))
    return pending


def refresh(conn: sqlite3.Connection, units: Iterable[str], at: str) -> None:
    """Recompute the conflicts of `units` from the current sources (caller's transaction).

    SQLite finds the disagreeing items; only those and the items with a conflict row are
    looked at in Python, so the cost stays small however many files cover the unit.
    """
    current = (f"{CURRENT_RATINGS} WHERE s.current = 1 AND s.role = 'inspector'"
               " AND r.unit = ? AND r.rating IS NOT NULL")
    for unit in units:
        disagreeing = {no for (no,) in conn.execute(
            f"SELECT r.item_no {current} GROUP BY r.item_no"
            " HAVING count(DISTINCT r.rating) > 1", (unit,))}
        existing = {no: (status, old_sides, resolved_sides) for no, status, old_sides,
                    resolved_sides in conn.execute(
                        "SELECT item_no, status, sides, resolved_sides FROM conflict"
                        " WHERE unit = ?", (unit,))}
        wanted = disagreeing | {no for no, row in existing.items() if row[0] != "cleared"}
        if not wanted:
            continue
        sides: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        marks = ",".join("?" * len(wanted))
        for no, holder, file_id, rating in conn.execute(
                f"SELECT r.item_no, s.holder, s.file_id, r.rating {current}"
                f" AND r.item_no IN ({marks}) ORDER BY r.item_no, s.holder, s.file_id",
                (unit, *sorted(wanted))):
            sides[no].append((holder, file_id, rating))
        for no in sorted(disagreeing):
            key = canonical(sides[no])
            if no not in existing:
                conn.execute("INSERT INTO conflict (unit, item_no, status, sides, opened_at,"
                             " updated_at) VALUES (?,?,?,?,?,?)", (unit, no, "open", key, at, at))
                continue
            status, old_sides, resolved_sides = existing[no]
            if status == "resolved" and resolved_sides == key:
                continue
            if status != "open" or old_sides != key:
                conn.execute("UPDATE conflict SET status = 'open', sides = ?, updated_at = ?"
                             " WHERE unit = ? AND item_no = ?", (key, at, unit, no))
        for no, (status, _old, _resolved) in existing.items():
            if no not in disagreeing and status != "cleared":
                conn.execute("UPDATE conflict SET status = 'cleared', sides = ?, updated_at = ?"
                             " WHERE unit = ? AND item_no = ?",
                             (canonical(sides.get(no, [])), at, unit, no))


@dataclass(frozen=True)
class SideDetail:
    """What one current file says about an item, for showing sides next to each other."""

    holder: str
    role: str
    file_name: str
    rating: str | None
    methods: tuple[str, ...]
    comment: str
    reason: str


def side_details(office: Office, unit: str, item_no: int) -> list[SideDetail]:
    """Every current file's entry for the item: inspectors first, then the unit's own."""
    rows = office.ledger.conn.execute(
        "SELECT s.holder, s.role, s.file_name, r.rating, r.methods, r.comment, r.reason"
        f" {CURRENT_RATINGS} WHERE s.current = 1"
        " AND r.unit = ? AND r.item_no = ? ORDER BY s.role = 'unit', s.holder, s.id",
        (unit, item_no)).fetchall()
    return [SideDetail(h, role, name, rating, tuple(json.loads(m)), c, reason)
            for h, role, name, rating, m, c, reason in rows]


def list_conflicts(office: Office, *, unit: str | None = None,
                   include_closed: bool = False) -> list[Conflict]:
    sql = "SELECT * FROM conflict"
    where, args = [], []
    if unit:
        where.append("unit = ?")
        args.append(unit)
    if not include_closed:
        where.append("status = 'open'")
    if where:
        sql += " WHERE " + " AND ".join(where)
    order = {u.name: i for i, u in enumerate(office.catalogue.units)}
    rows = office.ledger.rows(sql, args)
    out = [Conflict(r["unit"], r["item_no"], r["status"],
                    tuple(tuple(s) for s in json.loads(r["sides"])),  # type: ignore[misc]
                    r["opened_at"], r["updated_at"], r["resolution"], r["reason"],
                    r["resolved_at"]) for r in rows]
    return sorted(out, key=lambda c: (order.get(c.unit, 99), c.item_no))


def resolve(office: Office, unit: str, item_no: int, rating: str, reason: str) -> Conflict:
    """Settle an open (or re-settle a resolved) conflict with a rating and a reason."""
    _check_unit(office, unit)
    if rating not in office.catalogue.ratings:
        raise ValidationError(f"评定结果“{rating}”无效，应为：{'、'.join(office.catalogue.ratings)}")
    if not reason.strip():
        raise ValidationError("裁定必须说明理由")
    at = now_iso()
    with office.writing(), office.ledger.tx() as conn:
        row = conn.execute("SELECT status, sides FROM conflict WHERE unit = ? AND item_no = ?",
                           (unit, item_no)).fetchone()
        if row is None or row[0] == "cleared":
            raise ValidationError(f"{unit} 第 {item_no} 项没有待解决的评定分歧")
        conn.execute("INSERT INTO resolution (unit, item_no, rating, reason, sides, resolved_at)"
                     " VALUES (?,?,?,?,?,?)", (unit, item_no, rating, reason.strip(), row[1], at))
        conn.execute("UPDATE conflict SET status = 'resolved', resolution = ?, reason = ?,"
                     " resolved_at = ?, resolved_sides = sides, updated_at = ?"
                     " WHERE unit = ? AND item_no = ?",
                     (rating, reason.strip(), at, at, unit, item_no))
        office.mark_pending(conn)
    (conflict,) = [c for c in list_conflicts(office, unit=unit, include_closed=True)
                   if c.item_no == item_no]
    return conflict


def decide(office: Office, unit: str, outcome: str, reason: str) -> None:
    """Record the office's decision beside the policy's suggestion at this moment."""
    _check_unit(office, unit)
    if outcome not in office.catalogue.outcomes:
        raise ValidationError(f"处理结果“{outcome}”无效，应为：{'、'.join(office.catalogue.outcomes)}")
    if not reason.strip():
        raise ValidationError("处理决定必须说明理由")
    with office.writing(), office.ledger.tx() as conn:
        (view,) = unit_views(office.ledger, [unit])
        conn.execute("INSERT INTO decision (unit, outcome, reason, suggested, score, decided_at)"
                     " VALUES (?,?,?,?,?,?)", (unit, outcome, reason.strip(),
                                               view.score.suggested, view.score.overall, now_iso()))
        office.mark_pending(conn)


def _check_unit(office: Office, unit: str) -> None:
    if not office.catalogue.has_unit(unit):
        raise ValidationError(f"“{unit}”不在本次复查验收名单中")
