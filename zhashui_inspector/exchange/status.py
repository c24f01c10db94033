"""Where each unit stands (progress, score, suggestion, decision, conflicts, last import),
what the import log says, and which issued files have come back."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from zhashui_inspector.core.policy import suggestion_text
from zhashui_inspector.core.records import ROLE_LABELS
from zhashui_inspector.exchange.ledger import Ledger
from zhashui_inspector.exchange.merged import unit_views

if TYPE_CHECKING:   # the office's module writes the workbook, whose sheets read this one
    from zhashui_inspector.exchange.office import Office


@dataclass(frozen=True)
class UnitStatus:
    name: str
    rated: int         # items with a merged rating (those the score counts)
    total: int
    score: float | None
    area_scores: dict[str, float | None]
    suggested: str | None
    decision: str | None
    decision_reason: str
    open_conflicts: int
    last_import: str
    late: bool
    sources: int
    inspected: int       # items the inspectors rated: `rated` and those still in dispute
    provisional: bool    # items unrated or in dispute (`UnitView.provisional`)

    @property
    def unrated(self) -> int:
        """Items no inspector has rated."""
        return self.total - self.inspected

    @property
    def suggestion(self) -> str:
        """The suggested outcome as screens and the command line show it: "黄牌", or
        "黄牌（暂定，尚有 54 项未评）" while provisional, or "—"."""
        return suggestion_text(self.suggested, self.unrated, self.open_conflicts)


@dataclass(frozen=True)
class OfficeStatus:
    office_name: str
    round_name: str
    workbook_pending: bool
    units: list[UnitStatus] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LogEntry:
    """One line of the import log."""

    id: int
    at: str
    file_name: str
    result: str
    message: str
    holder: str
    late: bool

    @property
    def rejected(self) -> bool:
        return self.result == "rejected"


def import_log(office: Office, limit: int = 2000) -> list[LogEntry]:
    """The latest import attempts, newest first."""
    return [LogEntry(r["id"], r["at"], r["file_name"], r["result"], r["message"],
                     r["holder"] or "", bool(r["late"]))
            for r in office.ledger.rows("SELECT * FROM import_log ORDER BY id DESC LIMIT ?",
                                        (limit,))]


def office_status(office: Office) -> OfficeStatus:
    units = []
    for view in unit_views(office.ledger):
        score = view.score
        units.append(UnitStatus(
            name=view.name, rated=score.rated, total=score.total,
            score=None if score.overall is None else round(score.overall, 2),
            area_scores={str(k): None if v is None else round(v, 2)
                         for k, v in score.areas.items()},
            suggested=score.suggested,
            decision=view.decision.outcome if view.decision else None,
            decision_reason=view.decision.reason if view.decision else "",
            open_conflicts=view.open_conflicts, last_import=view.last_import, late=view.late,
            sources=len(view.sources), inspected=view.score.inspected,
            provisional=view.provisional))
    return OfficeStatus(office.ledger.office_name, office.current_round().name,
                        office.workbook_pending, units)


@dataclass(frozen=True)
class IssuedEntry:
    """One issued work file, and its hand-back that counts now (if any has come back)."""

    file_id: str
    file_name: str
    role: str
    holder: str
    units: tuple[str, ...]
    round_name: str
    issued_at: str
    handback_seq: int | None = None   # None: nothing imported from it yet
    imported_at: str = ""
    late: bool = False

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def returned(self) -> bool:
        return self.handback_seq is not None

    @property
    def handback_text(self) -> str:
        """未交回, or which hand-back counts now (marked when it came late)."""
        if not self.returned:
            return "未交回"
        return f"第 {self.handback_seq} 次交回" + ("（逾期）" if self.late else "")


def issued_files(ledger: Ledger, limit: int | None = None) -> list[IssuedEntry]:
    """The issued work files, newest first, each with its current hand-back."""
    return [IssuedEntry(r["file_id"], r["file_name"], r["role"], r["holder"],
                        tuple(json.loads(r["units"])), r["round_name"], r["issued_at"],
                        r["handback_seq"], r["imported_at"] or "", bool(r["late"]))
            for r in ledger.rows(
                "SELECT i.file_id, i.file_name, i.role, i.holder, i.units, i.round_name,"
                " i.issued_at, s.handback_seq, s.imported_at, s.late FROM issued i"
                " LEFT JOIN source s ON s.file_id = i.file_id AND s.current = 1"
                " ORDER BY i.issued_at DESC, i.rowid DESC LIMIT ?",
                (-1 if limit is None else limit,))]
