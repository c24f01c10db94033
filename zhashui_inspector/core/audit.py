"""The append-only audit log: every change is an entry whose hash covers the one before.

An entry's payload carries the full state it leaves behind (the whole item, the whole
evidence record, …), so replaying the log rebuilds the file's data; `verify` compares
that replay with the tables and so detects an edit made behind the program's back.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any

GENESIS = "0" * 64
# one encoder for every call: json.dumps with options builds a new one each time
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical(obj: Any) -> str:
    return _CANONICAL.encode(obj)


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, action: str,
               unit: str | None, item_no: int | None, payload: str) -> str:
    """SHA-256 of the previous hash and the canonical JSON of the entry's fields.

    The body is spelled out for the types the log holds (checking an imported file hashes
    every entry, and this is several times faster than the encoder); it is the very text
    `canonical` gives, which any other types still go through."""
    if (type(seq) is int and type(at) is str and type(actor) is str
            and type(action) is str and type(payload) is str
            and (unit is None or type(unit) is str)
            and (item_no is None or type(item_no) is int)):
        body = (f"[{seq},{encode_basestring(at)},{encode_basestring(actor)},"
                f"{encode_basestring(action)},"
                f"{'null' if unit is None else encode_basestring(unit)},"
                f"{'null' if item_no is None else item_no},{encode_basestring(payload)}]")
    else:
        body = canonical([seq, at, actor, action, unit, item_no, payload])
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def append(conn: sqlite3.Connection, at: str, actor: str, action: str,
           unit: str | None = None, item_no: int | None = None,
           payload: dict[str, Any] | None = None) -> int:
    """Append one entry inside the caller's transaction; returns its sequence number."""
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
    text = canonical(payload or {})
    digest = entry_hash(prev, seq, at, actor, action, unit, item_no, text)
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, unit, item_no, payload, prev_hash, hash)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        (seq, at, actor, action, unit, item_no, text, prev, digest),
    )
    return seq


# One item's rating as the log and the table both give it: (rating, methods, comment,
# reason). A tuple, so that equal ratings can share one (and a thousand are cheap).
RatingState = tuple[Any, tuple[Any, ...], Any, Any]


@dataclass
class ReplayState:
    """What the log says the file holds."""

    ratings: dict[tuple[str, int], RatingState] = field(default_factory=dict)
    evidence: dict[int, dict[str, Any]] = field(default_factory=dict)
    self_reports: dict[str, str] = field(default_factory=dict)
    signoffs: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass
class AuditReport:
    ok: bool
    entries: int
    problem: str = ""
    seq: int | None = None
    hashes: tuple[str, ...] = ()   # every entry's, in order, when the chain is intact


def check_chain(conn: sqlite3.Connection) -> tuple[AuditReport, ReplayState]:
    """Walk the chain; stop at the first entry whose link or hash is wrong."""
    state = ReplayState()
    prev = GENESIS
    expected_seq = 1
    count = 0
    decode = _payload_decoder()
    rated = _rating_decoder(decode)
    ratings = state.ratings
    hashes: list[str] = []
    for seq, at, actor, action, unit, item_no, payload, prev_hash, digest in conn.execute(
        "SELECT seq, at, actor, action, unit, item_no, payload, prev_hash, hash"
        " FROM audit ORDER BY seq"
    ):
        count += 1
        if seq != expected_seq:
            return AuditReport(False, count, f"审计日志缺少第 {expected_seq} 条记录", seq), state
        if prev_hash != prev or entry_hash(prev, seq, at, actor, action, unit, item_no,
                                           payload) != digest:
            return AuditReport(False, count, f"审计日志第 {seq} 条记录被改动过", seq), state
        try:
            if action == "rate":   # nearly every entry: kept out of `_apply`'s branches
                assert unit is not None and item_no is not None
                ratings[(unit, item_no)] = rated(payload)
            else:
                _apply(state, action, unit, item_no, decode(payload))
        except (ValueError, KeyError, TypeError):
            return AuditReport(False, count, f"审计日志第 {seq} 条记录内容无法解读", seq), state
        prev = digest
        hashes.append(digest)
        expected_seq += 1
    return AuditReport(True, count, hashes=tuple(hashes)), state


def _payload_decoder() -> Callable[[str], Any]:
    """`json.loads` for one walk of the log, decoding each distinct payload text once:
    most ratings repeat one another (达标, the same methods, no comment). `_apply` only
    reads a payload, so entries with the same text can share the decoded value."""
    seen: dict[str, Any] = {}

    def decode(text: str) -> Any:
        try:
            return seen[text]
        except KeyError:
            value = seen[text] = json.loads(text)
            return value
    return decode


def _rating_decoder(decode: Callable[[str], Any]) -> Callable[[str], RatingState]:
    """A rate entry's payload text as a `RatingState`, made once per distinct text."""
    seen: dict[str, RatingState] = {}

    def rated(text: str) -> RatingState:
        try:
            return seen[text]
        except KeyError:
            payload = decode(text)
            value = seen[text] = (payload["rating"], tuple(payload["methods"]),
                                  payload["comment"], payload["reason"])
            return value
    return rated


def _apply(state: ReplayState, action: str, unit: str | None, item_no: int | None,
           payload: dict[str, Any]) -> None:
    if action == "evidence_add":
        state.evidence[int(payload["id"])] = {k: payload[k] for k in EVIDENCE_FIELDS}
    elif action == "evidence_edit":
        state.evidence[int(payload["id"])].update(kind=payload["kind"], caption=payload["caption"])
    elif action == "evidence_remove":
        state.evidence.pop(int(payload["id"]))
    elif action == "self_report":
        assert unit is not None
        state.self_reports[unit] = payload["text"]
    elif action == "sign_off":
        state.signoffs[int(payload["id"])] = {k: payload[k] for k in SIGNOFF_FIELDS} | {
            "reopen_reason": None}
    elif action == "reopen":
        state.signoffs[int(payload["id"])]["reopen_reason"] = payload["reason"]


EVIDENCE_FIELDS = ("id", "unit", "item_no", "sha256", "name", "kind", "caption", "size")
SIGNOFF_FIELDS = ("id", "unit", "signer", "signed_at", "signature_sha256", "digest")


def current_state(conn: sqlite3.Connection,
                  ratings: dict[tuple[str, int], RatingState] | None = None) -> ReplayState:
    """What the tables hold, in the replay's shape; `ratings`: the rating table's, when
    the caller has read it already (see `table_ratings`)."""
    state = ReplayState()
    state.ratings = ratings if ratings is not None else table_ratings(
        conn.execute("SELECT unit, item_no, rating, methods, comment, reason FROM rating"))
    cols = ", ".join(EVIDENCE_FIELDS)
    for row in conn.execute(f"SELECT {cols} FROM evidence WHERE removed_at IS NULL"):
        state.evidence[row[0]] = dict(zip(EVIDENCE_FIELDS, row, strict=True))
    for unit, text in conn.execute("SELECT unit, text FROM self_report"):
        state.self_reports[unit] = text
    cols = ", ".join(SIGNOFF_FIELDS)
    for row in conn.execute(f"SELECT {cols}, reopen_reason FROM signoff"):
        state.signoffs[row[0]] = dict(zip(SIGNOFF_FIELDS + ("reopen_reason",), row, strict=True))
    return state


def table_ratings(rows: Iterable[Sequence[Any]]) -> dict[tuple[str, int], RatingState]:
    """Rating rows (unit, item_no, rating, methods, comment, reason, …) in the replay's shape."""
    ratings = {}
    for unit, no, rating, methods, comment, reason, *_rest in rows:
        decoded: Any = decode_methods(methods)
        if decoded is None:   # not a list of texts: compared as the log's would be
            decoded = json.loads(methods)
            if isinstance(decoded, list):
                decoded = tuple(decoded)
        ratings[(unit, no)] = (rating, decoded, comment, reason)
    return ratings


@functools.lru_cache(maxsize=512)
def decode_methods(text: object) -> tuple[str, ...] | None:
    """A rating's methods column, decoded once per distinct text (a few recur on every
    item); None when it is not a JSON list of strings (the caller says what then)."""
    try:
        used = json.loads(text)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return None
    if not isinstance(used, list) or not all(isinstance(m, str) for m in used):
        return None
    return tuple(used)


def verify(conn: sqlite3.Connection,
           ratings: dict[tuple[str, int], RatingState] | None = None) -> AuditReport:
    """Chain intact and replay equal to the tables; the report names the first problem.

    `ratings`: the rating table as `table_ratings` gives it, when the caller has read the
    rows already (an import compares the replay with the very rows it will keep)."""
    report, replayed = check_chain(conn)
    if not report.ok:
        return report
    actual = current_state(conn, ratings)
    for label, want, have in (
        ("评定", replayed.ratings, actual.ratings),
        ("佐证材料", replayed.evidence, actual.evidence),
        ("自评报告", replayed.self_reports, actual.self_reports),
        ("签字确认", replayed.signoffs, actual.signoffs),
    ):
        if want != have:
            key = next(k for k in sorted(set(want) | set(have), key=str)
                       if want.get(k) != have.get(k))  # type: ignore[call-overload]
            return AuditReport(False, report.entries,
                               f"{label}与审计日志不一致（{_describe_key(key)}）")
    return report


def _describe_key(key: object) -> str:
    if isinstance(key, tuple):
        return f"{key[0]} 第 {key[1]} 项"
    return str(key)
