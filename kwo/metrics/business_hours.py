"""The roster's opening hours as spans of UTC time, for the business-hours response time.

SQL cannot portably turn a brand's wall-clock opening hours into instants (the time-zone
functions of DuckDB and Spark differ, tests/test_sql_portable.py), so Python's tz database
(zoneinfo) does it once per report: :func:`open_span_columns` gives, per brand with hours and per
UTC day of the answered mentions' span, the open stretches of that day in epoch milliseconds and
how long the brand was open before the day began. tables/business_answers.sql then measures a
response as open time at the answer minus open time at the mention: the clock stops while the
brand is closed, daylight saving included (a day of 23 or 25 hours has that many open hours).
A wall-clock time that occurs twice (the autumn change) is taken at its first occurrence, one
that does not occur (spring) an hour later, as zoneinfo's fold=0 does.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from ..engine.base import Engine
from ..errors import RosterError
from ..roster import Roster

DAY_MS = 86_400_000

#: Open stretches a UTC day may have: one row per (brand, day) with this many pairs of columns lets
#: tables/business_answers.sql find both ends of a response with two equality joins and no grouping.
#: A roster needs more only with more than three separate stretches a day.
STRETCHES = 4

#: The columns of brand_open_spans and their SQL types (from_K, to_K NULL: no K-th stretch). A
#: clock is one (time zone, opening hours) of the roster: brands with the same hours share it.
SPAN_TYPES = {"clock": "INTEGER", "day": "INTEGER", "open_before_ms": "BIGINT",
              **{f"{e}_{k}": "BIGINT" for k in range(1, STRETCHES + 1) for e in ("from", "to")}}
#: brand_clocks: the clock of each brand with hours.
CLOCK_TYPES = {"brand_key": "INTEGER", "clock": "INTEGER"}


def merged_slots(slots) -> tuple[tuple[int, int, int], ...]:
    """Slots (weekday, start_min, end_min) merged per weekday into disjoint stretches (a roster
    may list overlapping ones: 08:00-12:00,10:00-14:00)."""
    out: list[list[int]] = []
    for s in sorted(slots, key=lambda s: (s.weekday, s.start_min, s.end_min)):
        if out and out[-1][0] == s.weekday and s.start_min <= out[-1][2]:
            out[-1][2] = max(out[-1][2], s.end_min)
        else:
            out.append([s.weekday, s.start_min, s.end_min])
    return tuple((w, a, b) for w, a, b in out)


@cache
def _day_spans(tz: str, slots: tuple[tuple[int, int, int], ...], first_day: int, last_day: int):
    """Per UTC day number in [first_day, last_day]: the open spans (from_ms, to_ms) of that day and
    the open milliseconds before it began (from first_day on). Brands sharing hours and time zone
    share the result."""
    zone = ZoneInfo(tz)
    by_weekday: dict[int, list[tuple[int, int]]] = {}
    for w, a, b in slots:
        by_weekday.setdefault(w, []).append((a, b))
    lo_ms, hi_ms = first_day * DAY_MS, (last_day + 1) * DAY_MS
    per_day: dict[int, list[tuple[int, int]]] = {}
    d = date(1970, 1, 1) + timedelta(days=first_day - 1)  # local dates around the UTC days
    end = date(1970, 1, 1) + timedelta(days=last_day + 1)
    while d <= end:
        midnight = datetime(d.year, d.month, d.day, tzinfo=zone)
        for a, b in by_weekday.get(d.isoweekday(), ()):
            # wall-clock arithmetic (Python adds to the local time), then the instant of that time
            f = int((midnight + timedelta(minutes=a)).timestamp() * 1000)
            t = int((midnight + timedelta(minutes=b)).timestamp() * 1000)
            f, t = max(f, lo_ms), min(t, hi_ms)
            while f < t:  # split at UTC midnight: each piece belongs to one UTC day
                day = f // DAY_MS
                cut = min(t, (day + 1) * DAY_MS)
                pieces = per_day.setdefault(day, [])
                pieces.append((f, cut))
                f = cut
        d += timedelta(days=1)
    out = []
    before = 0
    for day in range(first_day, last_day + 1):
        spans: list[list[int]] = []
        for f, t in sorted(per_day.get(day, ())):
            if spans and f <= spans[-1][1]:  # contiguous pieces of two local days: one stretch
                spans[-1][1] = max(spans[-1][1], t)
            else:
                spans.append([f, t])
        out.append((day, spans, before))
        before += sum(t - f for f, t in spans)
    return out


def open_span_columns(roster: Roster, tz: str, first_ms: int | None,
                      last_ms: int | None) -> tuple[dict[str, list], dict[str, list]]:
    """brand_open_spans (SPAN_TYPES) and brand_clocks (CLOCK_TYPES) for the brands with hours, over
    the UTC days from the day before ``first_ms`` to the day after ``last_ms`` (no spans without
    answered mentions). Raises RosterError for hours that open more than STRETCHES times a day."""
    spans: dict[str, list] = {k: [] for k in SPAN_TYPES}
    clocks: dict[str, list] = {k: [] for k in CLOCK_TYPES}
    if first_ms is None or last_ms is None:
        return spans, clocks
    first_day, last_day = first_ms // DAY_MS - 1, last_ms // DAY_MS + 1
    numbered: dict[tuple, int] = {}
    for key, b in enumerate(roster.brands):
        if not b.has_hours:
            continue
        clock_of = (b.tz or tz, merged_slots(b.slots))
        clock = numbered.get(clock_of)
        if clock is None:
            clock = numbered[clock_of] = len(numbered)
            for day, stretches, before in _day_spans(*clock_of, first_day, last_day):
                if len(stretches) > STRETCHES:
                    raise RosterError(f"{b.handle}: the opening hours {b.hours!r} open and close more than "
                                      f"{STRETCHES} times a day; kwo measures business hours with at most "
                                      f"{STRETCHES}")
                spans["clock"].append(clock)
                spans["day"].append(day)
                spans["open_before_ms"].append(before)
                for k in range(STRETCHES):
                    f, t = stretches[k] if k < len(stretches) else (None, None)
                    spans[f"from_{k + 1}"].append(f)
                    spans[f"to_{k + 1}"].append(t)
        clocks["brand_key"].append(key)
        clocks["clock"].append(clock)
    return spans, clocks


def register_open_spans(engine: Engine, roster: Roster, tz: str) -> None:
    """Make brand_open_spans and brand_clocks over the span of the answered mentions of brands
    with hours (read from mention_answers, which the build has made by then)."""
    (span,) = engine.query("business/span")
    spans, clocks = open_span_columns(roster, tz, span["first_ms"], span["last_ms"])
    engine.create_columns_table("brand_open_spans", spans, SPAN_TYPES)
    engine.create_columns_table("brand_clocks", clocks, CLOCK_TYPES)


__all__ = ["CLOCK_TYPES", "STRETCHES", "SPAN_TYPES", "merged_slots", "open_span_columns", "register_open_spans"]
