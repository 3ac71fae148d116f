"""Typed errors. The library raises these; the CLI turns them into clean messages."""

from __future__ import annotations


class KwoError(Exception):
    """Base class of every error kwo raises on purpose."""


class InputError(KwoError):
    """An input file cannot be read: unreadable, truncated, unknown format."""

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class UnknownFormatError(InputError):
    """No reader recognises the input."""


class QuarantineError(InputError):
    """A record could not be parsed and --strict was given."""


class ArchiveError(KwoError):
    """The archive is missing, locked or inconsistent."""


class RosterError(KwoError):
    """The brand roster (brands.csv) is invalid."""


class QueryError(KwoError):
    """A query is refused or fails."""


class UsageError(KwoError):
    """Options that do not fit together (mapped to exit code 2 by the CLI)."""


class OutputError(KwoError):
    """An output (``--output``, standard output) cannot be written: a full disk, no permission."""
