"""Build data/standards.sqlite from the reviewed transcription data/standards.toml.

    python tools/build_catalogue.py            # (re)build data/standards.sqlite
    python tools/build_catalogue.py --check    # exit 1 if the committed file is stale

The build is deterministic: the same TOML gives the same bytes (fixed insertion order,
no timestamps, page size 4096, rollback journal, VACUUM at the end). The only bytes that
depend on the SQLite library are the version number it writes into the file header; the
check ignores those four bytes so that it gives the same answer on every machine.

The catalogue's content hash (SHA-256 of its canonical JSON, see
zhashui_inspector.core.catalogue.compute_hash) is stored in cat_meta under 'hash'.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sqlite3
import sys
import tempfile
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlite_utils  # noqa: E402

from zhashui_inspector.core.catalogue import (  # noqa: E402
    CATALOGUE_FORMAT,
    compute_hash,
    create_tables,
)

DEFAULT_SOURCE = ROOT / "data" / "standards.toml"
DEFAULT_OUT = ROOT / "data" / "standards.sqlite"
PAGE_SIZE = 4096
UNIT_KINDS = ("department", "town")
ERRATUM_KINDS = ("area", "subarea", "item")
# Offset and length of "SQLITE_VERSION_NUMBER of the library that last wrote the file".
_HEADER_VERSION = slice(96, 100)


class CatalogueError(ValueError):
    """The transcription is inconsistent; the message says where."""


# -- reading and checking the TOML -------------------------------------------------------


def _check_keys(
    table: dict[str, Any], where: str, required: Iterable[str], optional: Iterable[str] = ()
) -> None:
    required = tuple(required)
    allowed = set(required) | set(optional)
    missing = [k for k in required if k not in table]
    unknown = sorted(set(table) - allowed)
    if missing:
        raise CatalogueError(f"{where}: missing {', '.join(missing)}")
    if unknown:
        raise CatalogueError(f"{where}: unknown key(s) {', '.join(unknown)}")


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{where}: expected non-empty text, got {value!r}")
    if value != value.strip():
        raise CatalogueError(f"{where}: leading or trailing whitespace")
    return value


def _int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise CatalogueError(f"{where}: expected an integer, got {value!r}")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CatalogueError(f"{where}: expected a number, got {value!r}")
    return float(value)


def _date(value: Any, where: str) -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise CatalogueError(f"{where}: expected a date (YYYY-MM-DD), got {value!r}")
    return value


def _names(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise CatalogueError(f"{where}: expected a non-empty list of names")
    names = [_text(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if len(set(names)) != len(names):
        raise CatalogueError(f"{where}: duplicate names")
    return names


def _contiguous(nos: list[int], where: str) -> None:
    if nos != list(range(1, len(nos) + 1)):
        raise CatalogueError(f"{where}: numbers must run 1, 2, 3 … in order, got {nos}")


def read_source(source: Path) -> dict[str, list[dict[str, Any]]]:
    """Parse and check the TOML; return the rows of every cat_ table (hash excluded)."""
    with open(source, "rb") as fh:
        doc = tomllib.load(fh)
    _check_keys(
        doc,
        "top level",
        (
            "format",
            "title",
            "source",
            "self_report_limit",
            "self_report_count_rule",
            "unit",
            "stage",
            "outcomes",
            "methods",
            "ratings",
            "evidence_kinds",
            "policy",
            "area",
            "subarea",
            "item",
        ),
        ("erratum",),
    )
    if str(doc["format"]) != CATALOGUE_FORMAT:
        raise CatalogueError(f"format {doc['format']!r} is not {CATALOGUE_FORMAT}")
    limit = _int(doc["self_report_limit"], "self_report_limit")
    if limit <= 0:
        raise CatalogueError("self_report_limit must be positive")

    rows: dict[str, list[dict[str, Any]]] = {}
    rows["cat_meta"] = [
        {"key": "title", "value": _text(doc["title"], "title")},
        {"key": "source", "value": _text(doc["source"], "source")},
        {"key": "self_report_limit", "value": str(limit)},
        {
            "key": "self_report_count_rule",
            "value": _text(doc["self_report_count_rule"], "self_report_count_rule"),
        },
        {"key": "format", "value": CATALOGUE_FORMAT},
    ]

    # Areas, sub-areas, items.
    areas: list[dict[str, Any]] = []
    for i, a in enumerate(doc["area"]):
        where = f"area #{i + 1}"
        _check_keys(a, where, ("no", "numeral", "title"))
        areas.append(
            {
                "no": _int(a["no"], where),
                "numeral": _text(a["numeral"], where),
                "title": _text(a["title"], where),
                "position": i + 1,
            }
        )
    _contiguous([a["no"] for a in areas], "areas")
    if len({a["numeral"] for a in areas}) != len(areas):
        raise CatalogueError("areas: duplicate numerals")
    rows["cat_area"] = areas

    subareas: list[dict[str, Any]] = []
    for s in doc["subarea"]:
        where = f"subarea {s.get('no')!r}"
        _check_keys(s, where, ("no", "area"), ("title", "title_missing", "note"))
        missing = s.get("title_missing", False)
        if missing is not True and missing is not False:
            raise CatalogueError(f"{where}: title_missing must be true or false")
        if missing == ("title" in s):
            raise CatalogueError(f"{where}: give either a title or title_missing = true")
        area_no = _int(s["area"], where)
        if not 1 <= area_no <= len(areas):
            raise CatalogueError(f"{where}: no area {area_no}")
        subareas.append(
            {
                "no": _int(s["no"], where),
                "area_no": area_no,
                "title": None if missing else _text(s["title"], where),
                "note": _text(s["note"], where) if "note" in s else "",
            }
        )
    _contiguous([s["no"] for s in subareas], "subareas")
    if [s["area_no"] for s in subareas] != sorted(s["area_no"] for s in subareas):
        raise CatalogueError("subareas: areas must not interleave")
    empty_areas = sorted({a["no"] for a in areas} - {s["area_no"] for s in subareas})
    if empty_areas:
        raise CatalogueError(f"areas without sub-areas: {empty_areas}")
    rows["cat_subarea"] = subareas

    area_of = {s["no"]: s["area_no"] for s in subareas}
    items: list[dict[str, Any]] = []
    for it in doc["item"]:
        where = f"item {it.get('no')!r}"
        _check_keys(it, where, ("no", "subarea", "text"))
        sub_no = _int(it["subarea"], where)
        if sub_no not in area_of:
            raise CatalogueError(f"{where}: no subarea {sub_no}")
        items.append(
            {
                "no": _int(it["no"], where),
                "subarea_no": sub_no,
                "area_no": area_of[sub_no],
                "text": _text(it["text"], where),
            }
        )
    _contiguous([it["no"] for it in items], "items")
    if [it["subarea_no"] for it in items] != sorted(it["subarea_no"] for it in items):
        raise CatalogueError("items: sub-areas must not interleave")
    empty_subs = sorted(set(area_of) - {it["subarea_no"] for it in items})
    if empty_subs:
        raise CatalogueError(f"sub-areas without items: {empty_subs}")
    rows["cat_item"] = items
    item_nos = {it["no"] for it in items}

    errata: list[dict[str, Any]] = []
    targets = {
        "area": {a["no"] for a in areas},
        "subarea": set(area_of),
        "item": item_nos,
    }
    for i, e in enumerate(doc.get("erratum", [])):
        where = f"erratum #{i + 1}"
        _check_keys(e, where, ("target_kind", "target_no", "note"))
        kind = e["target_kind"]
        if kind not in ERRATUM_KINDS:
            raise CatalogueError(f"{where}: target_kind must be one of {ERRATUM_KINDS}")
        no = _int(e["target_no"], where)
        if no not in targets[kind]:
            raise CatalogueError(f"{where}: no {kind} {no}")
        errata.append(
            {"id": i + 1, "target_kind": kind, "target_no": no, "note": _text(e["note"], where)}
        )
    rows["cat_erratum"] = errata

    # Units and their namings.
    units: list[dict[str, Any]] = []
    unit_years: list[dict[str, Any]] = []
    for i, u in enumerate(doc["unit"]):
        where = f"unit #{i + 1}"
        _check_keys(u, where, ("name", "kind", "years"))
        name = _text(u["name"], where)
        if u["kind"] not in UNIT_KINDS:
            raise CatalogueError(f"{where}: kind must be one of {UNIT_KINDS}")
        years = u["years"]
        if not isinstance(years, list) or not years:
            raise CatalogueError(f"{where}: years must be a non-empty list")
        years = [_int(y, where) for y in years]
        if years != sorted(set(years)):
            raise CatalogueError(f"{where}: years must be ascending and distinct")
        units.append({"name": name, "kind": u["kind"], "position": i + 1})
        unit_years.extend({"unit_name": name, "year": y} for y in years)
    if len({u["name"] for u in units}) != len(units):
        raise CatalogueError("units: duplicate names (one unit per name, list every year)")
    rows["cat_unit"] = units
    rows["cat_unit_year"] = unit_years

    stages: list[dict[str, Any]] = []
    for i, st in enumerate(doc["stage"]):
        where = f"stage #{i + 1}"
        _check_keys(st, where, ("key", "name", "start", "end"))
        start, end = _date(st["start"], where), _date(st["end"], where)
        if end < start:
            raise CatalogueError(f"{where}: ends before it starts")
        stages.append(
            {
                "key": _text(st["key"], where),
                "name": _text(st["name"], where),
                "start": start.isoformat(),
                "end": end.isoformat(),
                "position": i + 1,
            }
        )
    if len({s["key"] for s in stages}) != len(stages):
        raise CatalogueError("stages: duplicate keys")
    rows["cat_stage"] = stages

    outcomes = _names(doc["outcomes"], "outcomes")
    methods = _names(doc["methods"], "methods")
    ratings = _names(doc["ratings"], "ratings")
    evidence_kinds = _names(doc["evidence_kinds"], "evidence_kinds")

    # Policy.
    policy = doc["policy"]
    _check_keys(
        policy,
        "policy",
        (
            "label",
            "default_weight",
            "excluded_ratings",
            "veto_items",
            "veto_outcome",
            "points",
            "threshold",
        ),
        ("weights",),
    )
    points = {
        _text(k, "policy.points"): _number(v, f"policy.points.{k}")
        for k, v in policy["points"].items()
    }
    excluded = policy["excluded_ratings"]
    if not isinstance(excluded, list):
        raise CatalogueError("policy.excluded_ratings must be a list")
    if set(points) & set(excluded) or set(points) | set(excluded) != set(ratings):
        raise CatalogueError(
            "policy: every rating needs points or must be listed in excluded_ratings, not both"
        )
    if len(set(excluded)) != len(excluded):
        raise CatalogueError("policy.excluded_ratings: duplicates")

    rows["cat_outcome"] = [{"name": n, "position": i + 1} for i, n in enumerate(outcomes)]
    rows["cat_method"] = [{"name": n, "position": i + 1} for i, n in enumerate(methods)]
    rows["cat_rating"] = [
        {"name": n, "position": i + 1, "points": points.get(n)} for i, n in enumerate(ratings)
    ]
    rows["cat_evidence_kind"] = [
        {"name": n, "position": i + 1} for i, n in enumerate(evidence_kinds)
    ]

    default_weight = _number(policy["default_weight"], "policy.default_weight")
    veto_outcome = _text(policy["veto_outcome"], "policy.veto_outcome")
    if veto_outcome not in outcomes:
        raise CatalogueError(f"policy.veto_outcome {veto_outcome!r} is not an outcome")
    rows["cat_policy"] = [
        {"key": "default_weight", "value": repr(default_weight)},
        {"key": "label", "value": _text(policy["label"], "policy.label")},
        {"key": "veto_outcome", "value": veto_outcome},
    ]

    weights: list[dict[str, Any]] = []
    for key, value in policy.get("weights", {}).items():
        where = f"policy.weights.{key}"
        if not key.isdigit() or int(key) not in item_nos:
            raise CatalogueError(f"{where}: not an item number")
        weight = _number(value, where)
        if weight < 0:
            raise CatalogueError(f"{where}: weight must not be negative")
        weights.append({"item_no": int(key), "weight": weight})
    rows["cat_policy_weight"] = sorted(weights, key=lambda w: w["item_no"])

    thresholds: list[dict[str, Any]] = []
    for i, t in enumerate(policy["threshold"]):
        where = f"policy.threshold #{i + 1}"
        _check_keys(t, where, ("outcome",), ("overall_min", "area_min"))
        if t["outcome"] not in outcomes:
            raise CatalogueError(f"{where}: {t['outcome']!r} is not an outcome")
        thresholds.append(
            {
                "outcome": t["outcome"],
                "position": i + 1,
                "overall_min": _number(t["overall_min"], where) if "overall_min" in t else None,
                "area_min": _number(t["area_min"], where) if "area_min" in t else None,
            }
        )
    if len({t["outcome"] for t in thresholds}) != len(thresholds):
        raise CatalogueError("policy.threshold: duplicate outcomes")
    if (
        not thresholds
        or thresholds[-1]["overall_min"] is not None
        or thresholds[-1]["area_min"] is not None
    ):
        raise CatalogueError("policy.threshold: the last entry must have no minima (the fallback)")
    rows["cat_policy_threshold"] = thresholds

    veto = [_int(n, "policy.veto_items") for n in policy["veto_items"]]
    if any(n not in item_nos for n in veto) or len(set(veto)) != len(veto):
        raise CatalogueError("policy.veto_items: unknown or duplicate item numbers")
    rows["cat_policy_veto"] = [{"item_no": n} for n in sorted(veto)]
    return rows


# -- writing the SQLite file -------------------------------------------------------------


def build(source: Path = DEFAULT_SOURCE, out: Path = DEFAULT_OUT) -> str:
    """Build the catalogue file ``out`` from ``source``; return the content hash."""
    rows = read_source(Path(source))
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode = DELETE")
        create_tables(conn)
        conn.commit()
        db = sqlite_utils.Database(conn, execute_plugins=False)
        for table, records in rows.items():
            if records:
                db.table(table).insert_all(records)
        digest = compute_hash(conn)
        db.table("cat_meta").insert({"key": "hash", "value": digest})
        conn.commit()
        conn.execute("VACUUM")
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
    conn.close()
    os.replace(tmp, out)
    return digest


def normalized_bytes(path: Path) -> bytes:
    """The file's bytes with the writer's SQLite version number blanked out."""
    data = bytearray(Path(path).read_bytes())
    if len(data) >= _HEADER_VERSION.stop:
        data[_HEADER_VERSION] = b"\0\0\0\0"
    return bytes(data)


def check(source: Path = DEFAULT_SOURCE, committed: Path = DEFAULT_OUT) -> bool:
    """True when ``committed`` equals a fresh build of ``source``."""
    if not Path(committed).is_file():
        return False
    with tempfile.TemporaryDirectory() as tmpdir:
        fresh = Path(tmpdir) / "standards.sqlite"
        build(source, fresh)
        return normalized_bytes(fresh) == normalized_bytes(committed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the output is stale")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        if args.check:
            if check(args.source, args.out):
                print(f"{args.out.name} is up to date")
                return 0
            print(
                f"{args.out.name} differs from a fresh build of {args.source.name}; "
                "run tools/build_catalogue.py and commit the result",
                file=sys.stderr,
            )
            return 1
        digest = build(args.source, args.out)
    except CatalogueError as exc:
        print(f"{args.source.name}: {exc}", file=sys.stderr)
        return 2
    print(f"{args.out.name}: {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
