"""kwo: webcare figures from Twitter/X @-mention archives (the KWO method and beyond)."""

from __future__ import annotations

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
from .version import __version__

# Heavy exports load on first use: a worker process that only parses (kwo.ingest.staging) or
# `kwo --help` should not pay for importing DuckDB and pyarrow.
_LAZY = {"Archive": ("archive", "Archive"), "connect": ("engine.duckdb", "connect"), "TWEET_SCHEMA": ("schema", "TWEET_SCHEMA")}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# The public functions have names no module of kwo has (kwo.report and kwo.ingest are modules:
# a function of that name would be replaced by the module as soon as it is imported).
def build_report(*args, **kwargs):
    """The KWO report of an archive; see :func:`kwo.metrics.build_report`.

    >>> report = kwo.build_report("kwo16", "brands.csv", tz="Europe/Amsterdam")
    """
    from .metrics import build_report as _build_report

    return _build_report(*args, **kwargs)


def render_report(*args, **kwargs):
    """Render a report as table, json, csv, markdown or html; see :func:`kwo.report.render`.

    >>> kwo.render_report(report, "markdown", out=sys.stdout)
    """
    from .render import render as _render

    return _render(*args, **kwargs)


def ingest_files(*args, **kwargs):
    """Ingest tweet dumps into an archive; see :func:`kwo.ingest.ingest`.

    >>> result = kwo.ingest_files(["dump.jsonl.gz"], "kwo16")
    """
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
    "build_report",
    "connect",
    "ingest_files",
    "render_report",
]
