"""The KWO definitions on hand-made archives; every expected figure is counted by hand in
tests/handmade.py (with the reasoning beside the rows)."""

from __future__ import annotations

import re

import pytest

from kwo.engine.duckdb import connect
from kwo.errors import QueryError, UsageError
from kwo.metrics import (
    Metrics,
    ReportOptions,
    build_report,
    load_query,
    open_metrics,
    parse_window,
    run_query,
)
from kwo.metrics.tables import tables
from kwo.sql.loader import all_statement_names, query_parameters, sql_root

from . import handmade as hm


@pytest.fixture(scope="module")
def main_case(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("main"), hm.ROWS, hm.ROSTER_CSV)


@pytest.fixture(scope="module")
def thread_case(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("thread"), hm.THREAD_ROWS, hm.THREAD_ROSTER_CSV)


@pytest.fixture(scope="module")
def report(main_case):
    archive, roster = main_case
    return build_report(archive, roster)


def test_totals(report):
    t = report.as_dict()["totals"]
    for key, value in hm.EXPECTED_TOTALS.items():
        assert t[key] == value, key
    assert report.totals.mean_response_minutes == pytest.approx(hm.EXPECTED_MEAN_RESPONSE)
    assert t["peak_hour_label"] == "11:00-12:00"


def test_per_brand(report):
    rows = {b.handle: b for b in report.brands}
    assert set(rows) == set(hm.EXPECTED_BRANDS)
    for handle, expected in hm.EXPECTED_BRANDS.items():
        for key, value in expected.items():
            assert getattr(rows[handle], key) == pytest.approx(value), (handle, key)
    # most mentions first, then by handle; a brand without mentions is still listed
    assert [b.handle for b in report.brands] == ["ing", "kpn", "ns_online", "kpnwebcare"]
    assert rows["kpn"].name == rows["kpnwebcare"].name == "KPN"
    assert rows["ing"].tz == "Europe/London" and rows["kpn"].tz is None


def test_per_sector(report):
    got = {
        s.sector: (s.brands, s.mention_tweets, s.answered, s.answered_pct, s.mention_pairs, s.answered_pairs,
                   s.median_response_minutes, s.proactive_replies, s.replies_parent_missing)
        for s in report.sectors
    }
    assert got == hm.EXPECTED_SECTORS
    assert [s.sector for s in report.sectors] == ["finance", "telecom", "transport"]


def test_response_time_buckets(report):
    assert {b.bucket: b.count for b in report.response_times} == hm.EXPECTED_BUCKETS
    assert [b.bucket for b in report.response_times] == list(hm.EXPECTED_BUCKETS)  # fixed order
    assert sum(b.count for b in report.response_times) == report.totals.mention_pairs
    first = report.response_times[0]
    assert first.pct == pytest.approx(100 * 3 / 11) and first.answered_pct == pytest.approx(50.0)


def test_hourly_follows_daylight_saving(report):
    hours = {h.hour: h for h in report.hourly}
    assert list(hours) == list(range(24))
    assert {h: (r.mentions, r.answered) for h, r in hours.items() if r.mentions} == hm.EXPECTED_HOURLY
    # 00:30 UTC on the last Sunday of March is 01:30 CET; on the last Sunday of October 02:30 CEST.
    assert hours[1].mentions == 1 and hours[2].mentions == 1 and hours[0].mentions == 0
    assert {h: r.median_response_minutes for h, r in hours.items() if r.median_response_minutes is not None} == \
        hm.EXPECTED_HOURLY_MEDIAN
    assert hours[13].answered_pct == 100.0 and hours[12].answered_pct == 0.0 and hours[5].answered_pct is None
    assert {h: (r.mentions_while_closed, r.closed_pct) for h, r in hours.items() if r.closed_pct is not None} == \
        hm.EXPECTED_HOURLY_CLOSED


def test_hourly_in_another_time_zone(main_case):
    archive, roster = main_case
    r = build_report(archive, roster, tz="UTC", sections=("hourly",))
    got = {h.hour: h.mentions for h in r.hourly if h.mentions}
    # UTC hours: 101 10, 104 11, 105 12, 107 12, 109 14, 117 0, 118 0, 119 9, 121 10, 123 11
    assert got == {0: 2, 9: 1, 10: 2, 11: 2, 12: 2, 14: 1}
    assert r.totals.peak_hour == 0  # 0, 10, 11 and 12 tie: the earliest wins
    r = build_report(archive, roster, tz="America/New_York", sections=())
    # New York: EST (UTC-5) on 1-2 March, EDT (UTC-4) from 13 March: 101 121 at 5, 104 123 at 6,
    # 105 107 at 7, 117 and 118 (00:30 UTC) at 20:30 the evening before -> 5 wins the tie.
    assert r.totals.peak_hour == 5


def test_weekday_hourly(report):
    cells = {(c.weekday, c.hour): c.mentions for c in report.weekday_hourly}
    assert len(cells) == 7 * 24
    assert {k: v for k, v in cells.items() if v} == hm.EXPECTED_WEEKDAY_HOURLY
    assert report.weekday_hourly[0].weekday_name == "Mon"


def test_retweets_context_and_own_tweets_are_not_mentions(main_case):
    archive, roster = main_case
    m = open_metrics(archive, roster)
    pairs = m.con.execute(
        "SELECT m.tweet_id, b.handle FROM mentions m JOIN brands b USING (brand_key) ORDER BY 1, 2"
    ).fetchall()
    assert pairs == [
        (101, "ing"), (101, "kpn"), (104, "ing"), (105, "kpn"), (107, "kpn"), (109, "ing"), (117, "ing"),
        (118, "ing"), (119, "kpn"), (121, "ns_online"), (123, "ns_online"),
    ]
    # 103 (a retweet), 124 (context) and (104, kpn) (kpn mentioning itself) are absent; 123
    # matches ns by user id and by handle and is one pair.
    kinds = dict(m.con.execute("SELECT tweet_id, kind FROM brand_reply_kinds").fetchall())
    assert kinds == {
        102: "to_mention", 106: "to_mention", 108: "to_mention", 110: "to_mention", 111: "to_mention",
        120: "to_mention", 122: "to_mention", 125: "to_mention",
        113: "proactive", 115: "proactive", 116: "parent_missing", 126: "to_self",
    }
    answers = dict(m.con.execute(
        "SELECT tweet_id, response_minutes FROM mention_answers a JOIN brands b USING (brand_key) "
        "WHERE b.handle = 'ing' AND response_minutes IS NOT NULL").fetchall())
    assert answers == {109: 60.0}  # the earlier of two replies
    m.con.close()


def test_every_table_is_registered(main_case):
    archive, roster = main_case
    m = open_metrics(archive, roster)
    names = {r[0] for r in m.con.execute(
        "SELECT table_name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal"
    ).fetchall()}
    assert set(tables()) <= names
    m.con.close()


def test_period_filters_on_mention_time_in_report_tz(main_case):
    archive, roster = main_case
    r = build_report(archive, roster, since="2016-03-02", until="2016-03-27")
    t = r.as_dict()["totals"]
    assert {k: t[k] for k in hm.EXPECTED_PERIOD_MARCH} == hm.EXPECTED_PERIOD_MARCH
    assert r.parameters.since_utc == "2016-03-01T23:00:00Z"
    assert r.parameters.until_utc == "2016-03-27T22:00:00Z"  # 24:00 CEST: DST began that night
    r = build_report(archive, roster, until="2016-03-01")
    t = r.as_dict()["totals"]
    assert {k: t[k] for k in hm.EXPECTED_PERIOD_FIRST_DAY} == hm.EXPECTED_PERIOD_FIRST_DAY
    # A time of day is an instant: --until excludes it.
    r = build_report(archive, roster, since="2016-03-01T13:00", until="2016-03-01T15:00", sections=())
    assert r.totals.mention_tweets == 2  # 105 (13:00 CET) and 107 (13:45); 109 is at 15:00


def test_window(main_case):
    archive, roster = main_case
    t = build_report(archive, roster, window="30m", sections=()).as_dict()["totals"]
    assert {k: t[k] for k in hm.EXPECTED_WINDOW_30M} == hm.EXPECTED_WINDOW_30M
    t = build_report(archive, roster, window="1h", sections=()).as_dict()["totals"]
    assert t["answered"] == 6  # the 60-minute answers are within an hour (inclusive)
    t = build_report(archive, roster, window="59m", sections=()).as_dict()["totals"]
    assert t["answered"] == 4  # 101 105 119 121


def test_direct_and_thread_mode(thread_case):
    archive, roster = thread_case
    direct = build_report(archive, roster).as_dict()["totals"]
    assert {k: direct[k] for k in hm.EXPECTED_THREAD_DIRECT} == hm.EXPECTED_THREAD_DIRECT
    thread = build_report(archive, roster, thread=True).as_dict()["totals"]
    assert {k: thread[k] for k in hm.EXPECTED_THREAD} == hm.EXPECTED_THREAD
    windowed = build_report(archive, roster, thread=True, window="25m").as_dict()["totals"]
    assert {k: windowed[k] for k in hm.EXPECTED_THREAD_WINDOW_25M} == hm.EXPECTED_THREAD_WINDOW_25M

    m = open_metrics(archive, roster, ReportOptions(thread=True))
    answered = dict(m.con.execute(
        "SELECT tweet_id, response_minutes FROM mention_answers WHERE response_minutes IS NOT NULL").fetchall())
    assert answered == hm.EXPECTED_THREAD_ANSWERED
    m.con.close()


def test_thread_mode_survives_a_reply_cycle(tmp_path):
    # Corrupt data: 301 and 302 reply to each other. The walk stops; nothing hangs.
    rows = [
        hm.Row(301, "2016-05-01 10:00", "11", "u1", [("1", "kpn")], reply_to=302),
        hm.Row(302, "2016-05-01 10:05", "1", "kpn", [], reply_to=301),
    ]
    archive, roster = hm.build_archive(tmp_path, rows, hm.THREAD_ROSTER_CSV)
    t = build_report(archive, roster, thread=True, sections=()).totals
    assert (t.mention_tweets, t.answered) == (1, 1)


def test_twcs_brands_from_inbound(tmp_path):
    from kwo.ingest import ingest_batches
    from kwo.schema import RowBuilder

    b = RowBuilder("twcs")
    t0 = hm.ms("2017-10-31 22:00")
    b.add(1, t0, "115712", "115712", "@sprintcare help", mentions=[(None, "sprintcare")], inbound=True)
    b.add(2, t0 + 120_000, "sprintcare", "sprintcare", "@115712 on it", in_reply_to_tweet_id=1,
          mentions=[("115712", "115712")], inbound=False)
    b.add(3, t0, "115713", "115713", "@AppleSupport @SprintCare why", mentions=[(None, "applesupport"),
          (None, "sprintcare")], inbound=True)
    b.add(4, t0, "AppleSupport", "applesupport", "hello", inbound=False)
    ingest_batches([b.flush()], tmp_path / "a")
    r = build_report(tmp_path / "a")  # no roster
    assert r.parameters.roster.startswith("derived from the archive")
    assert r.parameters.roster_sha256 is None
    t = r.totals
    assert (t.mention_tweets, t.mention_pairs, t.answered, t.answered_pairs) == (2, 3, 1, 1)
    assert t.median_response_minutes == 2.0
    assert {b.handle: (b.mentions, b.answered) for b in r.brands} == {"sprintcare": (2, 1), "applesupport": (1, 0)}


def test_no_roster_and_no_inbound_is_a_usage_error(main_case):
    archive, _ = main_case
    with pytest.raises(UsageError, match="pass the brands with --brands FILE"):
        build_report(archive)


def test_empty_archive(tmp_path):
    from kwo.ingest import ingest_batches
    from kwo.schema import empty_table

    ingest_batches([empty_table()], tmp_path / "a")
    roster = tmp_path / "b.csv"
    roster.write_text("handle,name,sector\nkpn,KPN,telecom\n")
    r = build_report(tmp_path / "a", roster)
    assert (r.totals.mention_tweets, r.totals.answered, r.totals.answered_pct, r.totals.peak_hour) == (0, 0, None, None)
    assert r.brands[0].mentions == 0 and r.brands[0].answered_pct is None
    assert sum(h.mentions for h in r.hourly) == 0 and len(r.hourly) == 24


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(tz="Europe/Amsterdam'; DROP TABLE tweets; --"), "unknown time zone"),
        (dict(window="7 days"), "--window '7 days'"),
        (dict(window="0h"), "longer than zero"),
        (dict(since="01-03-2016"), "--since '01-03-2016'"),
        (dict(until="2016-02-30"), "--until '2016-02-30'"),
        (dict(since="2016-03-02", until="2016-03-01"), "is not before"),
    ],
)
def test_bad_options(main_case, kwargs, message):
    archive, roster = main_case
    with pytest.raises(UsageError, match=re.escape(message)):
        build_report(archive, roster, **kwargs)


@pytest.mark.parametrize("text, ms", [("7d", 7 * 86_400_000), ("48h", 48 * 3_600_000), ("30m", 1_800_000),
                                       ("1d12h", 36 * 3_600_000), ("90min", 5_400_000), ("1w", 604_800_000)])
def test_parse_window(text, ms):
    assert parse_window(text) == ms


def test_parameters_describe_the_run(main_case):
    archive, roster = main_case
    from kwo import __version__
    from kwo.archive import Archive

    p = build_report(archive, roster, window="48h", thread=True, tz="UTC", sections=()).parameters
    assert (p.tz, p.mode, p.window, p.window_minutes) == ("UTC", "thread", "48h", 2880.0)
    assert p.roster == str(roster) and len(p.roster_sha256) == 64 and p.roster_brands == 4
    assert p.archive_fingerprint == Archive(archive).read_manifest().fingerprint
    assert p.kwo_version == __version__


# ---------------------------------------------------------------------------------------------
# kwo/sql/: one metric a file, a header saying what it computes, parameters bound


def test_every_query_file_has_a_header_and_names_its_parameters():
    names = all_statement_names()
    assert len(names) >= 15
    for name in names:
        f = sql_root() / f"{name}.sql"
        text = f.read_text()
        assert re.match(r"-- \w+( \([^)]*\))?: \S", text), f  # "-- mentions: the mention pairs ..."
        header = "\n".join(line for line in text.splitlines() if line.startswith("--"))
        assert "Parameters:" in header, f
        for p in query_parameters(text):
            assert f"${p}" in header, (f, p)  # every parameter is documented in the header
        assert load_query(name) == text


def test_a_wheel_carries_every_sql_file():
    import tomllib
    from pathlib import Path

    package = sql_root().parent  # kwo/
    project = tomllib.loads((package.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["kwo"]
    carried = {p for pattern in patterns for p in package.glob(pattern)}
    files = set(Path(sql_root()).rglob("*.sql"))
    assert len(files) >= 30
    assert files <= carried


def test_query_loader_refuses_paths_and_missing_parameters(main_case):
    with pytest.raises(QueryError):
        load_query("../kwo/metrics")
    with pytest.raises(QueryError, match="no query named"):
        load_query("nope")
    archive, roster = main_case
    m = open_metrics(archive, roster)
    with pytest.raises(QueryError, match="parameters not given: since, until"):
        run_query(m.con, "tables/brand_reply_kinds", {})
    m.con.close()


def test_metrics_on_an_existing_connection(main_case):
    # The library works on any connection with a tweets view (notebooks, other tools).
    from kwo.roster import load_roster

    archive, roster = main_case
    con = connect(archive)
    m = Metrics(con, load_roster(roster), ReportOptions(tz="Europe/Amsterdam"))
    assert m.totals().mention_tweets == 10
    assert [b.handle for b in m.brands()][:2] == ["ing", "kpn"]
    con.close()


# ---------------------------------------------------------------------------------------------
# Roster aliases: a brand account and its care account as one organisation (case set 3)


@pytest.mark.parametrize("roster_csv", [hm.ALIAS_ROSTER_CSV, hm.ALIAS_SPLIT_ROSTER_CSV])
def test_aliases_count_as_the_brand(tmp_path, roster_csv):
    archive, roster = hm.build_archive(tmp_path, hm.ALIAS_ROWS, roster_csv)
    r = build_report(archive, roster)
    t = r.as_dict()["totals"]
    if roster_csv is hm.ALIAS_SPLIT_ROSTER_CSV:
        # the same accounts as three brands: a tweet naming two of them is two pairs
        assert {k: t[k] for k in hm.EXPECTED_ALIAS_SPLIT_TOTALS} == hm.EXPECTED_ALIAS_SPLIT_TOTALS
        assert {b.handle for b in r.brands} == {"kpn", "kpnwebcare", "kpn_care", "ing"}
        return
    assert {k: t[k] for k in hm.EXPECTED_ALIAS_TOTALS} == hm.EXPECTED_ALIAS_TOTALS
    got = {b.handle: (b.mentions, b.answered, b.median_response_minutes, b.brand_replies, b.proactive_replies)
           for b in r.brands}
    assert got == hm.EXPECTED_ALIAS_BRANDS
    # 306 (the care account naming the brand account) is by kpn: no mention of it
    m = open_metrics(archive, roster)
    try:
        assert m.con.execute("SELECT count(*) FROM mentions WHERE tweet_id = 306").fetchone() == (0,)
        assert m.con.execute("SELECT count(*) FROM mentions WHERE tweet_id = 303").fetchone() == (1,)
    finally:
        m.con.close()
