"""CLI commands of the office layer."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this layer's commands to the top-level parser."""
