"""The figures of issue 19 on hand-made archives, counted by hand in tests/handmade_insights.py."""

from __future__ import annotations

import pytest

from kwo.metrics import build_report
from kwo.metrics.intervals import overlaps, wilson_pct

from . import handmade_insights as hi
from .handmade import build_archive


@pytest.fixture(scope="module")
def insight_report(tmp_path_factory):
    archive, roster = build_archive(tmp_path_factory.mktemp("insights"), hi.INSIGHT_ROWS, hi.INSIGHT_ROSTER_CSV)
    return build_report(archive, roster)


def test_questions_and_handoffs_totals(insight_report):
    t = insight_report.totals
    for key, value in hi.EXPECTED_INSIGHT_TOTALS.items():
        assert getattr(t, key) == pytest.approx(value), key


def test_questions_and_handoffs_per_brand(insight_report):
    rows = {b.handle: b for b in insight_report.brands}
    for handle, expected in hi.EXPECTED_INSIGHT_BRANDS.items():
        for key, value in expected.items():
            assert getattr(rows[handle], key) == pytest.approx(value), (handle, key)


def test_questions_and_handoffs_per_sector(insight_report):
    rows = {s.sector: s for s in insight_report.sectors}
    for sector, expected in hi.EXPECTED_INSIGHT_SECTORS.items():
        for key, value in expected.items():
            assert getattr(rows[sector], key) == pytest.approx(value), (sector, key)


def test_questions_and_handoffs_in_json(insight_report):
    d = insight_report.as_dict()
    assert d["totals"]["question_tweets"] == 3 and d["totals"]["dm_handoff_replies"] == 7
    kpn = next(b for b in d["brands"] if b["handle"] == "kpn")
    assert kpn["questions_answered_pct"] == 50.0 and kpn["dm_handoff_pct"] == 75.0
    # 1 of 2 questions answered: the Wilson interval of 1/2 (see test_wilson_by_hand)
    assert kpn["questions_answered_pct_ci"] == [9.453, 90.547]


def test_wilson_by_hand():
    # 2 of 3, z = 1.959964 (z² = 3.841459): centre (2/3 + z²/6) / (1 + z²/3) = 1.306910 / 2.280486
    # = 0.573083, half-width z·sqrt(2/27 + z²/36) / (1 + z²/3) = 0.833345 / 2.280486 = 0.365424
    assert wilson_pct(2, 3) == [20.766, 93.851]
    # 1 of 2: centre exactly 1/2, half = z·sqrt(1/8 + z²/16) / (1 + z²/2) = 1.184265 / 2.920729 = 0.405469
    assert wilson_pct(1, 2) == [9.453, 90.547]
    # 0 of 1: [0, z² / (1 + z²)] = [0, 79.345]
    assert wilson_pct(0, 1) == [0.0, 79.345]
    assert wilson_pct(5, 5)[1] == 100.0 and wilson_pct(0, 0) is None


def test_wilson_is_the_score_test_inversion():
    # Independent of the closed form: the Wilson interval is every p whose score test
    # |x - n·p| <= z·sqrt(n·p·(1-p)) does not reject; find its two ends by bisection.
    from statistics import NormalDist

    z = NormalDist().inv_cdf(0.975)

    def inside(x, n, p):
        return abs(x - n * p) <= z * (n * p * (1 - p)) ** 0.5

    def edge(x, n, lo, hi):  # lo is outside the interval, hi inside (or the other way round)
        for _ in range(200):
            mid = (lo + hi) / 2
            if inside(x, n, mid) == inside(x, n, hi):
                hi = mid
            else:
                lo = mid
        return hi

    for x, n in ((1, 3), (2, 3), (58, 100), (871_000, 1_508_812), (3, 1000)):
        p = x / n
        low, high = edge(x, n, 0.0, p), edge(x, n, 1.0, p)
        assert wilson_pct(x, n) == pytest.approx([100 * low, 100 * high], abs=1e-3)


def test_overlaps():
    assert overlaps([10.0, 20.0], [19.0, 30.0]) is True
    assert overlaps([10.0, 20.0], [20.5, 30.0]) is False
    assert overlaps(None, [1.0, 2.0]) is None


def test_answered_ranking_says_where_intervals_overlap(tmp_path):
    from kwo.render.sections import answered_ranking, view_data

    from . import handmade as hm

    archive, roster = build_archive(tmp_path, hm.ROWS, hm.ROSTER_CSV)
    data = view_data(build_report(archive, roster), "report")
    # kpn 4 of 4 [51.011, 100], ns_online 1 of 2 [9.453, 90.547], ing 1 of 5 [3.622, 62.447];
    # kpnwebcare has no mentions and no rank
    got = [(r["rank"], r["handle"], r["answered_pct_ci"], r["overlaps_next"]) for r in data["answered_ranking"]]
    assert got == [(1, "kpn", [51.011, 100.0], True), (2, "ns_online", [9.453, 90.547], True),
                   (3, "ing", [3.622, 62.447], None)]
    # apart: 90 of 100 [82.563, 94.477] against 50 of 100 [40.383, 59.617]
    rows = [{"handle": h, "mentions": 100, "answered_pct": float(x), "answered_pct_ci": wilson_pct(x, 100)}
            for h, x in (("a", 50), ("b", 90))]
    ranked = answered_ranking(rows)
    assert [(r["handle"], r["overlaps_next"]) for r in ranked] == [("b", False), ("a", None)]


def test_html_draws_the_interval_over_the_bar(insight_report):
    from kwo.render.html import render_html
    from kwo.render.sections import view_data

    text = render_html(view_data(insight_report, "report"))
    # ing answered 5 of 6 pairs (605 608 610 612 614): Wilson [43.65, 96.995]
    assert 'data-ci="43.65 96.995" style="left: 43.6%; width: 53.3%"' in text
    assert 'title="95% interval 43.6–97.0%"' in text


@pytest.fixture(scope="module")
def business_case(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("business"), hi.BUSINESS_ROWS, hi.BUSINESS_ROSTER_CSV)


def test_business_minutes_per_pair(business_case):
    from kwo.metrics import open_metrics

    archive, roster = business_case
    with open_metrics(archive, roster) as m:
        got = dict(m.con.execute("SELECT tweet_id, business_minutes FROM business_answers").fetchall())
    assert got == pytest.approx(hi.EXPECTED_BUSINESS_MINUTES)


def test_business_response_per_brand_sector_and_overall(business_case):
    archive, roster = business_case
    report = build_report(archive, roster)
    brands = {b.handle: (b.median_business_response_minutes, b.p90_business_response_minutes) for b in report.brands}
    assert brands == hi.EXPECTED_BUSINESS_BRANDS
    t = report.totals
    assert (t.median_business_response_minutes, t.p90_business_response_minutes) == hi.EXPECTED_BUSINESS_TOTALS
    sectors = {s.sector: s.median_business_response_minutes for s in report.sectors}
    assert sectors == hi.EXPECTED_BUSINESS_SECTORS
    # the plain response times are unchanged: shop's are 45 90 810 ... (the clock never stops)
    assert {b.handle: b.median_response_minutes for b in report.brands}["bank"] == 60.0


def test_open_spans_follow_the_time_zone_rules():
    from kwo.metrics.business_hours import open_span_columns
    from kwo.roster import Roster, parse_roster

    from .handmade import ms

    roster = Roster(parse_roster("handle,name,sector,hours\nx,X,s,mon-fri 09:00-17:00\n"))
    cols, clocks = open_span_columns(roster, "Europe/Amsterdam", ms("2016-03-25 12:00"), ms("2016-03-28 12:00"))
    assert clocks == {"brand_key": [0], "clock": [0]}
    assert cols["from_2"] == [None] * 6  # one stretch a day at most
    spans = [(f, t) for f, t in zip(cols["from_1"], cols["to_1"]) if f is not None]
    # Thursday 24 to Tuesday 29 March (a day either side); 09:00-17:00 is 08:00-16:00 UTC in CET and
    # 07:00-15:00 UTC in CEST, from Monday 28 March on; the weekend has no span
    assert spans == [(ms(f"2016-03-{d} {a}"), ms(f"2016-03-{d} {b}")) for d, a, b in (
        ("24", "08:00", "16:00"), ("25", "08:00", "16:00"), ("28", "07:00", "15:00"), ("29", "07:00", "15:00"))]
    # every UTC day of the span has a row; the open time before each day adds up
    days = sorted(set(cols["day"]))
    assert len(days) == 6 and days == list(range(days[0], days[0] + 6))
    before = dict(zip(cols["day"], cols["open_before_ms"]))
    assert [before[d] // 3_600_000 for d in days] == [0, 8, 16, 16, 16, 24]


def test_trend_per_month_and_iso_week(tmp_path):
    archive, roster = build_archive(tmp_path, hi.TREND_ROWS, hi.TREND_ROSTER_CSV)
    report = build_report(archive, roster)
    assert [(r.handle, r.month, r.mentions, r.answered, r.answered_pct, r.median_response_minutes)
            for r in report.more["monthly"]] == hi.EXPECTED_MONTHLY
    assert [(r.handle, r.week, r.week_start, r.mentions, r.answered, r.answered_pct, r.median_response_minutes)
            for r in report.more["weekly"]] == hi.EXPECTED_WEEKLY
    d = report.as_dict()
    assert d["monthly"][0]["answered_pct_ci"] == [9.453, 90.547]  # 1 of 2
    from kwo.render.html import render_html
    from kwo.render.sections import view_data

    text = render_html(view_data(report, "report"))
    assert '<figure data-chart="trend">' in text and "the five most mentioned brands" in text
