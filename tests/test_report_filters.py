"""--brand and --sector (kwo.roster_filter): every report command on the hand-made archive of
tests/handmade.py, narrowed; the figures are the hand-counted ones of the brands kept
(hm.EXPECTED_BRANDS), the totals theirs, and every format says so."""

from __future__ import annotations

import csv
import io
import json

import pytest

from . import handmade as hm
from .kwo_cli import run_kwo


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("filters"), hm.ROWS, hm.ROSTER_CSV)


def _json(case, command, *args):
    archive, roster = case
    return json.loads(run_kwo(command, "-a", archive, "-b", roster, "-f", "json", *args).stdout)


BRAND_KEYS = ("mentions", "answered", "answered_pct", "median_response_minutes", "proactive_replies",
              "replies_parent_missing", "closed_pct")


def test_one_brand_report_has_its_figures_and_totals(case):
    data = _json(case, "report", "--brand", "ing")
    ing = hm.EXPECTED_BRANDS["ing"]
    assert [b["handle"] for b in data["brands"]] == ["ing"]
    assert {k: data["brands"][0][k] for k in BRAND_KEYS} == {k: ing[k] for k in BRAND_KEYS}
    # ing: 5 mention tweets, 1 answered (after 60 min), 3 replies: 2 to mentions, 1 parent missing
    t = data["totals"]
    assert (t["mention_tweets"], t["mention_pairs"], t["answered"], t["answered_pct"]) == (5, 5, 1, 20.0)
    assert (t["brand_replies"], t["replies_to_mentions"], t["replies_parent_missing"]) == (3, 2, 1)
    assert t["brands_mentioned"] == 1 and t["median_response_minutes"] == 60.0
    assert [s["sector"] for s in data["sectors"]] == ["finance"]
    assert sum(h["mentions"] for h in data["hourly"]) == 5
    p = data["parameters"]
    assert p["brand_filter"] == ["ing"] and p["sector_filter"] == [] and p["roster_brands"] == 1


def test_brands_and_sector_add_up(case):
    both = _json(case, "report", "--brand", "@KPN", "--brand", "ns_online", "--brand", "kpn")
    assert [b["handle"] for b in both["brands"]] == ["kpn", "ns_online"]
    assert both["parameters"]["brand_filter"] == ["kpn", "ns_online"]  # @ and case ignored, named once
    e = hm.EXPECTED_BRANDS
    assert both["totals"]["mention_tweets"] == e["kpn"]["mentions"] + e["ns_online"]["mentions"] == 6
    assert both["totals"]["answered"] == e["kpn"]["answered"] + e["ns_online"]["answered"] == 5
    telecom = _json(case, "answered", "--sector", "Telecom")  # case ignored
    assert telecom["parameters"]["sector_filter"] == ["telecom"]
    assert [(s["sector"], s["brands"], s["mention_tweets"], s["answered"]) for s in telecom["sectors"]] == [
        ("telecom", 2, 4, 4)]  # kpn and kpnwebcare (mentioned nowhere)
    assert telecom["totals"]["mention_tweets"] == 4 and telecom["totals"]["answered_pct"] == 100.0
    kpn = _json(case, "brands", "--sector", "telecom", "--brand", "kpn")  # both: kpn
    assert [b["handle"] for b in kpn["brands"]] == ["kpn"]


@pytest.mark.parametrize("command, check", [
    ("brands", lambda d: [b["mentions"] for b in d["brands"]] == [5]),
    ("answered", lambda d: d["totals"]["mention_tweets"] == 5 and d["totals"]["answered"] == 1),
    ("proactive", lambda d: (d["totals"]["brand_replies"], d["totals"]["proactive_replies"]) == (3, 0)),
    ("rush-hour", lambda d: sum(h["mentions"] for h in d["hourly"]) == 5),
    # ing's one answer came after exactly 60 minutes; its other 4 mentions are unanswered
    ("response-times", lambda d: {r["bucket"]: r["count"] for r in d["response_times"]}
     == {"<=30 min": 0, "<=1 h": 1, "<=4 h": 0, "<=8 h": 0, "<=24 h": 0, "<=48 h": 0, ">48 h": 0, "unanswered": 4}),
])
def test_every_report_command_takes_the_filter(case, command, check):
    data = _json(case, command, "--brand", "ing")
    assert data["parameters"]["brand_filter"] == ["ing"]
    assert check(data)


def test_every_format_says_the_figures_are_narrowed(case, tmp_path):
    archive, roster = case
    base = ("report", "-a", archive, "-b", roster, "--brand", "ing", "--sector", "finance")
    said = "brand @ing and sector finance (--brand/--sector: the figures are those brands')"
    assert f"only                              {said}" in run_kwo(*base).stdout
    assert f"- **only**: {said}" in run_kwo(*base, "-f", "markdown").stdout
    params = {r[0]: r[1] for r in csv.reader(io.StringIO(run_kwo(*base, "-f", "csv", "--section",
                                                                 "parameters").stdout))}
    assert params["brand_filter"] == "ing" and params["sector_filter"] == "finance"
    run_kwo(*base, "-o", tmp_path / "r.html")
    assert said.replace("'", "&#39;") in (tmp_path / "r.html").read_text(encoding="utf-8")
    run_kwo("chart", "rush-hour", "-a", archive, "-b", roster, "--brand", "ing", "-o", tmp_path / "c.svg")
    assert (tmp_path / "c.svg").read_text().startswith("<?xml")


@pytest.mark.parametrize("args, message", [
    (["--brand", "ingg"], "--brand 'ingg': no brand of the roster ({roster}) has that handle; did you mean ing?"),
    (["--brand", "zzzz"], "--brand 'zzzz': no brand of the roster ({roster}) has that handle; its handles: ing, "
                          "kpn, kpnwebcare, ns_online"),
    (["--sector", "telcom"], "--sector 'telcom': no brand of the roster ({roster}) is in that sector; did you mean "
                             "telecom?"),
    (["--brand", "ing", "--sector", "telecom"], "no brand is both @ing and in telecom: --brand and --sector "
                                                "together keep the brands that meet both"),
])
def test_unknown_names_are_errors_with_near_matches(case, args, message):
    archive, roster = case
    result = run_kwo("brands", "-a", archive, "-b", roster, *args, code=2)
    assert f"Error: {message.format(roster=roster)}\n" in result.output
