"""The few style rules on top of the platform's look: warnings in red, the unit's own
self-check material in teal, the current item's panel set apart."""

from __future__ import annotations

APP_STYLE = """
QLabel#itemPath { color: #5f6b77; }
QLabel#scopeTitle { font-weight: bold; color: #33414e; padding: 2px 2px 4px 2px; }
QLabel#paneTitle, QLabel#sectionHeader { font-weight: bold; color: #33414e; }
QLabel#evidenceName { color: #5f6b77; }
QFrame#itemEditor { border-top: 1px solid #d5dbe1; }
QLabel[problem="true"], QLabel[missing="true"], QLabel[warning="true"] {
    color: #c62828; font-weight: bold; }
QPlainTextEdit[missing="true"], QPlainTextEdit[warning="true"] {
    border: 2px solid #c62828; border-radius: 3px; }
QLabel#linkedHeader { color: #00695c; font-weight: bold; }
QLabel#linkedNote { color: #004d40; background: #e8f5f3; border: 1px solid #b2dfdb;
    border-radius: 4px; padding: 6px; }
QLabel#blockers[problem="false"] { color: #2e7d32; font-weight: bold; }
QLabel#scoreLine { color: #33414e; }
QFrame#signedBanner { background: #e8f5e9; border: 1px solid #a5d6a7; border-radius: 4px; }
QFrame#linkedBanner { background: #e8f5f3; border: 1px solid #b2dfdb; border-radius: 4px; }
QLabel#stageLabel { color: #33414e; padding: 0 8px; }
QLabel#stageLabel[outside="true"] { color: #8a5a00; }
QLabel#roleLabel { color: #5f6b77; padding: 0 6px; }
QToolButton:checked { background: #dbe7f5; border: 1px solid #1f5fa8; border-radius: 3px; }
"""
