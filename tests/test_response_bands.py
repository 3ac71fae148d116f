"""Response-time bands as bands, cumulative shares, and the "answered within" figures of the
survey's guideline thresholds (kwo.metrics.bands), against a hand count of tests/handmade.py.

Hand count (hm.ROWS, 11 mention pairs, the response minutes listed there): kpn's 4 mentions
answered after 5, 20, 30 and 60 min (3 up to 30 min, bounds inclusive; 1 in 30 min to 1 h); ing's
1 answer of 5 after exactly 60 min; ns_online's 1 answer of 2 after 40 min. So within 30 min: 3
pairs of 11; within 1 h: 3 + 3 = 6; nothing later."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from kwo.metrics.bands import BANDS

from . import handmade as hm
from .kwo_cli import run_kwo


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("bands"), hm.ROWS, hm.ROSTER_CSV)


@pytest.fixture(scope="module")
def data(case):
    archive, roster = case
    return json.loads(run_kwo("report", "-a", archive, "-b", roster, "-f", "json").stdout)


def test_the_bands_are_those_of_the_sql(data):
    # kwo/sql/tables/response_bands.sql writes the buckets; kwo.metrics.bands names them
    assert [r["bucket"] for r in data["response_times"]] == [b.bucket for b in BANDS] == list(hm.EXPECTED_BUCKETS)


def test_bands_and_cumulative_shares(data):
    rows = [(r["band"], r["count"], r["within"], r["within_pct"], r["within_answered_pct"])
            for r in data["response_times"]]
    assert rows == [
        ("up to 30 min", 3, "within 30 min", 27.273, 50.0),  # 3/11, 3/6
        ("30 min to 1 h", 3, "within 1 h", 54.545, 100.0),  # 6/11, 6/6
        ("1 h to 4 h", 0, "within 4 h", 54.545, 100.0),
        ("4 h to 8 h", 0, "within 8 h", 54.545, 100.0),
        ("8 h to 24 h", 0, "within 24 h", 54.545, 100.0),
        ("24 h to 48 h", 0, "within 48 h", 54.545, 100.0),
        ("more than 48 h", 0, "answered at all", 54.545, 100.0),
        ("unanswered", 5, None, None, None),
    ]


def test_answered_within_per_brand_and_in_totals(data):
    keys = ("30m", "1h", "4h", "8h", "24h", "48h")

    def within(row):
        return [row[f"answered_within_{k}_pct"] for k in keys]

    brands = {b["handle"]: within(b) for b in data["brands"]}
    assert brands == {
        "kpn": [75.0] + [100.0] * 5,  # 3 of 4 within 30 min, all 4 within 1 h
        "ing": [0.0] + [20.0] * 5,  # its one answer (of 5) after exactly 60 min
        "ns_online": [0.0] + [50.0] * 5,  # 1 of 2 after 40 min
        "kpnwebcare": [None] * 6,  # no mentions
    }
    assert within(data["totals"]) == [27.273] + [54.545] * 5  # 3/11, 6/11


def test_every_format_shows_bands_and_cumulative_shares(case, tmp_path):
    archive, roster = case
    base = ("response-times", "-a", archive, "-b", roster)
    table = run_kwo(*base).stdout
    assert "30 min to 1 h" in table and "within 1 h" in table and "54.5%" in table
    assert "answered within 1 h (% of pairs)" in table
    md = run_kwo(*base, "-f", "markdown").stdout
    assert "| 30 min to 1 h | 3 | 27.3% | 50.0% | within 1 h | 54.5% | 100.0% |" in md
    assert "| answered within 1 h (% of pairs) | 54.5% |" in md
    rows = list(csv.DictReader(io.StringIO(run_kwo(*base, "-f", "csv").stdout)))
    assert [(r["bucket"], r["band"], r["within"], r["within_pct"]) for r in rows][:2] == [
        ("<=30 min", "up to 30 min", "within 30 min", "27.273"), ("<=1 h", "30 min to 1 h", "within 1 h", "54.545")]
    run_kwo(*base, "-o", tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["response_times"]
    header = [c.value for c in sheet[1]]
    second = {h: c.value for h, c in zip(header, sheet[3])}
    assert (second["band"], second["within"], second["within_pct"]) == ("30 min to 1 h", "within 1 h", 54.545)
    totals = {r[0]: r[1] for r in csv.reader(io.StringIO(run_kwo(*base, "-f", "csv", "--section", "totals").stdout))}
    assert totals["answered_within_1h_pct"] == "54.545"
