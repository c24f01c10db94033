"""Undoable edits: ratings, methods, comments, N/A reasons, and adding/removing evidence.

Each command calls the session, which shows the change at once and commits it through
the core; undo is just another committed edit (and another audit entry).
"""

from __future__ import annotations

from typing import Any

from zhashui_inspector.core.records import Evidence
from zhashui_inspector.ui.qt import QUndoCommand
from zhashui_inspector.ui.session import Session

ITEM_EDIT_ID = 1001


class ItemEdit(QUndoCommand):
    """Set some fields of one item; undo puts the previous values back.

    Commands with the same `merge_token` (one stretch of typing in one text box) merge,
    so undo takes back the whole stretch rather than every pause.
    """

    def __init__(self, session: Session, unit: str, item_no: int, after: dict[str, Any],
                 text: str, merge_token: object | None = None) -> None:
        super().__init__(text)
        self.session = session
        self.unit = unit
        self.item_no = item_no
        state = session.unit(unit).items[item_no]
        self.before = {key: getattr(state, key) for key in after}
        self.after = dict(after)
        self.merge_token = merge_token

    def redo(self) -> None:
        self.session.set_item(self.unit, self.item_no, **self.after)

    def undo(self) -> None:
        self.session.set_item(self.unit, self.item_no, **self.before)

    def id(self) -> int:
        return ITEM_EDIT_ID if self.merge_token is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if not (isinstance(other, ItemEdit) and other.merge_token is self.merge_token
                and other.unit == self.unit and other.item_no == self.item_no
                and other.after.keys() == self.after.keys()):
            return False
        self.after = dict(other.after)
        return True


class AddEvidence(QUndoCommand):
    """Pushed once the file is in; undo takes it off the list, redo puts it back."""

    def __init__(self, session: Session, evidence: Evidence) -> None:
        super().__init__(f"添加材料“{evidence.name}”")
        self.session = session
        self.evidence = evidence
        self.unit = evidence.unit
        self.item_no = evidence.item_no
        self._done = True  # the first redo happened before the push

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.session.restore_evidence(self.evidence)

    def undo(self) -> None:
        self.session.remove_evidence(self.evidence)


class RemoveEvidence(QUndoCommand):
    def __init__(self, session: Session, evidence: Evidence) -> None:
        super().__init__(f"删除材料“{evidence.name}”")
        self.session = session
        self.evidence = evidence
        self.unit = evidence.unit
        self.item_no = evidence.item_no

    def redo(self) -> None:
        self.session.remove_evidence(self.evidence)

    def undo(self) -> None:
        self.session.restore_evidence(self.evidence)
