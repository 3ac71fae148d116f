"""kwo: webcare figures from Twitter/X @-mention archives (the KWO method and beyond)."""

from __future__ import annotations

__version__ = "0.1.0"

from .archive import Archive, connect  # noqa: E402
from .errors import (  # noqa: E402
    ArchiveError,
    InputError,
    KwoError,
    QuarantineError,
    QueryError,
    RosterError,
    UnknownFormatError,
    UsageError,
)
from .schema import TWEET_SCHEMA  # noqa: E402


def report(*args, **kwargs):
    """The KWO report of an archive; see :func:`kwo.metrics.build_report`."""
    from .metrics import build_report

    return build_report(*args, **kwargs)


def render(*args, **kwargs):
    """Render a report as table, json, csv or markdown; see :func:`kwo.report.render`."""
    from .report import render as _render

    return _render(*args, **kwargs)


def ingest(*args, **kwargs):
    """Ingest tweet dumps into an archive; see :func:`kwo.ingest.ingest`."""
    from .ingest import ingest as _ingest

    return _ingest(*args, **kwargs)


__all__ = [
    "Archive",
    "ArchiveError",
    "InputError",
    "KwoError",
    "QuarantineError",
    "QueryError",
    "RosterError",
    "TWEET_SCHEMA",
    "UnknownFormatError",
    "UsageError",
    "__version__",
    "connect",
    "ingest",
    "render",
    "report",
]
