"""What a unit or county report shows, gathered once and handed to the PDF builders.

The office ledger (exchange layer) fills these records; the report builders only read
them, so reports never need to know where the data was stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from zhashui_inspector.core.catalogue import Catalogue, Policy
from zhashui_inspector.core.policy import UnitScore
from zhashui_inspector.core.records import RoundStage


@dataclass(frozen=True)
class ItemRow:
    no: int
    rating: str | None
    methods: tuple[str, ...] = ()
    comment: str = ""
    reason: str = ""
    inspectors: tuple[str, ...] = ()
    conflict: bool = False            # an open disagreement between inspectors
    conflict_detail: str = ""         # e.g. "张三：达标；李四：未达标"
    resolution: str = ""              # the office's resolution and reason, if resolved
    evidence_count: int = 0
    unit_note: str = ""               # the unit's own N/A explanation from its self-check
    # each writer's own text when several wrote one, (writer, text) in the order of
    # `comment` / `reason` / `unit_note` ("" as writer: no name before it); reports cut
    # each on its own, so one very long text never hides the others
    comments: tuple[tuple[str, str], ...] = ()
    reasons: tuple[tuple[str, str], ...] = ()
    unit_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvidenceRow:
    unit: str
    item_no: int | None
    name: str
    kind: str
    caption: str
    size: int
    sha256: str
    source: str                       # which returned file it came from
    mime: str = ""
    load: Callable[[], bytes] | None = None   # content on demand (for thumbnails)


@dataclass(frozen=True)
class SignOffRow:
    signer: str
    signed_at: str
    source: str
    signature_png: bytes | None = None


@dataclass(frozen=True)
class SourceFile:
    name: str
    holder: str
    role: str
    sha256: str
    imported_at: str
    handback_seq: int = 0
    late: bool = False


@dataclass(frozen=True)
class UnitData:
    name: str
    kind_label: str
    years: tuple[int, ...]
    items: tuple[ItemRow, ...]
    score: UnitScore
    decision: str | None = None
    decision_reason: str = ""
    decided_at: str = ""
    open_conflicts: int = 0
    self_report: str = ""
    self_report_chars: int = 0
    signoffs: tuple[SignOffRow, ...] = ()
    sources: tuple[SourceFile, ...] = ()
    evidence: tuple[EvidenceRow, ...] = ()
    late: bool = False

    @property
    def suggested(self) -> str | None:
        return self.score.suggested


@dataclass(frozen=True)
class CountyData:
    office_name: str
    round_name: str
    stages: tuple[RoundStage, ...]
    generated_at: str
    catalogue: Catalogue
    policy: Policy
    units: tuple[UnitData, ...] = field(default=())
    thumbnail_cache: Path | None = None   # folder for thumbnails made from evidence photos
