"""The few style rules on top of the platform's look: warnings in red, the unit's own
self-check material in teal, the current item's panel set apart.

Rules go on the widgets that need them (`styled`, `flag`): a style sheet on the whole
application makes every widget go through Qt's style-sheet engine, which costs about a
tenth of the start-up. `APP_STYLE` holds the same rules for windows that style by name.
"""

from __future__ import annotations

from zhashui_inspector.ui.qt import QWidget

RED = "#c62828"
RULES = {
    "itemPath": "color: #5f6b77;",
    "scopeTitle": "font-weight: bold; color: #33414e; padding: 2px 2px 4px 2px;",
    "paneTitle": "font-weight: bold; color: #33414e;",
    "sectionHeader": "font-weight: bold; color: #33414e;",
    "evidenceName": "color: #5f6b77;",
    "linkedHeader": "color: #00695c; font-weight: bold;",
    "linkedNote": ("color: #004d40; background: #e8f5f3; border: 1px solid #b2dfdb;"
                   " border-radius: 4px; padding: 6px;"),
    "stageLabel": "color: #33414e; padding: 0 8px;",
    "roleLabel": "color: #5f6b77; padding: 0 6px;",
    "scoreLine": "color: #33414e;",
    "blockers": "",
    "saveLabel": "",
    # frames: only the frame itself, not what it holds
    "itemEditor": "border-top: 1px solid #d5dbe1;",
    "signedBanner": "background: #e8f5e9; border: 1px solid #a5d6a7; border-radius: 4px;",
    "linkedBanner": "background: #e8f5f3; border: 1px solid #b2dfdb; border-radius: 4px;",
}
FRAMES = frozenset({"itemEditor", "signedBanner", "linkedBanner"})
FLAG_RULES = {
    # (flag, widget kind) -> rules while the flag is on
    ("problem", "label"): f"color: {RED}; font-weight: bold;",
    ("missing", "label"): f"color: {RED}; font-weight: bold;",
    ("warning", "label"): f"color: {RED}; font-weight: bold;",
    ("missing", "edit"): f"border: 2px solid {RED}; border-radius: 3px;",
    ("warning", "edit"): f"border: 2px solid {RED}; border-radius: 3px;",
    ("outside", "label"): "color: #8a5a00;",
    ("fine", "label"): "color: #2e7d32; font-weight: bold;",
}
CHECKED_BUTTON = ("QToolButton:checked { background: #dbe7f5; border: 1px solid #1f5fa8;"
                  " border-radius: 3px; }")


def _sheet(widget: QWidget, extra: str = "") -> str:
    name = widget.objectName()
    rules = RULES.get(name, "") + extra
    if not rules:
        return ""
    if name in FRAMES:
        return f"#{name} {{ {rules} }}"
    return rules   # bare declarations: this widget (labels and text boxes hold no others)


def styled(widget: QWidget, name: str) -> QWidget:
    """Give a widget its name and the rules that go with it."""
    widget.setObjectName(name)
    widget.setStyleSheet(_sheet(widget))
    return widget


def flag(widget: QWidget, name: str, on: bool) -> None:
    """Mark a state such as "missing" or "warning" (a property, and its look)."""
    widget.setProperty(name, on)
    kind = "edit" if widget.inherits("QAbstractScrollArea") else "label"
    extra = FLAG_RULES.get((name, kind), "") if on else ""
    widget.setStyleSheet(_sheet(widget, extra))


APP_STYLE = "\n".join(
    [f"#{name} {{ {rules} }}" for name, rules in RULES.items() if rules]
    + [f"QLabel[{flag_name}=\"true\"] {{ {rules} }}" for (flag_name, kind), rules
       in FLAG_RULES.items() if kind == "label"]
    + [f"QPlainTextEdit[{flag_name}=\"true\"] {{ {rules} }}" for (flag_name, kind), rules
       in FLAG_RULES.items() if kind == "edit"]
    + [CHECKED_BUTTON])
