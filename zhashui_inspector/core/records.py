"""Plain records the work file hands out; no behaviour, no database handles."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from zhashui_inspector.core.audit import canonical

ROLES = ("inspector", "unit")
ROLE_LABELS = {"inspector": "评估组", "unit": "被评估单位"}


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True)
class RoundStage:
    key: str
    name: str
    start: date
    end: date


@dataclass(frozen=True)
class Identity:
    file_id: str
    role: str
    holder: str
    units: tuple[str, ...]
    catalogue_hash: str
    format_version: int
    created_at: str
    office_id: str = ""
    office_name: str = ""
    issued_at: str = ""
    round_name: str = ""
    mac: str = ""
    handback_seq: int = 0
    stages: tuple[RoundStage, ...] = field(default=())

    @property
    def issued(self) -> bool:
        return bool(self.office_id and self.mac)

    def mac_message(self) -> bytes:
        """The bytes an office MAC covers: everything that must not change after issue."""
        return canonical({
            "file_id": self.file_id, "role": self.role, "holder": self.holder,
            "units": list(self.units), "catalogue_hash": self.catalogue_hash,
            "office_id": self.office_id, "office_name": self.office_name,
            "issued_at": self.issued_at, "round_name": self.round_name,
            "stages": [[s.key, s.name, s.start.isoformat(), s.end.isoformat()]
                       for s in self.stages],
        }).encode("utf-8")


@dataclass(frozen=True)
class ItemState:
    unit: str
    item_no: int
    rating: str | None = None
    methods: tuple[str, ...] = ()
    comment: str = ""
    reason: str = ""
    evidence_count: int = 0
    updated_at: str = ""

    @property
    def needs_reason(self) -> bool:
        return self.rating == "不适用" and not self.reason.strip()


@dataclass(frozen=True)
class Evidence:
    id: int
    unit: str
    item_no: int | None
    sha256: str
    name: str
    kind: str
    caption: str
    size: int
    mime: str
    added_at: str


@dataclass(frozen=True)
class SignOff:
    id: int
    unit: str
    signer: str
    signed_at: str
    signature_sha256: str | None
    digest: str
    reopened_at: str | None = None
    reopen_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.reopened_at is None


@dataclass(frozen=True)
class SelfReport:
    unit: str
    text: str
    count: int
    limit: int
    updated_at: str = ""

    @property
    def over_limit(self) -> bool:
        return self.count > self.limit


def unit_digest(ratings: list[ItemState], evidence: list[Evidence], self_report: str) -> str:
    """The fingerprint of a unit's data taken at sign-off and checked on import."""
    body = canonical({
        "ratings": [[r.item_no, r.rating, list(r.methods), r.comment, r.reason] for r in ratings],
        "evidence": sorted([e.sha256, e.item_no or 0, e.kind, e.name, e.caption]
                           for e in evidence),
        "self_report": self_report,
    })
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
