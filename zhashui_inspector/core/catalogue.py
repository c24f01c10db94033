"""The catalogue: the standards (areas, sub-areas, items), the units under review, the
stages, the vocabularies and the default scoring policy.

The catalogue lives in SQLite tables prefixed ``cat_``. ``data/standards.sqlite`` holds
them alone (built by ``tools/build_catalogue.py`` from ``data/standards.toml``); every work
file embeds a copy (see :func:`copy_catalogue`). :meth:`Catalogue.from_connection` reads
the tables from either.

Texts are kept exactly as published; suspected errors are separate :class:`Erratum`
annotations, never corrections.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhashui_inspector.paths import standards_db

__all__ = [
    "CATALOGUE_FORMAT",
    "CATALOGUE_TABLES",
    "SCHEMA",
    "Area",
    "Catalogue",
    "Erratum",
    "Item",
    "Policy",
    "Stage",
    "SubArea",
    "Threshold",
    "Unit",
    "canonical_content",
    "compute_hash",
    "copy_catalogue",
    "count_self_report_chars",
]

CATALOGUE_FORMAT = "1"
MISSING_TITLE = "（原文缺标题）"
KIND_LABELS = {"department": "部门", "town": "镇"}

# One statement per entry, parents before children: copy_catalogue runs them in order
# and copies rows in the same order, so the foreign keys hold at every step.
SCHEMA: tuple[str, ...] = (
    """CREATE TABLE cat_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
)""",
    """CREATE TABLE cat_area (
    no INTEGER PRIMARY KEY,
    numeral TEXT NOT NULL,
    title TEXT NOT NULL,
    position INTEGER NOT NULL
)""",
    """CREATE TABLE cat_subarea (
    no INTEGER PRIMARY KEY,
    area_no INTEGER NOT NULL REFERENCES cat_area(no),
    title TEXT,
    note TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE cat_item (
    no INTEGER PRIMARY KEY,
    subarea_no INTEGER NOT NULL REFERENCES cat_subarea(no),
    area_no INTEGER NOT NULL REFERENCES cat_area(no),
    text TEXT NOT NULL
)""",
    """CREATE TABLE cat_erratum (
    id INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('area', 'subarea', 'item')),
    target_no INTEGER NOT NULL,
    note TEXT NOT NULL
)""",
    """CREATE TABLE cat_unit (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('department', 'town')),
    position INTEGER NOT NULL
)""",
    """CREATE TABLE cat_unit_year (
    unit_name TEXT NOT NULL REFERENCES cat_unit(name),
    year INTEGER NOT NULL,
    PRIMARY KEY (unit_name, year)
)""",
    """CREATE TABLE cat_stage (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    start TEXT NOT NULL,
    "end" TEXT NOT NULL,
    position INTEGER NOT NULL
)""",
    """CREATE TABLE cat_outcome (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
)""",
    """CREATE TABLE cat_method (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
)""",
    """CREATE TABLE cat_rating (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    points REAL
)""",
    """CREATE TABLE cat_evidence_kind (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
)""",
    """CREATE TABLE cat_policy (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
)""",
    """CREATE TABLE cat_policy_weight (
    item_no INTEGER PRIMARY KEY REFERENCES cat_item(no),
    weight REAL NOT NULL
)""",
    """CREATE TABLE cat_policy_threshold (
    outcome TEXT PRIMARY KEY REFERENCES cat_outcome(name),
    position INTEGER NOT NULL,
    overall_min REAL,
    area_min REAL
)""",
    """CREATE TABLE cat_policy_veto (
    item_no INTEGER PRIMARY KEY REFERENCES cat_item(no)
)""",
)

CATALOGUE_TABLES: tuple[str, ...] = (
    "cat_meta",
    "cat_area",
    "cat_subarea",
    "cat_item",
    "cat_erratum",
    "cat_unit",
    "cat_unit_year",
    "cat_stage",
    "cat_outcome",
    "cat_method",
    "cat_rating",
    "cat_evidence_kind",
    "cat_policy",
    "cat_policy_weight",
    "cat_policy_threshold",
    "cat_policy_veto",
)

# Columns of each table, in DDL order, and the order that makes a listing canonical.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "cat_meta": ("key", "value"),
    "cat_area": ("no", "numeral", "title", "position"),
    "cat_subarea": ("no", "area_no", "title", "note"),
    "cat_item": ("no", "subarea_no", "area_no", "text"),
    "cat_erratum": ("id", "target_kind", "target_no", "note"),
    "cat_unit": ("name", "kind", "position"),
    "cat_unit_year": ("unit_name", "year"),
    "cat_stage": ("key", "name", "start", "end", "position"),
    "cat_outcome": ("name", "position"),
    "cat_method": ("name", "position"),
    "cat_rating": ("name", "position", "points"),
    "cat_evidence_kind": ("name", "position"),
    "cat_policy": ("key", "value"),
    "cat_policy_weight": ("item_no", "weight"),
    "cat_policy_threshold": ("outcome", "position", "overall_min", "area_min"),
    "cat_policy_veto": ("item_no",),
}
_ORDER: dict[str, str] = {
    "cat_meta": "key",
    "cat_area": "no",
    "cat_subarea": "no",
    "cat_item": "no",
    "cat_erratum": "id",
    "cat_unit": "position",
    "cat_unit_year": "unit_name, year",
    "cat_stage": "position",
    "cat_outcome": "position",
    "cat_method": "position",
    "cat_rating": "position",
    "cat_evidence_kind": "position",
    "cat_policy": "key",
    "cat_policy_weight": "item_no",
    "cat_policy_threshold": "position",
    "cat_policy_veto": "item_no",
}
# cat_meta keys that describe the content rather than being part of it.
_META_NOT_HASHED = frozenset({"hash"})


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rows(conn: sqlite3.Connection, table: str) -> list[tuple[Any, ...]]:
    """All rows of a cat_ table as plain tuples, in canonical order."""
    cur = conn.cursor()
    cur.row_factory = None  # independent of whatever the caller set on the connection
    cols = ", ".join(_quote(c) for c in _COLUMNS[table])
    order = ", ".join(_quote(c.strip()) for c in _ORDER[table].split(","))
    try:
        return [tuple(r) for r in cur.execute(f"SELECT {cols} FROM {table} ORDER BY {order}")]
    finally:
        cur.close()


def canonical_content(conn: sqlite3.Connection) -> dict[str, list[list[Any]]]:
    """The whole catalogue as plain data: table -> rows (lists), in canonical order.

    cat_meta's 'hash' row is left out, since the hash is computed over this.
    """
    content: dict[str, list[list[Any]]] = {}
    for table in CATALOGUE_TABLES:
        rows = _rows(conn, table)
        if table == "cat_meta":
            rows = [r for r in rows if r[0] not in _META_NOT_HASHED]
        content[table] = [list(r) for r in rows]
    return content


def compute_hash(conn: sqlite3.Connection) -> str:
    """SHA-256 (hex) of the canonical JSON of :func:`canonical_content`.

    Equal for the catalogue in standards.sqlite and for any faithful copy of it, so a
    work file's embedded snapshot can be checked against the hash it records.
    """
    text = json.dumps(
        canonical_content(conn), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_tables(conn: sqlite3.Connection) -> None:
    """Create the empty cat_ tables (fails if any already exists). Never commits."""
    for statement in SCHEMA:
        conn.execute(statement)


def copy_catalogue(src: sqlite3.Connection, dst: sqlite3.Connection) -> None:
    """Create the cat_ tables in ``dst`` and copy every row from ``src``.

    Runs inside whatever transaction the caller has open on ``dst`` and never commits,
    so embedding the snapshot can be part of creating a work file atomically.
    """
    create_tables(dst)
    for table in CATALOGUE_TABLES:
        cols = _COLUMNS[table]
        sql = (
            f"INSERT INTO {table} ({', '.join(_quote(c) for c in cols)}) "
            f"VALUES ({', '.join('?' for _ in cols)})"
        )
        dst.executemany(sql, _rows(src, table))


def count_self_report_chars(text: str) -> int:
    """Length of a 自评报告 as counted against the limit: characters, whitespace excluded."""
    return sum(1 for ch in text if not ch.isspace())


@dataclass(frozen=True)
class Item:
    no: int
    text: str
    subarea_no: int
    area_no: int


@dataclass(frozen=True)
class SubArea:
    no: int
    title: str | None
    area_no: int
    items: tuple[Item, ...]
    note: str = ""

    @property
    def display_title(self) -> str:
        return self.title if self.title is not None else MISSING_TITLE


@dataclass(frozen=True)
class Area:
    no: int
    numeral: str
    title: str
    subareas: tuple[SubArea, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for sub in self.subareas for item in sub.items)


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str
    years: tuple[int, ...]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Stage:
    key: str
    name: str
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class Threshold:
    outcome: str
    overall_min: float | None
    area_min: float | None


@dataclass(frozen=True)
class Policy:
    """Scoring rules: points per rating (None = not counted), a weight for every item,
    thresholds tried in order (None = no condition), and veto items."""

    label: str
    points: dict[str, float | None]
    weights: dict[int, float]
    thresholds: tuple[Threshold, ...]
    veto_items: tuple[int, ...]
    veto_outcome: str

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "points": dict(self.points),
            "weights": {str(no): w for no, w in sorted(self.weights.items())},
            "thresholds": [
                {"outcome": t.outcome, "overall_min": t.overall_min, "area_min": t.area_min}
                for t in self.thresholds
            ],
            "veto_items": list(self.veto_items),
            "veto_outcome": self.veto_outcome,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Policy:
        return cls(
            label=str(d["label"]),
            points={str(k): _opt_float(v) for k, v in d["points"].items()},
            weights={int(k): float(v) for k, v in d["weights"].items()},
            thresholds=tuple(
                Threshold(
                    outcome=str(t["outcome"]),
                    overall_min=_opt_float(t.get("overall_min")),
                    area_min=_opt_float(t.get("area_min")),
                )
                for t in d["thresholds"]
            ),
            veto_items=tuple(int(n) for n in d["veto_items"]),
            veto_outcome=str(d["veto_outcome"]),
        )


def _opt_float(v: Any) -> float | None:
    return None if v is None else float(v)


@dataclass(frozen=True)
class Erratum:
    target_kind: str  # "area" | "subarea" | "item"
    target_no: int
    note: str


@dataclass(frozen=True)
class Catalogue:
    areas: tuple[Area, ...]
    units: tuple[Unit, ...]
    stages: tuple[Stage, ...]
    outcomes: tuple[str, ...]
    methods: tuple[str, ...]
    ratings: tuple[str, ...]
    evidence_kinds: tuple[str, ...]
    self_report_limit: int
    policy: Policy
    errata: tuple[Erratum, ...]
    hash: str
    title: str
    source: str = ""
    self_report_count_rule: str = ""
    _items: dict[int, Item] = field(init=False, repr=False, compare=False)
    _subareas: dict[int, SubArea] = field(init=False, repr=False, compare=False)
    _areas: dict[int, Area] = field(init=False, repr=False, compare=False)
    _units: dict[str, Unit] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        subareas = [s for a in self.areas for s in a.subareas]
        object.__setattr__(self, "_areas", {a.no: a for a in self.areas})
        object.__setattr__(self, "_subareas", {s.no: s for s in subareas})
        object.__setattr__(self, "_items", {i.no: i for s in subareas for i in s.items})
        object.__setattr__(self, "_units", {u.name: u for u in self.units})

    # -- look-ups --------------------------------------------------------------------

    def item(self, no: int) -> Item:
        return self._items[no]

    def items(self) -> tuple[Item, ...]:
        return tuple(self._items[no] for no in sorted(self._items))

    def subarea(self, no: int) -> SubArea:
        return self._subareas[no]

    def area(self, no: int) -> Area:
        return self._areas[no]

    def unit(self, name: str) -> Unit:
        return self._units[name]

    def has_item(self, no: int) -> bool:
        return no in self._items

    def has_unit(self, name: str) -> bool:
        return name in self._units

    def stage(self, key: str) -> Stage:
        for s in self.stages:
            if s.key == key:
                return s
        raise KeyError(key)

    def errata_for(self, kind: str, no: int) -> tuple[Erratum, ...]:
        return tuple(e for e in self.errata if e.target_kind == kind and e.target_no == no)

    # -- export ----------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "areas": [
                {
                    "no": a.no,
                    "numeral": a.numeral,
                    "title": a.title,
                    "subareas": [
                        {
                            "no": s.no,
                            "title": s.title,
                            "items": [{"no": i.no, "text": i.text} for i in s.items],
                        }
                        for s in a.subareas
                    ],
                }
                for a in self.areas
            ],
            "units": [{"name": u.name, "kind": u.kind, "years": list(u.years)} for u in self.units],
            "stages": [
                {
                    "key": s.key,
                    "name": s.name,
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                }
                for s in self.stages
            ],
            "outcomes": list(self.outcomes),
            "methods": list(self.methods),
            "ratings": list(self.ratings),
            "evidence_kinds": list(self.evidence_kinds),
            "self_report_limit": self.self_report_limit,
            "hash": self.hash,
        }

    # -- loading ---------------------------------------------------------------------

    @classmethod
    def from_connection(cls, conn: sqlite3.Connection) -> Catalogue:
        """Read the cat_ tables of ``conn`` (standards.sqlite or a work file's copy)."""
        meta = {str(k): str(v) for k, v in _rows(conn, "cat_meta")}
        fmt = meta.get("format")
        if fmt != CATALOGUE_FORMAT:
            raise ValueError(f"unsupported catalogue format {fmt!r} (expected {CATALOGUE_FORMAT})")

        items_by_sub: dict[int, list[Item]] = {}
        item_nos: list[int] = []
        for no, subarea_no, area_no, text in _rows(conn, "cat_item"):
            item = Item(
                no=int(no), text=str(text), subarea_no=int(subarea_no), area_no=int(area_no)
            )
            items_by_sub.setdefault(item.subarea_no, []).append(item)
            item_nos.append(item.no)

        subs_by_area: dict[int, list[SubArea]] = {}
        for no, area_no, title, note in _rows(conn, "cat_subarea"):
            sub = SubArea(
                no=int(no),
                title=None if title is None else str(title),
                area_no=int(area_no),
                items=tuple(items_by_sub.get(int(no), ())),
                note=str(note or ""),
            )
            subs_by_area.setdefault(sub.area_no, []).append(sub)

        areas = tuple(
            Area(
                no=int(no),
                numeral=str(numeral),
                title=str(title),
                subareas=tuple(subs_by_area.get(int(no), ())),
            )
            for no, numeral, title, _position in _rows(conn, "cat_area")
        )

        years: dict[str, list[int]] = {}
        for unit_name, year in _rows(conn, "cat_unit_year"):
            years.setdefault(str(unit_name), []).append(int(year))
        units = tuple(
            Unit(name=str(name), kind=str(kind), years=tuple(sorted(years.get(str(name), ()))))
            for name, kind, _position in _rows(conn, "cat_unit")
        )

        stages = tuple(
            Stage(
                key=str(key),
                name=str(name),
                start=datetime.date.fromisoformat(str(start)),
                end=datetime.date.fromisoformat(str(end)),
            )
            for key, name, start, end, _position in _rows(conn, "cat_stage")
        )

        rating_rows = _rows(conn, "cat_rating")
        policy_kv = {str(k): str(v) for k, v in _rows(conn, "cat_policy")}
        default_weight = float(policy_kv.get("default_weight", "1.0"))
        overrides = {int(no): float(w) for no, w in _rows(conn, "cat_policy_weight")}
        policy = Policy(
            label=policy_kv.get("label", ""),
            points={str(name): _opt_float(points) for name, _pos, points in rating_rows},
            weights={no: overrides.get(no, default_weight) for no in item_nos},
            thresholds=tuple(
                Threshold(outcome=str(o), overall_min=_opt_float(omin), area_min=_opt_float(amin))
                for o, _pos, omin, amin in _rows(conn, "cat_policy_threshold")
            ),
            veto_items=tuple(int(no) for (no,) in _rows(conn, "cat_policy_veto")),
            veto_outcome=policy_kv.get("veto_outcome", ""),
        )

        return cls(
            areas=areas,
            units=units,
            stages=stages,
            outcomes=_names(_rows(conn, "cat_outcome")),
            methods=_names(_rows(conn, "cat_method")),
            ratings=_names(rating_rows),
            evidence_kinds=_names(_rows(conn, "cat_evidence_kind")),
            self_report_limit=int(meta["self_report_limit"]),
            policy=policy,
            errata=tuple(
                Erratum(target_kind=str(kind), target_no=int(no), note=str(note))
                for _id, kind, no, note in _rows(conn, "cat_erratum")
            ),
            hash=meta["hash"],
            title=meta.get("title", ""),
            source=meta.get("source", ""),
            self_report_count_rule=meta.get("self_report_count_rule", ""),
        )

    @classmethod
    def load(cls, path: Path | None = None) -> Catalogue:
        """Open a catalogue file read-only (default: the shipped data/standards.sqlite)."""
        path = Path(standards_db() if path is None else path).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"catalogue not found: {path}")
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            return cls.from_connection(conn)
        finally:
            conn.close()


def _names(rows: Iterable[Sequence[Any]]) -> tuple[str, ...]:
    return tuple(str(r[0]) for r in rows)
