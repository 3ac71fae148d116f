"""Agents (issue 19): signatures under brand replies, counted by hand on tests/handmade.py's
SIGN_ROWS (the reasoning is in the comments there)."""

from __future__ import annotations

import json

import pytest

import kwo
from tests import handmade as hm


@pytest.fixture(scope="module")
def sign_case(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("sign"), hm.SIGN_ROWS, hm.SIGN_ROSTER_CSV)


@pytest.fixture(scope="module")
def report(sign_case):
    archive, roster = sign_case
    return kwo.build_report(archive, roster, since="2016-03-07", until="2016-03-20")


def test_brand_agents_and_signed_replies(report):
    brands = {b.handle: b for b in report.brands}
    assert (brands["acme"].agents, brands["acme"].signed_replies, brands["acme"].brand_replies) == (3, 8, 10)
    assert brands["acme"].signed_pct == pytest.approx(80.0)
    assert (brands["bolt"].agents, brands["bolt"].signed_replies, brands["bolt"].signed_pct) == (1, 1, 100.0)


def test_totals_count_each_brands_agents(report):
    t = report.totals
    assert (t.agents, t.signed_replies, t.brand_replies) == (4, 9, 11)
    assert t.signed_pct == pytest.approx(100 * 9 / 11)


def test_sectors(report):
    sectors = {s.sector: s for s in report.sectors}
    assert (sectors["telecom"].agents, sectors["telecom"].signed_replies, sectors["telecom"].signed_pct) == (3, 8, 80.0)
    assert (sectors["energy"].agents, sectors["energy"].signed_replies, sectors["energy"].signed_pct) == (1, 1, 100.0)


def test_agent_table(report):
    rows = [(a.handle, a.agent, a.replies, a.replies_to_mentions, a.median_response_minutes, a.hours_active)
            for a in report.section("brand_agents")]
    assert rows == [
        ("acme", "^AB", 4, 4, 10.0, 4),
        ("acme", "-Sanne", 2, 2, 25.0, 1),  # a URL, then an emoji after the signature
        ("acme", "^CD", 2, 2, 35.0, 2),
        ("bolt", "/Piet", 1, 1, 45.0, 1),
    ]


def test_agents_in_every_format(sign_case, tmp_path):
    from tests.kwo_cli import run_kwo

    archive, roster = sign_case
    args = ["brands", "-a", str(archive), "-b", str(roster), "--since", "2016-03-07", "--until", "2016-03-20"]
    md = run_kwo(*args, "-f", "markdown").stdout
    assert "| acme | \\-Sanne | 2 | 2 | 25.0 | 1 |" in md  # Markdown escapes the leading dash
    data = json.loads(run_kwo(*args, "-f", "json").stdout)
    assert data["brand_agents"][3] == {"handle": "bolt", "agent": "/Piet", "replies": 1, "replies_to_mentions": 1,
                                       "median_response_minutes": 45.0, "hours_active": 1}
    assert [(b["handle"], b["agents"], b["signed_replies"]) for b in data["brands"]] == [("acme", 3, 8), ("bolt", 1, 1)]
    table = run_kwo(*args).stdout
    assert "Agents per brand" in table and "/Piet" in table
