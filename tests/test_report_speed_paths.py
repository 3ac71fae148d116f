"""The shortcuts the report tables take for speed give the same pairs as the plain definitions,
and report connections are bounded (memory limit, threads, a spill directory outside the archive).

The shortcuts (kwo/sql/tables): a tweet's author and each mention are looked up by id and by handle
in one pass and yield at most two brand keys; only tweets with several mentions are deduplicated;
the earliest reply per (parent, brand) is taken before the window is applied; the existence of a
reply's parent is only looked up when it is neither by the brand nor mentions it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from kwo.engine.duckdb import PRELUDE, connect, connection_config, memory_limit, spill_directory
from kwo.errors import UsageError
from kwo.metrics import build_report, open_metrics
from kwo.settings import Settings

from . import handmade as hm
from .handmade import Row

ROSTER = """handle,name,sector,user_id
alpha,Alpha,telecom,1
beta,Beta,telecom,2
gamma,Gamma,energy,
"""

ROWS = [
    # 201: names alpha twice (by id, then by handle in another mention) and beta once: 2 pairs.
    Row(201, "2016-03-01 10:00", "100", "ann", [("1", None), (None, "ALPHA"), ("2", "beta")]),
    # 202: one mention whose id is alpha's and whose handle is beta's (a renamed account): 2 pairs.
    Row(202, "2016-03-01 10:05", "100", "ann", [("1", "beta")]),
    # 203: the same mention twice (a handle typed twice): 1 pair.
    Row(203, "2016-03-01 10:10", "101", "bob", [("1", "alpha"), ("1", "alpha")]),
    # 204: gamma (no user id) by handle only; and a mention matching nothing.
    Row(204, "2016-03-01 10:15", "101", "bob", [(None, "Gamma"), ("99", "nobody")]),
    # 205: written by alpha's id under beta's handle: by alpha and by beta; mentions both, so it is
    # a mention of neither (each brand's own tweet), and mentions gamma (a pair).
    Row(205, "2016-03-01 10:20", "1", "Beta", [("1", "alpha"), ("2", "beta"), (None, "gamma")]),
    # Replies: alpha answers 201 after 30 min and again after 10 min (the earlier counts: 10).
    Row(206, "2016-03-01 10:40", "1", "alpha", [], reply_to=201),
    Row(207, "2016-03-01 10:10", "1", "alpha", [], reply_to=201),
    # beta answers 202 after 3 days (outside a 48h window).
    Row(208, "2016-03-04 10:05", "2", "beta", [], reply_to=202),
    # alpha replies to a tweet mentioning nobody (proactive), to a missing tweet, to its own.
    Row(209, "2016-03-01 11:00", "100", "ann", []),
    Row(210, "2016-03-01 11:05", "1", "alpha", [], reply_to=209),
    Row(211, "2016-03-01 11:10", "1", "alpha", [], reply_to=999),
    Row(212, "2016-03-01 11:15", "1", "alpha", [], reply_to=206),
    # gamma (handle only) replies to 204 (a mention of gamma) and to 201 (proactive for gamma).
    Row(213, "2016-03-01 11:20", "55", "GAMMA", [], reply_to=204),
    Row(214, "2016-03-01 11:25", "55", "gamma", [], reply_to=201),
    # 215: one mention naming one brand (beta), the tweet's only pair; not answered.
    Row(215, "2016-03-01 12:00", "102", "cid", [(None, "beta")]),
]

# Counted by hand from the rows above.
EXPECTED_PAIRS = [
    (201, "alpha"), (201, "beta"), (202, "alpha"), (202, "beta"), (203, "alpha"), (204, "gamma"), (205, "gamma"),
    (215, "beta"),
]
EXPECTED_KINDS = {
    206: "to_mention", 207: "to_mention", 208: "to_mention", 210: "proactive", 211: "parent_missing",
    212: "to_self", 213: "to_mention", 214: "proactive",
}


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("speed"), ROWS, ROSTER)


def _pairs(con, table: str) -> list[tuple[int, str]]:
    return con.execute(
        f"SELECT t.tweet_id, b.handle FROM {table} t JOIN brands b USING (brand_key) ORDER BY 1, 2"
    ).fetchall()


def test_mention_pairs_and_authors_match_the_definitions(case):
    archive, roster = case
    m = open_metrics(archive, roster)
    try:
        assert _pairs(m.con, "mentions") == EXPECTED_PAIRS
        # mentioned: one row per pair also for the brand's own tweet 205 and without duplicates
        assert _pairs(m.con, "mentioned") == sorted(
            [*EXPECTED_PAIRS, (205, "alpha"), (205, "beta")]
        )
        authored = _pairs(m.con, "brand_authored")
        assert (205, "alpha") in authored and (205, "beta") in authored
        assert len(authored) == len(set(authored))
        assert [p for p in authored if p[0] in (213, 214)] == [(213, "gamma"), (214, "gamma")]
        kinds = dict(m.con.execute("SELECT tweet_id, kind FROM brand_reply_kinds").fetchall())
        assert kinds == EXPECTED_KINDS
        answers = dict(m.con.execute(
            "SELECT tweet_id || ' ' || b.handle, response_minutes FROM mention_answers JOIN brands b "
            "USING (brand_key) WHERE response_minutes IS NOT NULL").fetchall())
        assert answers == {"201 alpha": 10.0, "202 beta": 3 * 24 * 60.0, "204 gamma": 65.0}
    finally:
        m.con.close()


def test_only_pairs_flagged_several_share_a_tweet(case):
    """mention_tweets and sectors take a pair with several = false as its tweet's only one without
    grouping: every tweet with more pairs (202: one mention naming alpha by id and beta by handle;
    201: several mentions) must have all of them flagged, and mention_tweets equals the plain
    grouping of mention_answers per tweet."""
    archive, roster = case
    m = open_metrics(archive, roster)
    try:
        for table in ("mentioned", "mentions", "mention_answers"):
            shared = m.con.execute(
                f"SELECT tweet_id FROM {table} GROUP BY tweet_id HAVING count(*) > 1 AND NOT bool_and(several) "
            ).fetchall()
            assert shared == [], table
        plain = m.con.execute(
            "SELECT tweet_id, count(*), bool_or(first_reply_at IS NOT NULL), min(response_minutes) "
            "FROM mention_answers GROUP BY tweet_id ORDER BY tweet_id").fetchall()
        rows = m.con.execute("SELECT tweet_id, brands_mentioned, answered, first_response_minutes "
                             "FROM mention_tweets ORDER BY tweet_id").fetchall()
        assert rows == plain
        assert dict((r[0], r[1]) for r in rows)[202] == 2
        assert m.con.execute("SELECT tweet_id FROM mention_answers WHERE NOT several").fetchall() == [(215,)]
    finally:
        m.con.close()


def test_a_reply_by_two_brands_counts_once(tmp_path):
    """A reply written under alpha's id and beta's handle is by both (two rows of brand_reply_kinds,
    several = true) and counts once in totals, under the first of its kinds (to_mention for alpha
    comes before proactive for beta); the other replies are their tweet's only row."""
    rows = [
        Row(301, "2016-03-01 10:00", "100", "ann", [("1", "alpha")]),
        Row(302, "2016-03-01 10:30", "1", "beta", [], reply_to=301),
        Row(303, "2016-03-01 10:40", "1", "alpha", [], reply_to=301),
        Row(304, "2016-03-01 10:50", "2", "beta", [], reply_to=999),
    ]
    archive, roster = hm.build_archive(tmp_path, rows, ROSTER)
    m = open_metrics(archive, roster)
    try:
        kinds = m.con.execute("SELECT tweet_id, b.handle, kind, several FROM brand_reply_kinds "
                              "JOIN brands b USING (brand_key) ORDER BY 1, 2").fetchall()
        assert kinds == [(302, "alpha", "to_mention", True), (302, "beta", "proactive", True),
                         (303, "alpha", "to_mention", False), (304, "beta", "parent_missing", False)]
        t = m.totals()
        assert (t.brand_replies, t.replies_to_mentions, t.proactive_replies, t.replies_parent_missing,
                t.replies_to_self) == (3, 2, 0, 1, 0)
    finally:
        m.con.close()


def test_window_applies_to_the_earliest_reply(case):
    archive, roster = case
    r = build_report(archive, roster, window="48h")
    assert (r.totals.mention_tweets, r.totals.mention_pairs, r.totals.answered_pairs) == (6, 8, 2)
    r = build_report(archive, roster, window="10m")
    assert r.totals.answered_pairs == 1  # 201 alpha after exactly 10 minutes (inclusive)


def test_reports_under_a_small_memory_limit_give_the_same_figures(case, monkeypatch):
    archive, roster = case
    expected = build_report(archive, roster).as_dict()
    assert build_report(archive, roster, settings=Settings(memory_limit="64MB")).as_dict() == expected


def test_connections_are_bounded_and_spill_outside_the_archive(case):
    archive, _ = case
    con = connect(archive)
    try:
        limit_bytes, threads, temp_dir = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads'), current_setting('temp_directory')"
        ).fetchone()
    finally:
        con.close()
    assert memory_limit().endswith("MB") and int(memory_limit()[:-2]) <= 1024
    assert "GiB" in limit_bytes or "MiB" in limit_bytes  # DuckDB's spelling of the limit set
    assert 1 <= int(threads) <= (os.cpu_count() or 1)
    assert temp_dir.startswith(tempfile.gettempdir()) and not temp_dir.startswith(str(archive))
    assert spill_directory() != spill_directory()  # one per connection


def test_memory_limit_from_the_environment():
    limit = Settings.from_environ({"KWO_MEMORY_LIMIT": "512MB"}).memory_limit
    assert connection_config(None, limit)["memory_limit"] == "512MB"
    assert connection_config(None, limit)["threads"] <= 4  # 128 MB a thread at least
    with pytest.raises(UsageError, match="KWO_MEMORY_LIMIT='lots': expected a size from 32MB"):
        Settings.from_environ({"KWO_MEMORY_LIMIT": "lots"})


@pytest.mark.parametrize("tz", ["Europe/Amsterdam", "Australia/Lord_Howe", "Australia/Adelaide", "Asia/Kathmandu",
                                "America/St_Johns", "Pacific/Chatham", "Africa/Casablanca", "UTC"])
def test_local_time_per_utc_hour_equals_icu_conversion(tz):
    """mentions.local_time converts only hour boundaries; every row must equal timezone(tz, t),
    also in the hours where the zone changes offset (half-hour zones, Lord Howe's 30-minute DST,
    Casablanca's Ramadan switches) and before 1970 (converted row by row)."""
    import duckdb

    from kwo.engine.duckdb_sql import run_statement

    con = duckdb.connect()

    for sql in PRELUDE:  # the engine functions the statements call (kwo_isodow, ...)

        con.execute(sql)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "CREATE TEMP TABLE mentioned AS SELECT i AS tweet_id, 0 AS brand_key, "
        "TIMESTAMPTZ '2015-12-31 00:00:00+00' + i * INTERVAL 7 MINUTE + i * INTERVAL 1 SECOND AS created_at, "
        "true AS collected, false AS is_retweet, false AS several FROM range(120000) r(i) "
        "UNION ALL SELECT -1, 0, TIMESTAMPTZ '1969-12-31 23:30:00+00', true, false, false"
    )
    con.execute("CREATE TEMP TABLE brand_authored (tweet_id BIGINT, brand_key INTEGER)")
    run_statement(con, "tables/mentions", {"since": None, "until": None, "tz": tz})
    wrong, total = con.execute(
        "SELECT count(*) FILTER (WHERE local_time IS DISTINCT FROM timezone($tz, created_at)), count(*) FROM mentions",
        {"tz": tz},
    ).fetchone()
    assert (wrong, total) == (0, 120001)
    con.close()


def test_a_report_does_not_import_pandas(case):
    """pyarrow imports pandas (0.2-0.3 s) the first time it builds an array from a Python list,
    when pandas is installed; the report path builds none (kwo.metrics.tables.register_roster)."""
    pytest.importorskip("pandas")  # with pandas absent there is nothing to avoid
    import subprocess
    import sys

    archive, roster = case
    code = ("import sys; from kwo.metrics import build_report; "
            f"r = build_report({str(archive)!r}, {str(roster)!r}); "
            "print(r.totals.mention_tweets, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(build_report(archive, roster).totals.mention_tweets), "False"]


@pytest.mark.parametrize("roster_csv", ["case", "sample_data"])
def test_roster_tables_keep_their_types_and_rows(case, roster_csv):
    """The roster enters DuckDB as bound lists: the same rows, in the declared types, with
    opening hours (sample_data) and without any (the case's roster: an empty brand_hours)."""
    import duckdb

    from kwo.metrics.tables import register_roster
    from kwo.roster import BRAND_TYPES, HOUR_TYPES, load_roster

    path = case[1] if roster_csv == "case" else Path(__file__).resolve().parent.parent / "sample_data" / "brands.csv"
    roster = load_roster(path)
    con = duckdb.connect()
    for sql in PRELUDE:  # the engine functions the statements call (kwo_isodow, ...)
        con.execute(sql)
    register_roster(con, roster)
    for table, columns, types in (("brands", roster.brand_columns(), BRAND_TYPES),
                                  ("brand_hours", roster.hour_columns(), HOUR_TYPES)):
        assert {name: kind for name, kind, *_ in con.sql(f"DESCRIBE {table}").fetchall()} == types
        rows = con.execute(f"SELECT * FROM {table}").fetchall()
        assert rows == list(zip(*columns.values()))
    hours = roster.hour_columns()["brand_key"]
    assert len(hours) == sum(len(b.slots) for b in roster.brands)
    assert (len(hours) > 0) == (roster_csv == "sample_data")


def test_closed_equals_the_slot_definition_also_for_overlapping_slots(tmp_path):
    """mention_closed merges a day's slots into disjoint intervals and joins each arrival to them;
    that must equal the definition (closed = no slot of the brand's weekday holds the minute) for
    every minute of a week, with overlapping slots, ranges past midnight into a day with its own
    hours, adjacent slots, a closed day, and a brand in another time zone than the report's."""
    import duckdb

    from kwo.engine.duckdb_sql import run_statement
    from kwo.metrics.tables import register_roster
    from kwo.roster import load_roster

    csv = tmp_path / "brands.csv"
    csv.write_text(
        "handle,name,sector,user_id,hours,tz\n"
        'a,A,s,1,"mon 08:00-12:00,10:00-14:00,09:00-10:00; tue 08:00-10:00,10:00-12:00; '
        'sun 20:00-03:00; wed closed",\n'
        'b,B,s,2,"mon-fri 09:00-17:00,16:00-23:30; sat 23:00-01:00",America/New_York\n'
        "c,C,s,3,,\n"
    )
    con = duckdb.connect()
    for sql in PRELUDE:  # the engine functions the statements call (kwo_isodow, ...)
        con.execute(sql)
    con.execute("SET TimeZone = 'UTC'")
    register_roster(con, load_roster(csv))
    tz = "Europe/Amsterdam"
    # every minute of two weeks (a DST change in between), for each brand
    con.execute(
        "CREATE TEMP TABLE mention_answers AS SELECT i AS tweet_id, b.brand_key, "
        "TIMESTAMPTZ '2016-03-20 00:00:00+00' + i * INTERVAL 1 MINUTE AS created_at, "
        "timezone($tz, TIMESTAMPTZ '2016-03-20 00:00:00+00' + i * INTERVAL 1 MINUTE) AS local_time "
        "FROM range(14 * 1440) r(i), brands b", {"tz": tz})
    run_statement(con, "tables/mention_closed", {"tz": tz})
    wrong = con.execute(
        """
        WITH expected AS (
            SELECT a.tweet_id, a.brand_key, hour(a.local_time) AS hour,
                   timezone(coalesce(b.tz, $tz), a.created_at) AS lt
            FROM mention_answers a JOIN brands b USING (brand_key) WHERE b.has_hours
        )
        SELECT count(*) FROM (
            SELECT tweet_id, brand_key, hour, NOT EXISTS (
                SELECT 1 FROM brand_hours h WHERE h.brand_key = e.brand_key AND h.weekday = isodow(e.lt)
                  AND hour(e.lt) * 60 + minute(e.lt) >= h.start_min AND hour(e.lt) * 60 + minute(e.lt) < h.end_min
            ) AS closed FROM expected e
            EXCEPT ALL SELECT tweet_id, brand_key, hour, closed FROM mention_closed
        )
        """, {"tz": tz}).fetchone()[0]
    counts = con.execute("SELECT count(*), count(*) FILTER (WHERE closed) FROM mention_closed").fetchone()
    assert wrong == 0
    assert counts[0] == 2 * 14 * 1440 and 0 < counts[1] < counts[0]
    con.close()


@pytest.mark.parametrize("scratch", ["0", "1"])
def test_quantile_macro_follows_scratch_mode(case, scratch):
    """Tables in memory get quantile_cont's macro (fast, holds every value); tables in a scratch
    database file (archives too large for memory) keep the spill-safe one. Same figures either way."""
    archive, roster = case
    m = open_metrics(archive, roster, settings=Settings.from_environ({"KWO_SCRATCH": scratch}))
    try:
        (definition,) = m.con.execute(
            "SELECT macro_definition FROM duckdb_functions() WHERE function_name = 'kwo_quantiles'").fetchone()
        spill_safe = "OVER" in definition.upper()  # the running counts of the spill-safe macro
        assert spill_safe == (scratch == "1")
        assert ("quantile_cont(v," in definition) == (scratch == "0")
        assert m.totals().median_response_minutes is not None
    finally:
        m.con.close()
    here = build_report(archive, roster, settings=Settings(scratch=scratch == "1")).as_dict()
    assert build_report(archive, roster, settings=Settings(scratch=scratch != "1")).as_dict() == here
