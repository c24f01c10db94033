"""Report data taken straight from one work file (no office ledger): what an inspector
prints from the main window, and what the tests feed the report builders.

The office's reports get the same records from the ledger instead
(`exchange.report_data.county_data`), with conflicts, resolutions and decisions filled in.
"""

from __future__ import annotations

import functools
from pathlib import Path

from zhashui_inspector.core.records import now_iso
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.reports.data import (
    CountyData,
    EvidenceRow,
    ItemRow,
    SignOffRow,
    SourceFile,
    UnitData,
)


def unit_data(wf: WorkFile, unit: str) -> UnitData:
    """One unit of an open work file as report data (evidence content loads lazily)."""
    cat = wf.catalogue
    ident = wf.identity
    source = Path(wf.path).name
    evidence = wf.evidence_list(unit, all_items=True)
    counts: dict[int | None, int] = {}
    for ev in evidence:
        counts[ev.item_no] = counts.get(ev.item_no, 0) + 1
    states = {s.item_no: s for s in wf.unit_items(unit)}
    items = tuple(
        ItemRow(no=item.no, rating=s.rating, methods=s.methods, comment=s.comment,
                reason=s.reason, inspectors=(ident.holder,) if s.rating else (),
                evidence_count=counts.get(item.no, 0))
        for item in cat.items()
        for s in [states[item.no]]
    )
    signoffs = tuple(
        SignOffRow(signer=so.signer, signed_at=so.signed_at, source=source,
                   signature_png=wf.signature_png(so))
        for so in wf.signoffs(unit) if so.active
    )
    report = wf.self_report(unit)
    unit_info = cat.unit(unit) if cat.has_unit(unit) else None
    return UnitData(
        name=unit,
        kind_label=unit_info.kind_label if unit_info else "",
        years=unit_info.years if unit_info else (),
        items=items,
        score=wf.score(unit),
        self_report=report.text,
        self_report_chars=report.count,
        signoffs=signoffs,
        sources=(SourceFile(name=source, holder=ident.holder, role=wf.role,
                            sha256="", imported_at="", handback_seq=ident.handback_seq),),
        evidence=tuple(
            EvidenceRow(unit=unit, item_no=ev.item_no, name=ev.name, kind=ev.kind,
                        caption=ev.caption, size=ev.size, sha256=ev.sha256, source=source,
                        mime=ev.mime, load=functools.partial(wf.evidence_bytes, ev.id))
            for ev in evidence
        ),
    )


def county_data(wf: WorkFile, units: list[str] | None = None) -> CountyData:
    """Every unit (or the given ones) of an open work file as one county's report data."""
    ident = wf.identity
    return CountyData(
        office_name=ident.office_name or "柞水县委依法治县办",
        round_name=ident.round_name or "法治政府建设示范单位复查验收评估",
        stages=ident.stages,
        generated_at=now_iso(),
        catalogue=wf.catalogue,
        policy=wf.catalogue.policy,
        units=tuple(unit_data(wf, u) for u in (units or list(wf.units))),
    )
