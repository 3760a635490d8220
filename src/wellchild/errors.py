"""The errors wellchild raises on purpose.

Every error a user can cause (a bad flag, a missing file, a broken input folder) is a
:class:`WellchildError`; the command line prints its message and exits with status 2,
never a traceback. Errors about input data also subclass :class:`ValueError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wellchild.ingest.report import LoadReport


class WellchildError(Exception):
    """A problem the user can fix; the message says what, where and what to do."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\nHint: {self.hint}"


class ConfigError(WellchildError):
    """A setting is unknown or has a value that cannot be used."""


class InputError(WellchildError, ValueError):
    """Input data breaks the contract (see ``wellchild.contract``)."""


class LoadRejected(InputError):
    """A load found error-level problems; nothing was loaded.

    ``report`` holds every problem found, so callers can print or save it.
    """

    def __init__(self, message: str, *, report: LoadReport) -> None:
        super().__init__(message)
        self.report = report


class StoreError(WellchildError):
    """The store is missing, locked by another process, or not a wellchild store."""
