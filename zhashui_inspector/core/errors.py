"""Errors the user sees. Each carries a one-line Chinese message; logs may add English detail."""

from __future__ import annotations


class ZhashuiError(Exception):
    """Base class: `message` is shown to the user as it is."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class ValidationError(ZhashuiError):
    """An edit that breaks a rule of the standards or the work file."""


class UnitLocked(ValidationError):
    """The unit is signed off; it must be reopened with a reason first."""


class WorkFileError(ZhashuiError):
    """The file is not a usable work file (damaged, foreign, too new)."""


class NewerFormatError(WorkFileError):
    """The file was written by a newer program."""


class WorkFileLockedError(WorkFileError):
    """Another program or window has the file open."""
