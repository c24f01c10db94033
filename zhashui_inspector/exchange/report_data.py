"""The office's report data: everything a unit or county report shows, from the ledger.

Evidence content and signature images come from the archived returned files (the
archive is the truth for bytes); they are opened read-only and immutable, so reading
never writes anything beside them.
"""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

from zhashui_inspector.core import blobstore
from zhashui_inspector.core.records import now_iso
from zhashui_inspector.core.text import count_chars
from zhashui_inspector.exchange.merged import UnitView, unit_views
from zhashui_inspector.exchange.office import Office
from zhashui_inspector.reports.data import (
    CountyData,
    EvidenceRow,
    ItemRow,
    SignOffRow,
    SourceFile,
    UnitData,
)


def open_archived(path: Path) -> sqlite3.Connection:
    """A read-only, immutable connection to an archived file (no locks, no side files)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                           check_same_thread=False)


def load_archived_blob(path: Path, sha256: str, limit: int = 64 << 20) -> bytes:
    """The content of one piece of evidence (or a signature) from an archived file."""
    conn = open_archived(path)
    try:
        return blobstore.read_bytes(conn, sha256, limit)
    finally:
        conn.close()


def county_data(office_dir: Path, unit: str | None = None) -> CountyData:
    """The whole county (or one unit) as report data, read from the office folder."""
    with Office.open(Path(office_dir)) as office:
        if unit is not None and not office.catalogue.has_unit(unit):
            from zhashui_inspector.core.errors import ValidationError

            raise ValidationError(f"“{unit}”不在本次复查验收名单中")
        current = office.current_round()
        views = unit_views(office.ledger, [unit] if unit else None)
        units = tuple(_unit_data(office, view) for view in views)
        return CountyData(
            office_name=office.ledger.office_name, round_name=current.name,
            stages=current.stages, generated_at=now_iso(), catalogue=office.catalogue,
            policy=office.ledger.policy, units=units, thumbnail_cache=office.thumbnail_dir)


def _unit_data(office: Office, view: UnitView) -> UnitData:
    by_id = {s.id: s for s in view.sources}
    items = tuple(ItemRow(
        no=i.no, rating=i.rating, methods=i.methods, comment=i.comment, reason=i.reason,
        inspectors=i.inspectors, conflict=i.conflict == "open",
        conflict_detail=i.sides_text if i.conflict in ("open", "resolved") else "",
        resolution=f"{i.resolution}（{i.resolution_reason}）" if i.conflict == "resolved" else "",
        evidence_count=i.evidence_count, unit_note=i.unit_note, comments=i.comments,
        reasons=i.reasons, unit_notes=i.unit_notes) for i in view.items)
    evidence = []
    for source_id, item_no, sha, name, kind, caption, size, mime in office.ledger.conn.execute(
            "SELECT e.source_id, e.item_no, e.sha256, e.name, e.kind, e.caption, e.size, e.mime"
            " FROM evidence e JOIN source s ON s.id = e.source_id WHERE s.current = 1"
            " AND e.unit = ? ORDER BY e.item_no IS NULL, e.item_no, e.id", (view.name,)):
        source = by_id[source_id]
        evidence.append(EvidenceRow(
            unit=view.name, item_no=item_no, name=name, kind=kind, caption=caption, size=size,
            sha256=sha, source=source.file_name, mime=mime,
            load=functools.partial(load_archived_blob, office.archived(source.sha256), sha)))
    signoffs = []
    for source_id, signer, signed_at, signature in office.ledger.conn.execute(
            "SELECT g.source_id, g.signer, g.signed_at, g.signature_sha256 FROM signoff g"
            " JOIN source s ON s.id = g.source_id WHERE s.current = 1 AND g.unit = ?"
            " ORDER BY g.signed_at", (view.name,)):
        source = by_id[source_id]
        png = load_archived_blob(office.archived(source.sha256), signature) if signature else None
        signoffs.append(SignOffRow(signer=signer, signed_at=signed_at, source=source.file_name,
                                   signature_png=png))
    decision = view.decision
    return UnitData(
        name=view.name, kind_label=view.kind_label, years=view.years, items=items,
        score=view.score,
        decision=decision.outcome if decision else None,
        decision_reason=decision.reason if decision else "",
        decided_at=decision.decided_at if decision else "",
        open_conflicts=view.open_conflicts,
        self_report=view.self_report, self_report_chars=count_chars(view.self_report),
        signoffs=tuple(signoffs),
        sources=tuple(SourceFile(name=s.file_name, holder=s.holder, role=s.role, sha256=s.sha256,
                                 imported_at=s.imported_at, handback_seq=s.handback_seq,
                                 late=s.late) for s in view.sources),
        evidence=tuple(evidence), late=view.late)
