"""The KWO figures (DESIGN.md section 3) as a library.

Every figure is one SQL file under ``kwo/sql/metrics/`` (registered in :mod:`kwo.metrics.registry`)
run over the tables of :mod:`kwo.metrics.tables`, with values bound as ``$name`` parameters.
Results come back as plain dataclasses (:mod:`kwo.metrics.rows`, :class:`Report`).

    >>> from kwo.metrics import build_report
    >>> report = build_report("arch", brands="brands.csv", tz="Europe/Amsterdam", window="7d")
    >>> report.totals.mention_tweets, report.totals.answered_pct

    >>> from kwo.metrics import open_report
    >>> with open_report("arch", "brands.csv", window="7d") as m:   # the connection too
    ...     m.con.sql("SELECT count(*) FROM mention_answers").fetchone()

Modules: ``options`` (ReportOptions and the parsing of --window, --since, --until), ``rows`` (the
row dataclasses), ``results`` (Report), ``registry`` (the metrics), ``tables`` (the report tables
on a connection), ``build`` (Metrics, open_metrics, open_report, build_report).
"""

from ..caveats import Caveat, Thresholds
from ..engine.duckdb_sql import run_query
from ..sql.loader import load_query
from .build import SECTIONS, Metrics, build_report, open_metrics, open_report, resolve_roster
from .options import DEFAULT_TZ, MAX_WINDOW_MS, ReportOptions, parse_local_bound, parse_window
from .registry import METRICS, Metric, register_metric
from .results import Report
from .rows import (
    WEEKDAYS,
    BrandRow,
    BucketRow,
    Coverage,
    Details,
    ExampleRow,
    HourRow,
    MonthRow,
    Parameters,
    SectorBucketRow,
    SectorRow,
    Totals,
    WeekdayHourRow,
    hour_label,
)

__all__ = [
    "BrandRow",
    "BucketRow",
    "Caveat",
    "Coverage",
    "DEFAULT_TZ",
    "Details",
    "ExampleRow",
    "HourRow",
    "MAX_WINDOW_MS",
    "METRICS",
    "Metric",
    "MonthRow",
    "Metrics",
    "Parameters",
    "Report",
    "ReportOptions",
    "SECTIONS",
    "SectorBucketRow",
    "SectorRow",
    "Thresholds",
    "Totals",
    "WEEKDAYS",
    "WeekdayHourRow",
    "build_report",
    "hour_label",
    "load_query",
    "open_metrics",
    "open_report",
    "parse_local_bound",
    "parse_window",
    "register_metric",
    "resolve_roster",
    "run_query",
]
