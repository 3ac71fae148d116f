"""The metric registry: every list section of a report is one SQL file plus one entry here.

A :class:`Metric` says which statement computes it, the dataclass of one row, its JSON key (the
name, also the ``Report`` attribute), its title and columns in the human formats, the CLI section
commands that show it (``kwo report`` shows every metric), and the columns that identify a row (the
demo's truth comparison). The report (kwo.metrics.build), the renderers (kwo.render.sections), the
CLI section commands (kwo.cli.report) and the demo (kwo.demo) read :data:`METRICS`; CONTRIBUTING.md
has the recipe for adding one.

Totals, coverage, caveats and the HTML report's details are not list metrics: they have a shape
of their own (one row, or the ingest accounting) and stay in kwo.metrics.build.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from .rows import (
    AgentRow,
    BrandMonthRow,
    BrandRow,
    BrandWeekRow,
    BucketRow,
    HourRow,
    SectorRow,
    WeekdayHourRow,
)


@dataclass(frozen=True)
class Column:
    """A column of a section in the human formats. kind decides the formatting: int (thousands
    separators), pct (one decimal, %), ci (an interval [low, high] in percent), minutes (one
    decimal), str."""

    key: str
    header: str
    kind: str = "int"


@dataclass(frozen=True)
class Metric:
    name: str  # the JSON key, the Report attribute and the section name of the renderers
    sql: str | Path  # a statement of kwo.sql (metrics/NAME), or a file (a plug-in's, a test's)
    row: type  # the dataclass of one row; the query's columns it lacks are dropped
    title: str  # the section title of the human formats
    commands: tuple[str, ...] = ()  # the CLI section commands that show it besides `kwo report`
    key: tuple[str, ...] = ()  # the columns that identify a row (kwo.demo compares rows by them)
    columns: tuple[Column, ...] = ()  # shown in the human formats and CSV (default: every field)
    derived: tuple[str, ...] = ()  # properties of the row added to its JSON (HourRow.label)
    # further statements of kwo.sql whose rows, matched on ``key``, add columns to this metric's rows:
    # a figure beyond KWO16 comes in a file of its own instead of a rewrite of the first one
    more: tuple[str, ...] = ()

    def text(self) -> str:
        """The SQL of the metric."""
        if isinstance(self.sql, Path):
            return self.sql.read_text(encoding="utf-8")
        from ..sql.loader import load_query

        return load_query(self.sql)

    def shown_columns(self) -> tuple[Column, ...]:
        return self.columns or tuple(_default_column(f.name, str(f.type)) for f in fields(self.row))


def _default_column(name: str, annotation: str) -> Column:
    if "str" in annotation:
        kind = "str"
    elif name.endswith("_pct"):
        kind = "pct"
    elif "float" in annotation:
        kind = "minutes"  # one decimal
    else:
        kind = "int"
    return Column(name, name.replace("_", " "), kind)


def _c(key: str, header: str, kind: str = "int") -> Column:
    return Column(key, header, kind)


#: The columns of issue 19 that the brand and sector tables share (questions, DM hand-offs).
_INSIGHT_COLUMNS = (
    _c("question_tweets", "questions"), _c("questions_answered", "questions answered"),
    _c("questions_answered_pct", "questions answered %", "pct"),
    _c("questions_answered_pct_ci", "questions 95% interval", "ci"),
    _c("dm_handoff_replies", "DM hand-offs"), _c("dm_handoff_pct", "DM hand-off %", "pct"),
)

#: The list metrics in the order the report shows them.
METRICS: dict[str, Metric] = {}


def register_metric(metric: Metric) -> Metric:
    """Add ``metric`` to the registry (after the others: the report shows it last)."""
    if metric.name in METRICS:
        raise ValueError(f"a metric named {metric.name!r} is registered already")
    METRICS[metric.name] = metric
    return metric


def unregister_metric(name: str) -> None:
    del METRICS[name]


register_metric(Metric(
    "response_times", "metrics/response_times", BucketRow, "Response times (mention pairs)",
    commands=("response-times",), key=("bucket",),
    columns=(_c("band", "response time", "str"), _c("count", "pairs"), _c("pct", "% of pairs", "pct"),
             _c("answered_pct", "% of answered", "pct"), _c("within", "cumulative", "str"),
             _c("within_pct", "% of pairs", "pct"), _c("within_answered_pct", "% of answered", "pct")),
))
register_metric(Metric(
    "hourly", "metrics/hourly", HourRow, "Mention tweets per hour of the day",
    commands=("rush-hour",), key=("hour",), derived=("label", "answered_pct_ci"),
    columns=(_c("hour", "hour"), _c("label", "local time", "str"), _c("mentions", "mention tweets"),
             _c("answered", "answered"), _c("answered_pct", "answered %", "pct"),
             _c("answered_pct_ci", "95% interval", "ci"),
             _c("median_response_minutes", "median (min)", "minutes"),
             _c("p90_response_minutes", "p90 (min)", "minutes"),
             _c("mentions_while_closed", "pairs while closed"), _c("closed_pct", "closed %", "pct")),
))
register_metric(Metric(
    "weekday_hourly", "metrics/weekday_hourly", WeekdayHourRow, "Mention tweets per weekday and hour",
    commands=("rush-hour",), key=("weekday", "hour"), derived=("weekday_name",),
    columns=(_c("weekday", "weekday"), _c("weekday_name", "day", "str"), _c("hour", "hour"),
             _c("mentions", "mention tweets"), _c("answered", "answered")),
))
register_metric(Metric(
    "brands", "metrics/brands", BrandRow, "Per brand",
    commands=("brands",), key=("handle",), derived=("answered_pct_ci", "questions_answered_pct_ci"),
    more=("metrics/brand_insights",),
    columns=(_c("handle", "handle", "str"), _c("name", "name", "str"), _c("sector", "sector", "str"),
             _c("mentions", "mentions"), _c("answered", "answered"), _c("answered_pct", "answered %", "pct"),
             _c("answered_pct_ci", "95% interval", "ci"),
             _c("median_response_minutes", "median (min)", "minutes"),
             _c("p90_response_minutes", "p90 (min)", "minutes"), _c("brand_replies", "replies"),
             _c("replies_to_mentions", "to mentions"), _c("proactive_replies", "proactive"),
             _c("replies_parent_missing", "parent missing"), _c("replies_to_self", "to self"),
             _c("hours", "hours", "str"), _c("tz", "tz", "str"), _c("mentions_while_closed", "while closed"),
             _c("closed_pct", "closed %", "pct"), *_INSIGHT_COLUMNS,
             _c("median_business_response_minutes", "business median (min)", "minutes"),
             _c("p90_business_response_minutes", "business p90 (min)", "minutes"),
             _c("agents", "agents"), _c("signed_replies", "signed"), _c("signed_pct", "signed %", "pct")),
))
register_metric(Metric(
    "sectors", "metrics/sectors", SectorRow, "Per sector",
    commands=("answered",), key=("sector",), derived=("answered_pct_ci", "questions_answered_pct_ci"),
    more=("metrics/sector_insights", "metrics/sector_agents"),
    columns=(_c("sector", "sector", "str"), _c("brands", "brands"), _c("mention_tweets", "mention tweets"),
             _c("answered", "answered"), _c("answered_pct", "answered %", "pct"),
             _c("answered_pct_ci", "95% interval", "ci"), _c("mention_pairs", "pairs"),
             _c("answered_pairs", "answered pairs"), _c("median_response_minutes", "median (min)", "minutes"),
             _c("proactive_replies", "proactive"), _c("replies_parent_missing", "parent missing"),
             *_INSIGHT_COLUMNS, _c("median_business_response_minutes", "business median (min)", "minutes"),
             _c("agents", "agents"), _c("signed_replies", "signed"), _c("signed_pct", "signed %", "pct")),
))
register_metric(Metric(
    "brand_agents", "metrics/brand_agents", AgentRow, "Agents per brand (signatures under replies)",
    commands=("brands",), key=("handle", "agent"),
    columns=(_c("handle", "brand", "str"), _c("agent", "agent", "str"), _c("replies", "replies"),
             _c("replies_to_mentions", "to mentions"), _c("median_response_minutes", "median (min)", "minutes"),
             _c("hours_active", "hours active")),
))

register_metric(Metric(
    "monthly", "metrics/monthly", BrandMonthRow, "Trend per brand and month",
    commands=("brands",), key=("handle", "month"), derived=("answered_pct_ci",),
    # the sample's truth.json counts mentions, answered and answered_pct per brand and month
    columns=(_c("handle", "handle", "str"), _c("month", "month", "str"), _c("mentions", "mentions"),
             _c("answered", "answered"), _c("answered_pct", "answered %", "pct"),
             _c("answered_pct_ci", "95% interval", "ci"),
             _c("median_response_minutes", "median (min)", "minutes")),
))
register_metric(Metric(
    "weekly", "metrics/weekly", BrandWeekRow, "Trend per brand and ISO week",
    commands=("brands",), derived=("answered_pct_ci",),
    # no key yet: the sample's truth.json does not count the trend, so the demo does not compare it
    columns=(_c("handle", "handle", "str"), _c("week", "ISO week", "str"), _c("week_start", "from", "str"),
             _c("mentions", "mentions"), _c("answered", "answered"), _c("answered_pct", "answered %", "pct"),
             _c("answered_pct_ci", "95% interval", "ci"),
             _c("median_response_minutes", "median (min)", "minutes")),
))

def metrics_shown_by(command: str) -> tuple[str, ...]:
    """The metrics a CLI section command shows (every metric for ``report``), in report order."""
    return tuple(n for n, m in METRICS.items() if command == "report" or command in m.commands)


__all__ = ["Column", "METRICS", "Metric", "metrics_shown_by", "register_metric", "unregister_metric"]
