"""The in-memory picture of an open work file that the panes read from.

Loaded once on the worker thread and then kept up to date by the session, so switching
units or items never touches disk. Plain data, no Qt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from pathlib import Path

from zhashui_inspector.core.catalogue import Catalogue
from zhashui_inspector.core.records import Evidence, Identity, ItemState, SelfReport, SignOff
from zhashui_inspector.core.workfile import WorkFile


class ChangeKind(enum.Enum):
    OPENED = "opened"          # a work file was loaded: everything changed
    ITEMS = "items"            # ratings, methods, comments, reasons or evidence counts
    EVIDENCE = "evidence"      # the evidence list of a unit
    SELF_REPORT = "self_report"
    SIGNOFF = "signoff"        # signed or reopened
    LINKED = "linked"          # a unit's self-check file was loaded or dropped


@dataclass(frozen=True)
class Change:
    """What an operation changed; broadcast once so each pane refreshes what it shows."""

    kind: ChangeKind
    unit: str | None = None
    item_nos: tuple[int, ...] = ()


@dataclass
class UnitCache:
    name: str
    items: dict[int, ItemState]
    evidence: list[Evidence]
    self_report: SelfReport
    signoffs: list[SignOff] = field(default_factory=list)

    @property
    def active_signoff(self) -> SignOff | None:
        active = [s for s in self.signoffs if s.active]
        return active[-1] if active else None

    @property
    def signed(self) -> bool:
        return self.active_signoff is not None

    def evidence_for(self, item_no: int | None) -> list[Evidence]:
        return [ev for ev in self.evidence if ev.item_no == item_no]

    def recount_evidence(self, item_no: int | None) -> None:
        if item_no is None or item_no not in self.items:
            return
        count = sum(1 for ev in self.evidence if ev.item_no == item_no)
        self.items[item_no] = replace(self.items[item_no], evidence_count=count)


@dataclass
class FileSnapshot:
    path: Path
    identity: Identity
    catalogue: Catalogue
    units: dict[str, UnitCache]

    @property
    def role(self) -> str:
        return self.identity.role


@dataclass
class LinkedFile:
    """A unit's self-check file opened read-only beside the inspector's own."""

    path: Path
    identity: Identity
    unit: UnitCache


def load_unit(wf: WorkFile, unit: str) -> UnitCache:
    return UnitCache(
        name=unit,
        items={s.item_no: s for s in wf.unit_items(unit)},
        evidence=wf.evidence_list(unit, all_items=True),
        self_report=wf.self_report(unit),
        signoffs=wf.signoffs(unit),
    )


def load_snapshot(wf: WorkFile) -> FileSnapshot:
    return FileSnapshot(
        path=wf.path,
        identity=wf.identity,
        catalogue=wf.catalogue,
        units={unit: load_unit(wf, unit) for unit in wf.units},
    )
