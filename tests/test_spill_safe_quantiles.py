"""The medians and p90s of the report are quantile_cont's, computed spill-safe.

quantile_cont (and median) keep every value of a group in memory and cannot spill: on 10M
mention pairs under a 300 MB limit the report ran out of memory. kwo/sql/metrics/brands.sql, hourly.sql,
response_summary.sql and sectors.sql group the answered pairs by response time instead (a hash
aggregate, which spills) and pick the neighbours at quantile_cont's positions from running counts;
kwo.engine.duckdb_sql.run_query has DuckDB interpolate them. Tables that fit in memory use quantile_cont itself
(kwo/sql/tables/kwo_quantiles.in_memory.sql). These tests pin both macros to DuckDB's own quantile_cont, bit
for bit, on awkward inputs: one value, two, even and odd counts, ties, a group
without answers, NULLs, negative times, values that are not whole milliseconds.
"""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kwo.engine.duckdb_sql import interpolate_quantiles, run_query, run_statement

#: The two kwo_quantiles macros (kwo/sql/tables/kwo_quantiles.*.sql: "-- when: quantiles=...").
QUANTILES, QUANTILES_IN_MEMORY = "tables/kwo_quantiles.spill_safe", "tables/kwo_quantiles.in_memory"

SECTORS = ("telecom", "energy", "transport")


def _connection(groups: list[list[float | None]], macro: str = QUANTILES) -> duckdb.DuckDBPyConnection:
    """Tables shaped like kwo.metrics.tables' with brand i's answered pairs taking the times groups[i]; the
    mention hour cycles through 0-23 and the brand's sector through SECTORS. ``macro`` defines
    kwo_quantiles (spill-safe, or quantile_cont's for tables in memory)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "CREATE TEMP TABLE brands (brand_key INTEGER, handle VARCHAR, name VARCHAR, sector VARCHAR, "
        "user_id VARCHAR, hours VARCHAR, tz VARCHAR, has_hours BOOLEAN)"
    )
    con.execute(
        "CREATE TEMP TABLE mention_answers (tweet_id BIGINT, brand_key INTEGER, created_at TIMESTAMPTZ, "
        "local_time TIMESTAMP, first_reply_at TIMESTAMPTZ, response_minutes DOUBLE, several BOOLEAN)"
    )
    con.execute("CREATE TEMP TABLE brand_reply_kinds (tweet_id BIGINT, brand_key INTEGER, kind VARCHAR)")
    con.execute("CREATE TEMP TABLE mention_closed (tweet_id BIGINT, brand_key INTEGER, hour INTEGER, closed BOOLEAN)")
    con.execute("CREATE TEMP TABLE mention_tweets (tweet_id BIGINT, hour INTEGER, answered BOOLEAN)")
    con.execute("CREATE TEMP TABLE brand_authored (tweet_id BIGINT, brand_key INTEGER, collected BOOLEAN)")
    con.execute("CREATE TEMP TABLE mentioned (tweet_id BIGINT, brand_key INTEGER)")
    con.execute("CREATE TEMP TABLE reply_signatures (tweet_id BIGINT, brand_key INTEGER, created_at TIMESTAMPTZ, "
                "in_reply_to_tweet_id BIGINT, several BOOLEAN, signature VARCHAR)")
    run_statement(con, macro)  # the kwo_quantiles macro the queries call
    brands = [(i, f"b{i}", f"B{i}", SECTORS[i % len(SECTORS)], None, None, None, False) for i in range(len(groups))]
    if brands:
        con.executemany("INSERT INTO brands VALUES (?, ?, ?, ?, ?, ?, ?, ?)", brands)
    keys, hours, values = [], [], []
    for key, vals in enumerate(groups):
        for j, v in enumerate(vals):
            keys.append(key)
            hours.append((key * 7 + j) % 24)
            values.append(v)
    con.execute(
        "INSERT INTO mention_answers SELECT i, k, TIMESTAMPTZ '2016-03-01 00:00:00+00', "
        "TIMESTAMP '2016-03-01 00:00:00' + h * INTERVAL 1 HOUR, "
        "CASE WHEN v IS NOT NULL THEN TIMESTAMPTZ '2016-03-02 00:00:00+00' END, v, false "
        "FROM (SELECT unnest(range(len($k))) AS i, unnest($k) AS k, unnest($h) AS h, unnest($v::DOUBLE[]) AS v)",
        {"k": keys, "h": hours, "v": values},
    )
    run_statement(con, "tables/brand_counts")  # the per-brand counts brands.sql reads
    return con


def _expected(con, key: str, p90: bool = True) -> dict:
    q = ", quantile_cont(response_minutes, 0.9)" if p90 else ""
    rows = con.execute(
        f"SELECT {key}, median(response_minutes){q} FROM brands b LEFT JOIN mention_answers a USING (brand_key) "
        f"GROUP BY {key}"
    ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def _check(groups: list[list[float | None]]) -> None:
    for macro in (QUANTILES, QUANTILES_IN_MEMORY):
        _check_macro(groups, macro)


def _check_macro(groups: list[list[float | None]], macro: str) -> None:
    con = _connection(groups, macro)
    try:
        brands = {r["handle"]: (r["median_response_minutes"], r["p90_response_minutes"])
                  for r in run_query(con, "metrics/brands")}
        assert brands == {f"b{k}": v for k, v in _expected(con, "b.brand_key").items()}
        hourly = {r["hour"]: (r["median_response_minutes"], r["p90_response_minutes"])
                  for r in run_query(con, "metrics/hourly")}
        expected = {r[0]: r[1:] for r in con.execute(
            "SELECT hour(local_time), median(response_minutes), quantile_cont(response_minutes, 0.9) "
            "FROM mention_answers GROUP BY 1").fetchall()}
        assert hourly == {h: expected.get(h, (None, None)) for h in range(24)}
        sectors = {r["sector"]: (r["median_response_minutes"],) for r in run_query(con, "metrics/sectors")}
        assert sectors == _expected(con, "b.sector", p90=False)
        (summary,) = run_query(con, "metrics/response_summary")
        overall = con.execute(
            "SELECT median(response_minutes), quantile_cont(response_minutes, 0.9), avg(response_minutes), "
            "count(*), count(response_minutes) FROM mention_answers"
        ).fetchone()
        assert (summary["median_minutes"], summary["p90_minutes"], summary["mean_minutes"],
                summary["mention_pairs"], summary["answered_pairs"]) == overall
    finally:
        con.close()


def _minutes(ms: list[int]) -> list[float]:
    return [m / 60000.0 for m in ms]


@pytest.mark.parametrize(
    "groups",
    [
        [],  # no brands
        [[]],  # a brand without mentions
        [[None, None]],  # mentions, none answered
        [[5.0]],  # one value
        [[5.0, 7.0]],  # two: the median interpolates halfway, p90 at 0.9
        [_minutes([61000, 1000, 59999, 3])],  # even count
        [_minutes([61000, 1000, 59999, 3, 120000])],  # odd count
        [[3.0] * 9 + [4.0]],  # ties around every position
        [[1.0] * 10 + [2.0] * 10 + [None] * 3],  # ties, NULLs
        [[-2.5, -1.0, 0.0, 0.0, 7.25]],  # negative times (a reply stamped before its mention)
        [_minutes(list(range(0, 10**7, 9973))), [], [0.1, 0.2, 0.3], _minutes([7] * 1000 + [11] * 3)],
        [[0.1 * i for i in range(n)] for n in range(1, 25)],  # every count from 1 to 24
    ],
)
def test_quantiles_equal_quantile_cont(groups):
    _check(groups)


_value = st.one_of(
    st.none(),
    st.integers(-10**6, 10**10).map(lambda ms: ms / 60000.0),  # response times: whole milliseconds
    st.sampled_from([0.0, 1.0, 1.5, 30.0, 60.0]),  # ties
    st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False),  # any double
)


@given(st.lists(st.lists(_value, max_size=60), max_size=8))
def test_quantiles_equal_quantile_cont_on_generated_groups(groups):
    _check(groups)


def test_many_distinct_fractions_in_one_query():
    # p90's fraction h - floor(h) differs with the count; every brand here has another count
    _check([_minutes([(i * 7919 + j * 104729) % 10**8 for j in range(n)]) for i, n in enumerate(range(2, 160, 3))])


def test_interpolation_is_duckdbs_own():
    # On two values quantile_cont(x, q) interpolates at fraction q: the same computation
    con = duckdb.connect()
    lo, hi, frac = 1.0 / 3, 2.0 / 7, 0.7000000000000002
    (expected,) = con.execute("SELECT quantile_cont(x, $q) FROM (VALUES ($lo::DOUBLE), ($hi::DOUBLE)) t(x)",
                              {"q": frac, "lo": lo, "hi": hi}).fetchone()
    rows = [{"x__lo": lo, "x__hi": hi, "x__frac": frac, "y": 1}, {"x__lo": 2.0, "x__hi": 3.0, "x__frac": 0.0, "y": 2},
            {"x__lo": None, "x__hi": None, "x__frac": None, "y": 3}]
    assert interpolate_quantiles(con, rows) == [{"x": expected, "y": 1}, {"x": 2.0, "y": 2}, {"x": None, "y": 3}]
    con.close()


# ---------------------------------------------------------------------------------------------
# Whole reports under a tiny memory limit


@pytest.fixture(scope="module")
def sample_archive(tmp_path_factory):
    from kwo import sample

    out = tmp_path_factory.mktemp("tiny-limit") / "sample"
    sample.generate(out, tweets=60_000, seed=7, fmt="parquet")
    return out, out / "brands.csv"


@pytest.mark.parametrize("thread", [False, True])
def test_report_under_a_tiny_memory_limit_is_identical(sample_archive, thread):
    """The default report and the same under KWO_MEMORY_LIMIT=40MB, with the tables in memory and
    in a scratch database file (what archives too large for the limit get): the same figures to
    the last bit."""
    from kwo.archive import Archive
    from kwo.engine.duckdb import wants_scratch
    from kwo.metrics import build_report
    from kwo.settings import Settings

    archive, brands = sample_archive
    rows = sum(p["rows"] for p in Archive(archive).read_manifest().parts)
    assert not wants_scratch(rows)
    assert wants_scratch(rows, "4MB")  # tables of ~50 B a row would not fit
    expected = build_report(archive, brands, thread=thread, details=True).as_dict()
    small = Settings(memory_limit="40MB")
    assert build_report(archive, brands, thread=thread, details=True, settings=small).as_dict() == expected
    on_file = Settings(memory_limit="40MB", scratch=True)
    assert build_report(archive, brands, thread=thread, details=True, settings=on_file).as_dict() == expected
    assert expected["totals"]["median_response_minutes"] is not None


def test_scratch_database_leaves_nothing_behind(sample_archive):
    import glob
    import tempfile

    from kwo.metrics import open_metrics
    from kwo.settings import Settings

    archive, brands = sample_archive
    before = set(glob.glob(f"{tempfile.gettempdir()}/kwo-spill-*/scratch-*"))
    m = open_metrics(archive, brands, settings=Settings(scratch=True))
    assert m.con.execute("SELECT count(*) FROM mention_answers").fetchone()[0] > 0
    m.con.close()
    assert set(glob.glob(f"{tempfile.gettempdir()}/kwo-spill-*/scratch-*")) <= before
