"""What "done" means in the progress figures the panes show, so that they all agree.

Inspectors count rated items (不适用 included) out of all items; units count the items
they have provided evidence for, or explained as 不适用, out of all items. Plain code, no
Qt: the standards tree, the sign-off dialog and the unit switcher share it.
"""

from __future__ import annotations

from collections.abc import Iterable

from zhashui_inspector.core.policy import NOT_APPLICABLE
from zhashui_inspector.core.records import ItemState

# The figure's name where it is shown in full (tooltips, the sign-off dialog) and in short.
DONE_WORDS = {False: "已评", True: "已提供材料或说明"}
DONE_SHORT = {False: "已评", True: "已备材料"}


def item_done(state: ItemState | None, *, unit_mode: bool) -> bool:
    """Whether an item counts as done.

    Inspectors: rated, 不适用 included (a missing reason blocks sign-off, the item is
    still rated). Units: evidence added, or 不适用 with its reason written.
    """
    if state is None:
        return False
    if unit_mode:
        return bool(state.evidence_count) or (
            state.rating == NOT_APPLICABLE and bool(state.reason.strip()))
    return state.rating is not None


def done_count(states: Iterable[ItemState | None], *, unit_mode: bool) -> int:
    return sum(item_done(state, unit_mode=unit_mode) for state in states)


def progress_line(done: int, total: int, *, unit_mode: bool) -> str:
    """'已评 22/76 项', as the sign-off dialog and the tree's tooltips say it."""
    return f"{DONE_WORDS[unit_mode]} {done}/{total} 项"
