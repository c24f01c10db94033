"""The edits a work file accepts, each one transaction with one audit entry.

The rules live here, not in the GUI: ratings and methods only from the catalogue's
lists, only units in scope, a signed-off unit is read-only until reopened with a reason,
不适用 needs a reason before sign-off, a self-report over the limit blocks sign-off.
"""

from __future__ import annotations

import json
import mimetypes
import os
import sqlite3
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from zhashui_inspector.core import blobstore
from zhashui_inspector.core.errors import ValidationError, WorkFileError
from zhashui_inspector.core.policy import UnitScore, score_unit
from zhashui_inspector.core.records import Evidence, ItemState, SignOff, now_iso, unit_digest
from zhashui_inspector.core.store import WorkFileStore, connect

NOT_APPLICABLE = "不适用"
KEEP: Any = object()  # "leave this field as it is" in update_item
MAX_NAME = 200

EVIDENCE_COLUMNS = "id, unit, item_no, sha256, name, kind, caption, size, mime, added_at"


def clean_file_name(name: str) -> str:
    """A file name safe to show and to write anywhere: no folders, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if not name:
        name = "未命名"
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME - len(ext) - 1] + "." + ext) if dot and len(ext) < 16 \
            else name[:MAX_NAME]
    return name


class WorkFile(WorkFileStore):
    """A work file opened for use. `WorkFile.open(path)` / `WorkFile.create(...)`."""

    # ---- ratings ----------------------------------------------------------------------

    def update_item(self, unit: str, item_no: int, *, rating: Any = KEEP, methods: Any = KEEP,
                    comment: Any = KEEP, reason: Any = KEEP,
                    allow_missing_reason: bool = False) -> ItemState:
        """Change any of an item's fields in one transaction; returns the item as saved.

        `allow_missing_reason` lets the GUI store 不适用 while the reason is being typed;
        sign-off and import still refuse it.
        """
        self._check_open(unit)
        if not self.catalogue.has_item(item_no):
            raise ValidationError(f"创建标准中没有第 {item_no} 项指标")
        old = self.item_state(unit, item_no)
        new_rating = old.rating if rating is KEEP else rating
        new_methods = old.methods if methods is KEEP else tuple(dict.fromkeys(methods))
        new_comment = old.comment if comment is KEEP else str(comment)
        new_reason = old.reason if reason is KEEP else str(reason)
        if new_rating is not None and new_rating not in self.catalogue.ratings:
            raise ValidationError(
                f"评定结果“{new_rating}”无效，应为：{'、'.join(self.catalogue.ratings)}")
        bad = [m for m in new_methods if m not in self.catalogue.methods]
        if bad:
            raise ValidationError(f"核查方式“{bad[0]}”无效，应为：{'、'.join(self.catalogue.methods)}")
        if self.role == "unit":
            if new_rating not in (None, NOT_APPLICABLE):
                raise ValidationError("单位自查文件不评定等次，只能说明不适用的指标")
            if new_methods:
                raise ValidationError("单位自查文件不记录核查方式")
        if new_rating == NOT_APPLICABLE and not new_reason.strip() and not allow_missing_reason:
            raise ValidationError(f"第 {item_no} 项评为“不适用”时必须说明理由")
        at = now_iso()
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO rating (unit, item_no, rating, methods, comment, reason, updated_at)"
                " VALUES (?,?,?,?,?,?,?) ON CONFLICT (unit, item_no) DO UPDATE SET"
                " rating = excluded.rating, methods = excluded.methods,"
                " comment = excluded.comment, reason = excluded.reason,"
                " updated_at = excluded.updated_at",
                (unit, item_no, new_rating, json.dumps(list(new_methods), ensure_ascii=False),
                 new_comment, new_reason, at))
            self._audit("rate", unit, item_no, {
                "rating": new_rating, "methods": list(new_methods), "comment": new_comment,
                "reason": new_reason}, at=at)
        return ItemState(unit, item_no, new_rating, new_methods, new_comment, new_reason,
                         old.evidence_count, at)

    def rate_many(self, unit: str, item_nos: Sequence[int], *, rating: str | None,
                  methods: Sequence[str] | None = None, comment: str | None = None,
                  reason: str | None = None) -> list[ItemState]:
        """The CLI's `rate`: the same values for several items (each its own audit entry).

        Fields given as None keep what each item has.
        """
        changes: dict[str, Any] = {"rating": rating}
        if methods is not None:
            changes["methods"] = tuple(methods)
        if comment is not None:
            changes["comment"] = comment
        if reason is not None:
            changes["reason"] = reason
        return [self.update_item(unit, no, **changes) for no in item_nos]

    # ---- evidence ---------------------------------------------------------------------

    def add_evidence(self, unit: str, path: Path, *, item_no: int | None = None,
                     kind: str = "其他", caption: str = "", name: str | None = None,
                     progress: blobstore.Progress | None = None,
                     abort: blobstore.Abort | None = None) -> Evidence:
        """Stream a file in as evidence for an item (or for the unit as a whole)."""
        self._check_open(unit)
        path = Path(path)
        if item_no is not None and not self.catalogue.has_item(item_no):
            raise ValidationError(f"创建标准中没有第 {item_no} 项指标")
        if kind not in self.catalogue.evidence_kinds:
            raise ValidationError(
                f"材料类别“{kind}”无效，应为：{'、'.join(self.catalogue.evidence_kinds)}")
        if not path.is_file():
            raise ValidationError(f"找不到文件：{path.name}")
        shown = clean_file_name(name or path.name)
        mime = mimetypes.guess_type(shown)[0] or "application/octet-stream"
        at = now_iso()
        with self._tx() as conn:
            sha, size = blobstore.store_file(conn, path, progress, abort)
            cur = conn.execute(
                "INSERT INTO evidence (unit, item_no, sha256, name, kind, caption, size,"
                " added_at, mime) VALUES (?,?,?,?,?,?,?,?,?)",
                (unit, item_no, sha, shown, kind, caption, size, at, mime))
            ev = Evidence(int(cur.lastrowid or 0), unit, item_no, sha, shown, kind, caption,
                          size, mime, at)
            self._audit("evidence_add", unit, item_no, _evidence_payload(ev), at=at)
        return ev

    def edit_evidence(self, evidence_id: int, *, kind: str | None = None,
                      caption: str | None = None) -> Evidence:
        ev = self.evidence(evidence_id)
        self._check_open(ev.unit)
        new_kind = ev.kind if kind is None else kind
        if new_kind not in self.catalogue.evidence_kinds:
            raise ValidationError(f"材料类别“{new_kind}”无效")
        new_caption = ev.caption if caption is None else caption
        with self._tx() as conn:
            conn.execute("UPDATE evidence SET kind = ?, caption = ? WHERE id = ?",
                         (new_kind, new_caption, evidence_id))
            self._audit("evidence_edit", ev.unit, ev.item_no,
                        {"id": evidence_id, "kind": new_kind, "caption": new_caption})
        return self.evidence(evidence_id)

    def remove_evidence(self, evidence_id: int, reason: str = "") -> Evidence:
        """Take evidence off the list (audited); its content stays until no one uses it."""
        ev = self.evidence(evidence_id)
        self._check_open(ev.unit)
        at = now_iso()
        with self._tx() as conn:
            conn.execute("UPDATE evidence SET removed_at = ?, removed_reason = ? WHERE id = ?",
                         (at, reason, evidence_id))
            self._audit("evidence_remove", ev.unit, ev.item_no,
                        {"id": evidence_id, "reason": reason}, at=at)
        return ev

    def restore_evidence(self, evidence_id: int) -> Evidence:
        """Undo a removal: the same record comes back (a new audit entry says so)."""
        row = self.conn.execute(f"SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE id = ?",
                                (evidence_id,)).fetchone()
        if row is None:
            raise ValidationError("找不到该佐证材料")
        ev = Evidence(*row)
        self._check_open(ev.unit)
        with self._tx() as conn:
            conn.execute("UPDATE evidence SET removed_at = NULL, removed_reason = NULL"
                         " WHERE id = ?", (evidence_id,))
            self._audit("evidence_add", ev.unit, ev.item_no, _evidence_payload(ev))
        return ev

    def evidence(self, evidence_id: int) -> Evidence:
        row = self.conn.execute(
            f"SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE id = ? AND removed_at IS NULL",
            (evidence_id,)).fetchone()
        if row is None:
            raise ValidationError("找不到该佐证材料")
        return Evidence(*row)

    def evidence_list(self, unit: str, item_no: int | None = None, *,
                      all_items: bool = False) -> list[Evidence]:
        """Evidence of one item, of the unit as a whole (item_no None), or everything."""
        self._check_unit(unit)
        sql = f"SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE unit = ? AND removed_at IS NULL"
        args: list[Any] = [unit]
        if not all_items:
            sql += " AND item_no IS ?"
            args.append(item_no)
        return [Evidence(*r) for r in self.conn.execute(sql + " ORDER BY id", args)]

    def export_evidence(self, evidence_id: int, dest: Path,
                        progress: blobstore.Progress | None = None) -> Path:
        blobstore.export(self.conn, self.evidence(evidence_id).sha256, Path(dest), progress)
        return Path(dest)

    def evidence_bytes(self, evidence_id: int, limit: int = 64 << 20) -> bytes:
        return blobstore.read_bytes(self.conn, self.evidence(evidence_id).sha256, limit)

    # ---- self-report and sign-off -------------------------------------------------------

    def set_self_report(self, unit: str, text: str) -> None:
        """Kept even when over the limit; the limit blocks sign-off, not saving."""
        self._check_open(unit)
        at = now_iso()
        with self._tx() as conn:
            conn.execute("INSERT INTO self_report (unit, text, updated_at) VALUES (?,?,?)"
                         " ON CONFLICT (unit) DO UPDATE SET text = excluded.text,"
                         " updated_at = excluded.updated_at", (unit, text, at))
            self._audit("self_report", unit, None, {"text": text}, at=at)

    def signoff_blockers(self, unit: str) -> list[str]:
        """Why the unit cannot be signed off yet (empty when it can)."""
        problems = []
        items = self.unit_items(unit)
        if self.role == "inspector":
            unrated = [s.item_no for s in items if s.rating is None]
            if unrated:
                problems.append(f"还有 {len(unrated)} 项未评定（{_numbers(unrated)}）")
        missing = [s.item_no for s in items if s.needs_reason]
        if missing:
            problems.append(f"{_numbers(missing)}评为不适用但未说明理由")
        report = self.self_report(unit)
        if report.over_limit:
            problems.append(f"自评报告 {report.count} 字，超过 {report.limit} 字的限制")
        return problems

    def unit_digest(self, unit: str) -> str:
        return unit_digest(self.unit_items(unit), self.evidence_list(unit, all_items=True),
                           self.self_report(unit).text)

    def sign_off(self, unit: str, signer: str, signature_png: bytes | None = None) -> SignOff:
        self._check_open(unit)
        if not signer.strip():
            raise ValidationError("请填写签字人姓名")
        blockers = self.signoff_blockers(unit)
        if blockers:
            raise ValidationError("不能签字确认：" + "；".join(blockers))
        at = now_iso()
        digest = self.unit_digest(unit)
        with self._tx() as conn:
            sig = blobstore.store_bytes(conn, signature_png) if signature_png else None
            cur = conn.execute(
                "INSERT INTO signoff (unit, signer, signed_at, signature_sha256, digest)"
                " VALUES (?,?,?,?,?)", (unit, signer.strip(), at, sig, digest))
            so = SignOff(int(cur.lastrowid or 0), unit, signer.strip(), at, sig, digest)
            self._audit("sign_off", unit, None, {
                "id": so.id, "unit": unit, "signer": so.signer, "signed_at": at,
                "signature_sha256": sig, "digest": digest}, at=at)
        return so

    def reopen(self, unit: str, reason: str) -> None:
        active = self.active_signoff(unit)
        if active is None:
            raise ValidationError(f"“{unit}”尚未签字确认，无需重新打开")
        if not reason.strip():
            raise ValidationError("重新打开已签字的单位必须说明理由")
        at = now_iso()
        with self._tx() as conn:
            conn.execute("UPDATE signoff SET reopened_at = ?, reopen_reason = ? WHERE id = ?",
                         (at, reason.strip(), active.id))
            self._audit("reopen", unit, None, {"id": active.id, "reason": reason.strip()}, at=at)

    def signature_png(self, signoff: SignOff) -> bytes | None:
        if not signoff.signature_sha256:
            return None
        return blobstore.read_bytes(self.conn, signoff.signature_sha256)

    # ---- summaries ----------------------------------------------------------------------

    def score(self, unit: str) -> UnitScore:
        return score_unit(self.catalogue, self.ratings(unit))

    def progress(self, unit: str) -> tuple[int, int]:
        """(items rated, items in the standards); 不适用 counts as rated."""
        (rated,) = self.conn.execute(
            "SELECT count(*) FROM rating WHERE unit = ? AND rating IS NOT NULL",
            (unit,)).fetchone()
        return int(rated), len(self.catalogue.items())

    # ---- hand-back ----------------------------------------------------------------------

    def hand_back(self, out: Path) -> Path:
        """Write a consistent single-file copy (no -wal/-shm) that is safe to carry away.

        Each hand-back gets the next sequence number, so the office orders hand-backs of
        one file without trusting the laptop's clock.
        """
        out = Path(out)
        if out.resolve() == self.path.resolve():
            raise ValidationError("交回文件不能覆盖正在使用的工作文件，请另选文件名")
        with self._tx() as conn:
            seq = self.identity.handback_seq + 1
            conn.execute("UPDATE identity SET value = ? WHERE key = 'handback_seq'", (str(seq),))
            self._audit("hand_back", payload={"seq": seq})
        self.identity = self._read_identity()
        tmp = out.with_name(out.name + ".part")
        tmp.unlink(missing_ok=True)
        try:
            self.conn.execute("VACUUM INTO ?", (str(tmp),))
            copy = connect(tmp)
            try:
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, out)
        except (OSError, sqlite3.Error) as exc:
            tmp.unlink(missing_ok=True)
            raise WorkFileError(f"无法写出交回文件：{out.name}", detail=str(exc)) from exc
        return out


def _evidence_payload(ev: Evidence) -> dict[str, Any]:
    return {"id": ev.id, "unit": ev.unit, "item_no": ev.item_no, "sha256": ev.sha256,
            "name": ev.name, "kind": ev.kind, "caption": ev.caption, "size": ev.size}


def _numbers(nos: Sequence[int], limit: int = 12) -> str:
    """'第 1、5 项', or past `limit` numbers '第 1、2、…、12 等项'."""
    shown = "、".join(str(n) for n in nos[:limit])
    return f"第 {shown} 等项" if len(nos) > limit else f"第 {shown} 项"
