"""kwo: webcare figures from Twitter/X @-mention archives (the KWO method and beyond)."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    ArchiveError,
    InputError,
    KwoError,
    OutputError,
    QuarantineError,
    QueryError,
    RosterError,
    UnknownFormatError,
    UsageError,
)

# Heavy exports load on first use: a worker process that only parses (kwo.staging) or
# `kwo --help` should not pay for importing DuckDB and pyarrow.
_LAZY = {"Archive": ("archive", "Archive"), "connect": ("archive", "connect"), "TWEET_SCHEMA": ("schema", "TWEET_SCHEMA")}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    "OutputError",
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
