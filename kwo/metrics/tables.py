"""The brand-dependent tables of a report, registered on one DuckDB connection.

Over the archive's ``tweets`` view (kwo.engine.duckdb) this adds, each after the tables
its ``-- depends:`` line names:

- ``brands``: the roster (``brand_key`` is the join key)
- ``brand_handles``: every handle of a brand, its own and its aliases (brand_key, handle)
- ``brand_hours``: opening slots of the roster (brand_key, weekday, start_min, end_min)
- ``brand_authored``: every tweet (collected or context) by a brand
- ``mentioned``: every (tweet, brand) pair where any tweet of the archive mentions a brand
- ``mentions``: the mention pairs (tweet, brand) of the period
- ``brand_replies``: collected replies by brands
- ``conversation_roots`` (``--thread`` only): the conversation of each mention and brand reply
- ``mention_answers``: each mention pair with its earliest answer and response time
- ``mention_tweets_several``: the mention tweets that may name several brands, their pairs grouped
- ``mention_tweets`` (a view): one row per mention tweet, local hour and weekday, answered or not
- ``mention_closed``: pairs of brands with opening hours: arrived while closed or not
- ``brand_reply_kinds``: brand replies of the period by parent: to_mention, proactive, ...
- ``tweet_hours``, ``tweet_months``: collected tweets per UTC hour and per month of the report
  time zone (the coverage)
- ``brand_counts``: per brand, its mention pairs, replies by kind, own tweets, and whether it occurs

The SQL lives in ``kwo/sql/tables/*.sql`` (one statement a file, header comment on top; the\nbuild order comes from their ``-- depends:`` lines, kwo.sql.loader). They are
*tables*, not views: DuckDB views cannot hold bound parameters, and every metric reads the
mention pairs again, so computing them once is what keeps a report on 1.5M tweets in seconds.
The exception is ``mention_tweets``, a view without parameters over mention_answers and
mention_tweets_several (nearly every mention tweet is one pair, stored once in mention_answers).
The roster reaches the engine as bound lists (:func:`register_roster`); time zone, period and window
as ``$name`` parameters. Nothing a user typed is ever formatted into SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..engine.base import Engine, as_engine
from ..roster import BRAND_TYPES, HANDLE_TYPES, HOUR_TYPES, Roster
from ..sql.loader import build_order, statement

#: The answer rules: the ``-- when: mode=...`` alternatives of kwo/sql/tables/.
MODES = ("direct", "thread")

def _open_spans(engine: Engine, roster: Roster, tz: str) -> tuple[str, ...]:
    from .business_hours import register_open_spans

    register_open_spans(engine, roster, tz)
    return ("brand_open_spans", "brand_clocks")


#: Tables made in Python where portable SQL cannot make them (the time-zone rules of opening
#: hours), when a statement first reads one: name -> maker(engine, roster, report tz), which
#: returns the names it made.
PYTHON_TABLES = {"brand_open_spans": _open_spans, "brand_clocks": _open_spans}

#: The tables of the roster (the other tables come from kwo/sql/tables/: see tables()).
ROSTER_TABLES = ("brands", "brand_handles", "brand_hours")


def tables(mode: str = "direct") -> tuple[str, ...]:
    """The tables and views a report with answer rule ``mode`` builds (the macro aside)."""
    made = [statement(n) for n in statements(mode)]
    return ROSTER_TABLES + tuple(s.provides for s in made if not s.refines and not s.provides.startswith("kwo_"))


def statements(mode: str = "direct", *, spill_safe: bool = True) -> list[str]:
    """The statements that build the tables, in the order their ``-- depends:`` lines give."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    return build_order("tables", {"mode": mode, "quantiles": "spill_safe" if spill_safe else "in_memory"})


@dataclass(frozen=True)
class ViewParameters:
    """What the tables depend on besides the roster."""

    tz: str = "Europe/Amsterdam"
    since: datetime | None = None  # aware (UTC) instant; mentions at or after it
    until: datetime | None = None  # aware (UTC) instant; mentions before it
    window_ms: int | None = None  # answers later than this after the mention do not count
    mode: str = "direct"  # "direct" reply, or "thread" (anywhere later in the conversation)

    def bindings(self) -> dict:
        return {"tz": self.tz, "since": self.since, "until": self.until, "window_ms": self.window_ms}


def register_roster(engine: Engine, roster: Roster) -> None:
    """Make ``brands``, ``brand_handles`` and ``brand_hours`` tables from the roster, its columns
    bound as values (Engine.create_columns_table). ``engine`` may be a DuckDB connection."""
    engine = as_engine(engine)
    engine.create_columns_table("brands", roster.brand_columns(), BRAND_TYPES)
    engine.create_columns_table("brand_handles", roster.handle_columns(), HANDLE_TYPES)
    engine.create_columns_table("brand_hours", roster.hour_columns(), HOUR_TYPES)


def needed_statements(order: list[str], wanted: tuple[str, ...]) -> list[str]:
    """The statements of ``order`` that build ``wanted`` and what they read, in the same order."""
    need = set(wanted)
    keep = []
    for name in reversed(order):
        s = statement(name)
        if s.provides in need or (s.refines and s.refines in need):
            keep.append(name)
            need.update(s.depends)
    return keep[::-1]


def register_views(engine: Engine, roster: Roster, params: ViewParameters, *,
                   spill_safe: bool = True, only: tuple[str, ...] | None = None) -> None:
    """Build every table of the report on ``engine`` (kwo.engine.base.Engine, or a DuckDB
    connection; it must have the ``tweets`` view).

    ``spill_safe=False`` (tables that fit in memory) lets the medians and p90s of the queries be
    DuckDB's quantile_cont itself, which holds every value in memory; the default's macro gives the
    same values from a hash aggregate that spills (kwo/sql/tables/kwo_quantiles.*.sql).
    ``only``: build just these tables and what they read (kwo staffing needs a few).
    """
    engine = as_engine(engine)
    # Only DuckDB has the in-memory quantile macro (quantile_cont over a list of fractions); the
    # spill-safe one is portable (Spark spills either way).
    order = statements(params.mode, spill_safe=spill_safe or engine.name != "duckdb")
    if only is not None:
        order = needed_statements(order, only)
    # Only the statements (timezone($tz, ...)) should ever turn instants into wall-clock time.
    engine.set_time_zone("UTC")
    register_roster(engine, roster)
    bindings = params.bindings()
    made: set[str] = set()
    for name in order:
        for table in sorted(set(statement(name).depends) & set(PYTHON_TABLES) - made):
            made.update(PYTHON_TABLES[table](engine, roster, params.tz))  # after what it reads, before its readers
        engine.run(name, bindings)


__all__ = ["MODES", "ROSTER_TABLES", "ViewParameters", "needed_statements", "register_roster", "register_views", "statements", "tables"]
