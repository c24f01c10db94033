"""Property-based fuzzing of the importer with mutated valid returned files.

Each example takes a real returned file (issued, edited, signed off, handed back) and
flips bytes, truncates it, or changes rows, values and schema with SQL, then imports it
through `import_files` into one office. Whatever the mutation, the only outcomes are a
clean import or a clean refusal: one result with a one-line message, never another
exception, never a hang, the returned file only read, the office's temp folder empty,
every archive file named by its content, and nothing written outside the office folder.

CI runs 40 derandomized examples. A longer run, for the figures in docs/reliability.md:

    ZHASHUI_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/test_reliability_fuzz.py

(ZHASHUI_FUZZ_RANDOM=1 draws fresh examples instead of the reproducible ones.)
"""

from __future__ import annotations

import faulthandler
import hashlib
import os
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from exchange_support import PASSPHRASE, sha256
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_workshop import TOWN, UNIT, Workshop

from zhashui_inspector.core import schema
from zhashui_inspector.exchange.importer import RESULT_LABELS, import_files
from zhashui_inspector.exchange.office import Office

EXAMPLES = int(os.environ.get("ZHASHUI_FUZZ_EXAMPLES", "40"))
HANG_LIMIT = 120  # seconds for one example (it takes well under one): beyond it, a hang
PAGE = schema.PAGE_SIZE
TABLES = ("identity", "scope_unit", "round_stage", "rating", "blob", "evidence", "self_report",
          "signoff", "audit", "cat_item", "cat_rating", "cat_method", "cat_stage")
VALUES = st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=False),
                   st.text(max_size=40), st.binary(max_size=40),
                   st.sampled_from(["达标", "不适用", "[]", "[\"查阅资料\"]", "{}", "2023-11-30",
                                    UNIT, TOWN, "县林业局", "0" * 64, "77", "-1"]))


@st.composite
def sql_mutation(draw: st.DrawFn) -> tuple[str, tuple[Any, ...]]:
    """One change of rows, values or schema, as a hand with a database tool makes it."""
    table = draw(st.sampled_from(TABLES))
    which = draw(st.integers(0, 200))
    row = f"rowid = (SELECT rowid FROM {table} ORDER BY rowid LIMIT 1 OFFSET {which} % " \
          f"max(1, (SELECT count(*) FROM {table})))"
    column = draw(st.sampled_from(["1", "2", "3", "4"]))
    action = draw(st.sampled_from(["update", "update", "update", "delete", "copy", "schema",
                                   "version"]))
    if action == "update":
        return (f'UPDATE OR IGNORE {table} SET "{{{column}}}" = ? WHERE {row}',
                (draw(VALUES),))
    if action == "delete":
        return f"DELETE FROM {table} WHERE {row}", ()
    if action == "copy":
        return f"INSERT OR IGNORE INTO {table} SELECT * FROM {table} WHERE {row}", ()
    if action == "version":
        return f"PRAGMA user_version = {draw(st.integers(-3, 5))}", ()
    return draw(st.sampled_from([
        ("DROP INDEX idx_audit_unit", ()),
        ("CREATE INDEX fuzz ON rating (comment)", ()),
        ("CREATE VIEW fuzz AS SELECT * FROM rating", ()),
        ("CREATE TRIGGER fuzz AFTER UPDATE ON rating BEGIN DELETE FROM audit; END", ()),
        ("ALTER TABLE self_report ADD COLUMN fuzz TEXT", ()),
        ("DROP TABLE signoff", ()),
    ]))


def _apply_sql(path: Path, changes: list[tuple[str, tuple[Any, ...]]]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for sql, args in changes:
            if "{" in sql:   # a column by position: name it from the table's own layout
                table = sql.split()[3]
                names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
                if not names:
                    continue         # an earlier change dropped the table
                position = int(sql.split('"{')[1][0]) - 1
                sql = sql.replace(sql[sql.index('"{'):sql.index('}"') + 2],
                                  f'"{names[position % len(names)]}"')
            try:
                conn.execute(sql, args)
            except sqlite3.Error:
                pass     # a change SQLite itself refuses is no change
    finally:
        conn.close()


MUTATIONS = st.one_of(
    st.tuples(st.just("flip"), st.lists(st.tuples(
        st.one_of(st.integers(0, 4 * PAGE),                           # header, schema, early pages
                  st.builds(lambda p, o: p * PAGE + o, st.integers(0, 60), st.integers(0, 512))),
        st.integers(1, 255)), min_size=1, max_size=12)),
    st.tuples(st.just("truncate"), st.integers(0, 60 * PAGE)),
    st.tuples(st.just("sql"), st.lists(sql_mutation(), min_size=1, max_size=4)),
)


def mutate(good: Path, out: Path, mutation: tuple[str, Any]) -> None:
    shutil.copyfile(good, out)
    kind, detail = mutation
    if kind == "sql":
        _apply_sql(out, detail)
        return
    data = bytearray(out.read_bytes())
    if kind == "truncate":
        del data[detail:]
    else:
        for offset, xor in detail:
            if offset < len(data):
                data[offset] ^= xor
    out.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def fuzz_office(tmp_path_factory: pytest.TempPathFactory,
                _office_template: Path) -> Iterator[dict[str, Any]]:
    """One office kept open (the workbook is written once, at the end), and a good file."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(_office_template, root / "office")
    workshop = Workshop(root / "office", root / "made")
    office = Office.open(root / "office")
    refresh = office.refresh_workbook
    office.refresh_workbook = lambda: ""            # type: ignore[method-assign]
    try:
        yield {"root": root, "office": office, "keys": office.keys(PASSPHRASE),
               "good": workshop.good, "refresh": refresh}
    finally:
        office.close()


def _outside(root: Path) -> set[tuple[str, int]]:
    return {(str(p.relative_to(root)), p.lstat().st_size) for p in root.rglob("*")
            if "office" not in p.relative_to(root).parts[:1] and p.name != "mutated.sqlite"}


def _sources(office: Office) -> set[str]:
    return {r[0] for r in office.ledger.conn.execute("SELECT sha256 FROM source")}


def test_mutated_files_are_imported_cleanly_or_refused_cleanly(
        fuzz_office: dict[str, Any]) -> None:
    root: Path = fuzz_office["root"]
    office: Office = fuzz_office["office"]
    outcomes: Counter[str] = Counter()

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              derandomize=not os.environ.get("ZHASHUI_FUZZ_RANDOM"),
              suppress_health_check=[HealthCheck.too_slow])
    @given(mutation=MUTATIONS)
    def import_one(mutation: tuple[str, Any]) -> None:
        path = root / "mutated.sqlite"
        mutate(fuzz_office["good"], path, mutation)
        received = sha256(path)
        outside = _outside(root)
        faulthandler.dump_traceback_later(HANG_LIMIT, exit=True)
        try:
            batch = import_files(office, [path], fuzz_office["keys"])
        finally:
            faulthandler.cancel_dump_traceback_later()
        (result,) = batch.results
        assert result.result in RESULT_LABELS
        assert result.message and "\n" not in result.message
        assert sha256(path) == received                      # only read
        assert _outside(root) == outside                     # nothing written beside it
        assert list(office.tmp_dir.iterdir()) == []
        assert {p.stem for p in office.archive_dir.iterdir()} == _sources(office)
        outcomes[result.result if not result.rejected
                 else result.message.split("（")[0].split("：")[0]] += 1

    import_one()

    print("fuzz outcomes:", dict(outcomes.most_common()))
    assert sum(outcomes.values()) >= EXAMPLES
    assert len(outcomes) > 3                                 # the mutations reach many checks
    assert office.ledger.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    for archived in office.archive_dir.iterdir():
        assert hashlib.sha256(archived.read_bytes()).hexdigest() == archived.stem
    assert fuzz_office["refresh"]() == ""                    # the workbook, from it all
