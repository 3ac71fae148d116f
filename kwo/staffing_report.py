"""Staffing per weekday-hour (issue 20): the agents Erlang C needs against the agents seen.

For each brand (each brand is its own team) and each of the 168 weekday-hours of the report time
zone:

- ``mentions_per_hour``: the brand's mention pairs that arrived in that weekday-hour, divided by
  the number of such hours in the period (counted exactly, hour by hour: a period of two weeks
  has each weekday-hour twice; the hour a clock skips for daylight saving is not in the period,
  the hour it repeats is there twice);
- ``agents_needed``: the fewest agents for which Erlang C (kwo.staffing) answers ``target_pct``%
  of those mentions within ``within`` minutes, each taking ``aht`` minutes;
- ``agents_seen``: the distinct signatures (kwo/sql/tables/reply_signatures.sql) under the brand's
  replies in each such hour, averaged over the period's hours of that weekday-hour;
- ``open``: whether the roster's opening hours cover part of that weekday-hour (None: no hours);
- ``gap``: ``agents_needed - agents_seen`` (more than 0: fewer agents replied than needed).

The period is the report's (--since/--until), else the archive's coverage: from the hour of the
first collected tweet to the hour of the last. Hours are whole UTC hours placed in the report time
zone by their start (in zones whose offset is not a whole number of hours an hour straddles two
local hours; it counts in the first). The SQL (kwo/sql/staffing/) counts per brand and UTC hour;
the placing in weekdays and hours, the means and Erlang C are numpy here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from .errors import UsageError
from .staffing import agents_needed_cells

#: The report tables staffing reads (kwo staffing builds only these and what they read).
TABLES = ("mentions", "reply_signatures", "tweet_hours")
CELLS = 168  # 7 weekdays x 24 hours, Monday 00:00 first
TOP = 10  # the most understaffed hours listed


@dataclass
class StaffingRow:
    brand: str
    weekday: int  # ISO, 1 = Monday
    hour: int
    hours_in_period: int  # how many such weekday-hours the period has
    mentions: int  # mention pairs that arrived in them
    mentions_per_hour: float | None  # None when the period has no such hour
    agents_needed: int | None
    agents_seen: float | None
    open: bool | None  # None: the roster gives no hours
    gap: float | None  # agents_needed - agents_seen


@dataclass
class StaffingSummary:
    brand: str
    mentions: int
    understaffed_hours: int  # weekday-hours where fewer agents replied than needed
    mentions_closed_or_understaffed: int
    closed_or_understaffed_pct: float | None
    agent_hours_needed: int  # a week: the sum over the 168 weekday-hours
    agent_hours_seen: float


@dataclass
class Staffing:
    parameters: dict
    summaries: list[StaffingSummary] = field(default_factory=list)
    most_understaffed: list[StaffingRow] = field(default_factory=list)
    rows: list[StaffingRow] = field(default_factory=list)

    def as_dict(self) -> dict:
        def clean(d):
            return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in d.items()}

        # vars(), not dataclasses.asdict: 168 rows a brand, and asdict deep-copies each field
        return {
            "staffing_parameters": self.parameters,
            "staffing_summary": [clean(vars(s)) for s in self.summaries],
            "most_understaffed": [clean(vars(r)) for r in self.most_understaffed],
            "staffing": [clean(vars(r)) for r in self.rows],
        }


def period_hours(first_hour: int, end_hour: int, tz: str) -> np.ndarray:
    """The weekday-hour cell (0 = Monday 00h .. 167) of every UTC hour in [first_hour, end_hour)
    (hours since 1970), placed in ``tz`` by the hour's start."""
    zone = ZoneInfo(tz)
    n = max(end_hour - first_hour, 0)
    cells = np.empty(n, dtype=np.int64)
    start = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(hours=first_hour)
    # The offset changes a few times a year: convert each hour, cheap for a year (8,784 hours).
    for i in range(n):
        local = (start + timedelta(hours=i)).astimezone(zone)
        cells[i] = (local.isoweekday() - 1) * 24 + local.hour
    return cells


def _open_cells(slots) -> np.ndarray:
    """Whether opening slots (kwo.roster.OpenSlot) cover part of each of the 168 weekday-hours."""
    minutes = np.zeros(7 * 1440, dtype=bool)
    for s in slots:
        minutes[(s.weekday - 1) * 1440 + s.start_min:(s.weekday - 1) * 1440 + s.end_min] = True
    return minutes.reshape(CELLS, 60).any(axis=1)


def _hours_since_1970(dt: datetime) -> float:
    return (dt - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() / 3600


def staffing(metrics, *, aht: float, target_pct: float, within: float, brand: str | None = None) -> Staffing:
    """The staffing figures of an open report (kwo.metrics.Metrics); ``aht`` and ``within`` in
    minutes; ``brand`` (a roster handle) picks one brand."""
    import math

    roster = metrics.roster
    keys = list(range(len(roster.brands)))
    if brand is not None:
        wanted = brand.lstrip("@").lower()
        keys = [k for k in keys if roster.brands[k].handle.lower() == wanted]
        if not keys:
            raise UsageError(f"--brand {brand}: not a brand of the roster ({roster.description})")
    vp = metrics.view_parameters
    if vp.since is not None or vp.until is not None:
        (span,) = metrics.query("staffing/span")
        first = math.floor(_hours_since_1970(vp.since)) if vp.since else span["first_hour"]
        end = math.ceil(_hours_since_1970(vp.until)) if vp.until else (span["last_hour"] or 0) + 1
    else:
        (span,) = metrics.query("staffing/span")
        first, end = span["first_hour"], (span["last_hour"] + 1 if span["last_hour"] is not None else None)
    if first is None or end is None:
        first = end = 0
    cells = period_hours(int(first), int(end), vp.tz)
    hours_in_cell = np.bincount(cells, minlength=CELLS)

    metrics.engine.create_columns_table(
        "staffing_hours", {"utc_hour": list(range(int(first), int(first) + len(cells))), "cell": cells.tolist()},
        {"utc_hour": "BIGINT", "cell": "INTEGER"})

    def per_cell(name: str, column: str) -> np.ndarray:
        out = np.zeros((len(roster.brands), CELLS), dtype=np.int64)
        for r in metrics.query(name):
            out[r["brand_key"], r["cell"]] = r[column]
        return out

    arrivals = per_cell("staffing/arrivals", "mentions")
    seen_sum = per_cell("staffing/agents", "agents")
    has = hours_in_cell > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(has, arrivals / np.maximum(hours_in_cell, 1), 0.0)
        seen = np.where(has, seen_sum / np.maximum(hours_in_cell, 1), 0.0)
    needed = agents_needed_cells(rate, aht=aht, target_pct=target_pct, within=within).agents

    rows: list[StaffingRow] = []
    summaries: list[StaffingSummary] = []
    for k in keys:
        b = roster.brands[k]
        is_open = _open_cells(b.slots) if b.has_hours else None
        short = has & (seen[k] < needed[k])
        bad = short | (~is_open if is_open is not None else np.zeros(CELLS, dtype=bool))
        total = int(arrivals[k].sum())
        hit = int(arrivals[k][bad].sum())
        summaries.append(StaffingSummary(
            brand=b.handle, mentions=total, understaffed_hours=int(short.sum()),
            mentions_closed_or_understaffed=hit,
            closed_or_understaffed_pct=100.0 * hit / total if total else None,
            agent_hours_needed=int(needed[k][has].sum()), agent_hours_seen=float(seen[k][has].sum()),
        ))
        for c in range(CELLS):
            ok = bool(has[c])
            rows.append(StaffingRow(
                brand=b.handle, weekday=c // 24 + 1, hour=c % 24, hours_in_period=int(hours_in_cell[c]),
                mentions=int(arrivals[k, c]),
                mentions_per_hour=float(rate[k, c]) if ok else None,
                agents_needed=int(needed[k, c]) if ok else None,
                agents_seen=float(seen[k, c]) if ok else None,
                open=bool(is_open[c]) if is_open is not None else None,
                gap=float(needed[k, c] - seen[k, c]) if ok else None,
            ))
    worst = sorted((r for r in rows if r.gap is not None and r.gap > 0),
                   key=lambda r: (-r.gap, -r.mentions, r.brand, r.weekday, r.hour))[:TOP]
    parameters = {"aht_minutes": aht, "target_pct": target_pct, "within_minutes": within, "tz": vp.tz,
                  "brand": brand, "period_hours": int(len(cells)),
                  "period_start_utc": _iso_hour(int(first)), "period_end_utc": _iso_hour(int(end)),
                  "model": "Erlang C: Poisson arrivals, exponential handling times with mean aht, one queue "
                           "served first come first served by identical agents, nobody abandons, each hour "
                           "in steady state"}
    return Staffing(parameters=parameters, summaries=summaries, most_understaffed=worst, rows=rows)


#: The parameters of the staffing section of ``kwo report`` (``kwo staffing`` chooses its own).
REPORT_DEFAULTS = {"aht": 4.0, "target_pct": 80.0, "within": 60.0}


def report_section(metrics) -> dict:
    """The staffing section of ``kwo report`` (JSON ``staffing``, the HTML heatmap): the parameters,
    every brand's summary, the most understaffed hours, and per weekday-hour the agents needed and
    seen summed over the brands (``weekly``); the 168 rows per brand are ``kwo staffing``'s."""
    result = staffing(metrics, **REPORT_DEFAULTS)
    data = Staffing(result.parameters, result.summaries, result.most_understaffed).as_dict()  # rows aside
    weekly = []
    for c in range(CELLS):
        cells = result.rows[c::CELLS]  # the rows are brand by brand, 168 each
        known = [r for r in cells if r.agents_needed is not None]
        weekly.append({
            "weekday": c // 24 + 1, "hour": c % 24,
            "mentions_per_hour": round(sum(r.mentions_per_hour for r in known), 3) if known else None,
            "agents_needed": sum(r.agents_needed for r in known) if known else None,
            "agents_seen": round(sum(r.agents_seen for r in known), 3) if known else None,
        })
    return {"parameters": data["staffing_parameters"], "summary": data["staffing_summary"],
            "most_understaffed": data["most_understaffed"], "weekly": weekly}


def _iso_hour(h: int) -> str:
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["CELLS", "REPORT_DEFAULTS", "Staffing", "StaffingRow", "StaffingSummary", "period_hours", "report_section", "staffing"]
