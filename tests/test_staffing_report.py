"""kwo staffing (issue 20) on tests/handmade.py's SIGN_ROWS: arrivals, agents seen and agents needed
counted by hand (the rows' comments say which hour holds what).

Erlang C by hand, aht 30 min, 80% within 5 min (load A = rate * 30 / 60; B by the recursion
B(n) = A B(n-1) / (n + A B(n-1)); C = n B / (n - A (1 - B)); SL = 1 - C exp(-(n - A) * 5 / 30)):
- 3 mentions an hour: A = 1.5. n = 2: B = 0.3103, C = 0.6429, SL = 40.9%; n = 3: B = 0.1343,
  C = 0.2368, SL = 81.6%: 3 agents.
- 1 an hour: A = 0.5. n = 1: C = 0.5, SL = 54.0%; n = 2: C = 0.1, SL = 92.2%: 2 agents.
- 0.5 an hour: A = 0.25. n = 1: C = 0.25, SL = 77.9%; n = 2: C = 0.0278, SL = 97.9%: 2 agents.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kwo.staffing_report import period_hours
from tests import handmade as hm
from tests.kwo_cli import run_kwo


@pytest.fixture(scope="module")
def sign_case(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("sign"), hm.SIGN_ROWS, hm.SIGN_ROSTER_CSV)


def _staffing(sign_case, *extra):
    archive, roster = sign_case
    out = run_kwo("staffing", "-a", str(archive), "-b", str(roster), "--aht", "30m", "--target", "80",
                  "--within", "5m", "-f", "json", *extra).stdout
    return json.loads(out)


def cell(data, brand, weekday, hour):
    (row,) = [r for r in data["staffing"] if (r["brand"], r["weekday"], r["hour"]) == (brand, weekday, hour)]
    return row


def test_needed_and_seen_over_two_weeks(sign_case):
    data = _staffing(sign_case, "--since", "2016-03-07", "--until", "2016-03-20")
    assert len(data["staffing"]) == 2 * 168
    assert data["staffing_parameters"]["period_hours"] == 14 * 24
    assert {r["hours_in_period"] for r in data["staffing"]} == {2}
    got = [(r["mentions_per_hour"], r["agents_needed"], r["agents_seen"], r["open"], r["gap"])
           for r in (cell(data, "acme", 1, 9), cell(data, "acme", 4, 15), cell(data, "acme", 6, 11),
                     cell(data, "bolt", 2, 10), cell(data, "acme", 1, 3))]
    assert got == [(3.0, 3, 1.5, True, 1.5), (1.0, 2, 2.0, True, 0.0), (0.5, 2, 0.0, False, 2.0),
                   (0.5, 2, 0.5, None, 1.5), (0.0, 0, 0.0, False, 0.0)]
    summary = {s["brand"]: s for s in data["staffing_summary"]}
    # acme: 9 mentions; Mon 09h (6, understaffed) and Sat 11h (1, closed and understaffed): 7 of 9
    assert summary["acme"] == {"brand": "acme", "mentions": 9, "understaffed_hours": 2,
                               "mentions_closed_or_understaffed": 7, "closed_or_understaffed_pct": 77.778,
                               "agent_hours_needed": 7, "agent_hours_seen": 3.5}
    assert [(r["brand"], r["weekday"], r["hour"], r["gap"]) for r in data["most_understaffed"]] == [
        ("acme", 6, 11, 2.0), ("acme", 1, 9, 1.5), ("bolt", 2, 10, 1.5)]


def test_the_period_from_the_coverage_counts_each_weekday_hour(sign_case):
    # no --since/--until: from the first tweet's hour (Mon 7 Mar 09h local) to the last's (Thu 17
    # Mar 15h): Mon 09h twice, Sat 11h once (12 Mar), Thu 15h twice
    data = _staffing(sign_case, "--brand", "acme")
    assert {r["brand"] for r in data["staffing"]} == {"acme"}
    assert [cell(data, "acme", *c)["hours_in_period"] for c in ((1, 9), (6, 11), (4, 15), (4, 16))] == [2, 1, 2, 1]
    assert cell(data, "acme", 6, 11)["mentions_per_hour"] == 1.0


def test_daylight_saving_in_the_period_hours():
    # Amsterdam, Mon 21 Mar 2016 00:00 local (20 Mar 23:00 UTC) to Mon 28 Mar 00:00 local (27 Mar
    # 22:00 UTC): 167 hours; Sunday's 02h does not exist. Around 30 Oct the 02h of Sunday is twice.
    first = (hm.ms("2016-03-20 23:00") // 3_600_000)
    cells = period_hours(first, first + 167, "Europe/Amsterdam")
    counts = [int((cells == c).sum()) for c in range(168)]
    assert counts[6 * 24 + 2] == 0 and sum(counts) == 167 and set(counts[:6 * 24]) == {1}
    first = (hm.ms("2016-10-23 22:00") // 3_600_000)
    cells = period_hours(first, first + 169, "Europe/Amsterdam")
    assert int((cells == 6 * 24 + 2).sum()) == 2


@pytest.mark.parametrize("option, value, message", [
    ("--aht", "0m", "must be more than 0"),
    ("--aht", "four", "is not a duration; example: --aht 4m"),
    ("--within", "-5m", "is not a duration; example: --within 4m"),
    ("--target", "100", "(100% cannot be met under Erlang C); example: --target 80"),
    ("--target", "abc", "a percentage above 0 and below 100"),
])
def test_bad_parameters_are_clear_errors(sign_case, option, value, message):
    archive, roster = sign_case
    result = run_kwo("staffing", "-a", str(archive), "-b", str(roster), option, value, code=2)
    assert message in result.stderr and "Traceback" not in result.stderr


# ---------------------------------------------------------------------------------------------
# The committed sample's staffing is stable: a golden file (KWO_UPDATE_GOLDEN=1 rewrites it)

GOLDEN = Path(__file__).resolve().parent / "golden" / "sample_staffing.tsv"
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def golden_text(data: dict, brand: str) -> str:
    """The parameters, every brand's summary, the most understaffed hours and one brand's 168 rows."""
    def line(d):
        return "\t".join("" if v is None else str(v) for v in d.values())

    p = data["staffing_parameters"]
    out = ["# " + line({k: p[k] for k in ("aht_minutes", "target_pct", "within_minutes", "tz", "period_hours",
                                          "period_start_utc", "period_end_utc")}),
           "# summaries", *map(line, data["staffing_summary"]),
           "# most understaffed", *map(line, data["most_understaffed"]),
           f"# {brand}", *(line(r) for r in data["staffing"] if r["brand"] == brand)]
    return "\n".join(out) + "\n"


def test_sample_staffing_is_stable(tmp_path):
    archive = tmp_path / "archive"
    run_kwo("ingest", *sorted(str(p) for p in SAMPLE.glob("*.jsonl.gz")), "--archive", str(archive), "-q")
    out = run_kwo("staffing", "-a", str(archive), "-b", str(SAMPLE / "brands.csv"), "-f", "json").stdout
    text = golden_text(json.loads(out), "zeestroomhelp")
    if os.environ.get("KWO_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_the_report_has_a_staffing_section(sign_case):
    """kwo report's JSON carries the staffing summaries at the defaults (4 min, 80% within 60 min)
    and the agents needed and seen per weekday-hour summed over the brands; the HTML its heatmap."""
    archive, roster = sign_case
    args = ("-a", str(archive), "-b", str(roster), "--since", "2016-03-07", "--until", "2016-03-20")
    report = json.loads(run_kwo("report", *args, "-f", "json").stdout)["staffing"]
    alone = json.loads(run_kwo("staffing", *args, "-f", "json").stdout)
    assert report["summary"] == alone["staffing_summary"]
    assert report["most_understaffed"] == alone["most_understaffed"]
    assert (report["parameters"]["aht_minutes"], report["parameters"]["target_pct"],
            report["parameters"]["within_minutes"]) == (4.0, 80.0, 60.0)
    # Mon 09h: acme 3 an hour (load 0.2: one agent answers 80% within the hour), seen 1.5; bolt none
    monday_9 = report["weekly"][9]
    assert (monday_9["weekday"], monday_9["hour"], monday_9["mentions_per_hour"], monday_9["agents_needed"],
            monday_9["agents_seen"]) == (1, 9, 3.0, 1, 1.5)
    page = run_kwo("report", *args, "-f", "html").stdout
    assert 'id="kwo-chart-staffing"' in page and 'id="staffing-table"' in page
