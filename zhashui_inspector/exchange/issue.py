"""Issuing work files: the identity of each file carries the office's MAC and is recorded."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from zhashui_inspector.core.records import Identity
from zhashui_inspector.core.workfile import WorkFile
from zhashui_inspector.exchange.keys import OfficeKeys
from zhashui_inspector.exchange.office import Office


@dataclass(frozen=True)
class IssuedFile:
    path: Path
    identity: Identity


def issue_work_file(office: Office, keys: OfficeKeys, out: Path, *, role: str, holder: str,
                    units: Sequence[str]) -> IssuedFile:
    """Write a new work file for the current round and record it in the ledger (the caller
    rewrites the workbook, `Office.refresh_workbook`).

    The file embeds the office's catalogue snapshot (from the ledger), so a later
    program with a revised catalogue still issues files the office can import.
    """
    out = Path(out)
    current = office.current_round()
    with office.writing():
        wf = WorkFile.create(out, role=role, holder=holder, units=units,
                             catalogue_path=office.ledger.path,
                             office_id=keys.office_id, office_name=office.ledger.office_name,
                             round_name=current.name, stages=list(current.stages),
                             mac_fn=keys.mac)
        try:
            ident = wf.identity
        finally:
            wf.close()
        try:
            with office.ledger.tx() as conn:
                conn.execute(
                    "INSERT INTO issued (file_id, role, holder, units, round_name, issued_at,"
                    " catalogue_hash, mac, file_name) VALUES (?,?,?,?,?,?,?,?,?)",
                    (ident.file_id, ident.role, ident.holder,
                     json.dumps(list(ident.units), ensure_ascii=False), ident.round_name,
                     ident.issued_at, ident.catalogue_hash, ident.mac, out.name))
                office.mark_pending(conn)   # the workbook's 下发记录
        except BaseException:
            # Not recorded, so it could never be imported: do not leave it lying around.
            out.unlink(missing_ok=True)
            raise
    return IssuedFile(out, ident)
