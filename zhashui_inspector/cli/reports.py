"""CLI commands of the reports layer: checklists, verification, the office report."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the top-level report commands (`checklist`, `verify`)."""


def register_office(office_sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `office report` to the `office` command group (called by cli/office.py)."""
