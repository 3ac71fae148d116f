"""The brand-dependent tables of a report, registered on one DuckDB connection.

Over the archive's ``tweets`` view (kwo.archive) this adds, in order:

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

The SQL lives in ``queries/views/*.sql`` (one statement a file, header comment on top). They are
*tables*, not views: DuckDB views cannot hold bound parameters, and every metric reads the
mention pairs again, so computing them once is what keeps a report on 1.5M tweets in seconds.
The exception is ``mention_tweets``, a view without parameters over mention_answers and
mention_tweets_several (nearly every mention tweet is one pair, stored once in mention_answers).
The roster reaches DuckDB as bound lists (:func:`register_roster`); time zone, period and window
as ``$name`` parameters. Nothing a user typed is ever formatted into SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from .metrics import load_query, run_statement
from .roster import BRAND_TYPES, HANDLE_TYPES, HOUR_TYPES, Roster

#: The kwo_quantiles macro the queries call: spill-safe, or quantile_cont's for tables in memory.
QUANTILES, QUANTILES_IN_MEMORY = "views/00_quantiles", "views/00_quantiles_in_memory"
#: The statements that build the tables, in dependency order, per answer rule.
_COMMON_HEAD = (QUANTILES, "views/10_brand_authored", "views/15_mentioned", "views/16_mentioned_once", "views/20_mentions",
                "views/30_brand_replies")
_COMMON_TAIL = ("views/50_mention_tweets_several", "views/55_mention_tweets", "views/60_mention_closed",
                "views/70_brand_reply_kinds", "views/80_tweet_hours", "views/81_tweet_months",
                "views/90_brand_counts")
STATEMENTS = {
    "direct": (*_COMMON_HEAD, "views/40_mention_answers_direct", *_COMMON_TAIL),
    "thread": (*_COMMON_HEAD, "views/35_conversation_roots", "views/40_mention_answers_thread", *_COMMON_TAIL),
}
MODES = tuple(STATEMENTS)

#: Names of every table (and view) this module creates (for ``kwo sql``-style exploration and for tests).
TABLES = (
    "brands",
    "brand_handles",
    "brand_hours",
    "brand_authored",
    "mentioned",
    "mentions",
    "brand_replies",
    "mention_answers",
    "mention_tweets_several",
    "mention_tweets",
    "mention_closed",
    "brand_reply_kinds",
    "tweet_hours",
    "tweet_months",
    "brand_counts",
)


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


def register_roster(con: duckdb.DuckDBPyConnection, roster: Roster) -> None:
    """Make ``brands``, ``brand_handles`` and ``brand_hours`` tables from the roster.

    The columns go in as bound list parameters, unnested side by side, rather than as Arrow
    tables: building an Arrow array from a Python list makes pyarrow import pandas when it is
    installed (to ask whether the list is a pandas object), 0.2-0.3 s of a report's start-up.
    """
    _create_table(con, "brands", roster.brand_columns(), BRAND_TYPES)
    _create_table(con, "brand_handles", roster.handle_columns(), HANDLE_TYPES)
    _create_table(con, "brand_hours", roster.hour_columns(), HOUR_TYPES)


def _create_table(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, list], types: dict[str, str]) -> None:
    # Names and types are kwo's constants (kwo.roster); the values are bound parameters.
    select = ", ".join(f"unnest(${col}::{types[col]}[]) AS {col}" for col in columns)
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {select}", columns)


def register_views(con: duckdb.DuckDBPyConnection, roster: Roster, params: ViewParameters, *,
                   spill_safe: bool = True) -> None:
    """Build every table of the report on ``con`` (which must have the ``tweets`` view).

    ``spill_safe=False`` (tables that fit in memory) lets the medians and p90s of the queries be
    DuckDB's quantile_cont itself, which holds every value in memory; the default's macro gives the
    same values from a hash aggregate that spills (views/00_quantiles*.sql).
    """
    if params.mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {params.mode!r}")
    # Only timezone($tz, ...) should ever turn instants into wall-clock time.
    con.execute("SET TimeZone = 'UTC'")
    register_roster(con, roster)
    bindings = params.bindings()
    for name in STATEMENTS[params.mode]:
        if name == QUANTILES and not spill_safe:
            name = QUANTILES_IN_MEMORY
        run_statement(con, name, bindings)


__all__ = ["MODES", "STATEMENTS", "TABLES", "ViewParameters", "load_query", "register_roster", "register_views"]
