"""The metric registry (kwo.metrics.registry): the recipe of CONTRIBUTING.md "Add a metric" works,
an SQL file and one registry entry make a section of every output, and the readers of the registry
(the report, the renderers, the CLI section commands, the demo) agree with it."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from kwo.cli import cli
from kwo.cli.report import _COMMANDS
from kwo.demo import section_keys, truth_mismatches
from kwo.metrics import build_report
from kwo.metrics.registry import METRICS, Metric, register_metric, unregister_metric
from kwo.render import render
from kwo.render.sections import COLUMNS, SECTION_TITLES, VIEWS

from . import handmade as hm

TOY_SQL = """-- pairs_per_sector: mention pairs and answered pairs per sector (a toy metric of the tests).
-- Parameters: none.
-- depends: mention_answers, brands
SELECT b.sector, count(*) AS pairs, count(a.first_reply_at) AS answered_pairs,
       100.0 * count(a.first_reply_at) / count(*) AS answered_pct
FROM mention_answers a JOIN brands b USING (brand_key)
GROUP BY b.sector
ORDER BY pairs DESC, b.sector;
"""


@dataclass
class SectorPairsRow:
    sector: str
    pairs: int
    answered_pairs: int
    answered_pct: float | None


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("registry"), hm.ROWS, hm.ROSTER_CSV)


@pytest.fixture
def toy(tmp_path):
    sql = tmp_path / "pairs_per_sector.sql"
    sql.write_text(TOY_SQL)
    register_metric(Metric("pairs_per_sector", sql, SectorPairsRow, "Mention pairs per sector",
                           commands=("answered",), key=("sector",)))
    try:
        yield
    finally:
        unregister_metric("pairs_per_sector")


def _expected(case) -> list[dict]:
    """The toy's figures by hand from the per-brand rows of the report (every brand has one sector)."""
    report = build_report(*case)
    per: dict[str, list[int]] = {}
    for b in report.brands:
        per.setdefault(b.sector, [0, 0])
        per[b.sector][0] += b.mentions
        per[b.sector][1] += b.answered
    rows = [{"sector": s, "pairs": p, "answered_pairs": a, "answered_pct": round(100.0 * a / p, 3)}
            for s, (p, a) in per.items() if p]
    return sorted(rows, key=lambda r: (-r["pairs"], r["sector"]))


def test_a_toy_metric_reaches_json_csv_markdown_and_html(case, toy):
    expected = _expected(case)
    assert len(expected) >= 2 and any(r["answered_pairs"] for r in expected)
    report = build_report(*case)
    assert [vars(r) | {"answered_pct": round(r.answered_pct, 3)} for r in report.section("pairs_per_sector")] == expected

    as_json = json.loads(render(report, "json", view="report"))
    assert as_json["pairs_per_sector"] == expected

    rows = list(csv.DictReader(io.StringIO(render(report, "csv", view="report", section="pairs_per_sector"))))
    assert [r["sector"] for r in rows] == [r["sector"] for r in expected]
    assert [int(r["pairs"]) for r in rows] == [r["pairs"] for r in expected]

    md = render(report, "markdown", view="report")
    part = md.split("## Mention pairs per sector\n", 1)[1]
    assert "| sector | pairs | answered pairs | answered pct |" in part
    first = expected[0]
    assert f"| {first['sector']} | {first['pairs']:,} | {first['answered_pairs']:,} | {first['answered_pct']:,.1f}% |" in part

    assert "Mention pairs per sector" in render(report, "html", view="report")


def test_a_toy_metric_joins_its_cli_command_and_the_demo_comparison(case, toy):
    archive, roster = case
    res = CliRunner().invoke(cli, ["answered", "-a", str(archive), "-b", str(roster), "-f", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["pairs_per_sector"] == _expected(case)
    assert "pairs_per_sector" not in json.loads(
        CliRunner().invoke(cli, ["brands", "-a", str(archive), "-b", str(roster), "-f", "json"]).output)
    # the demo compares its rows by the registered key
    assert "pairs_per_sector" in section_keys()
    wrong = {"totals": {}, "pairs_per_sector": [dict(_expected(case)[0], pairs=-1)]}
    assert any(m.startswith("pairs_per_sector") for m in truth_mismatches(wrong, data))


def test_the_registry_is_what_the_readers_use():
    assert list(METRICS) == ["response_times", "hourly", "weekday_hourly", "brands", "sectors", "brand_agents",
                             "monthly", "weekly"]
    assert VIEWS["report"].sections == (*METRICS, "answered_ranking")  # a projection of brands
    for name, metric in METRICS.items():
        assert SECTION_TITLES[name] == metric.title
        assert COLUMNS[name] == metric.shown_columns()
        assert isinstance(metric.sql, str) and Path(metric.sql).parent.as_posix() == "metrics"
        for command in metric.commands:
            assert command in _COMMANDS and name in VIEWS[command].sections
    assert VIEWS["rush-hour"].needs == ("hourly", "weekday_hourly", "brands")  # opening_hours reads brands
    assert VIEWS["proactive"].needs == ("brands",)
    assert VIEWS["report"].needs is None
    assert set(section_keys()) == set(METRICS) - {"weekly"}  # the sample counts the monthly trend, not the weekly


def test_every_metric_is_documented():
    """README.md's table of the JSON keys names every registered metric, and no other section."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (line,) = [ln for ln in readme.splitlines() if ln.startswith("| `hourly`")]
    assert set(re.findall(r"`(\w+)`", line.split("|")[1])) == set(METRICS)


def test_a_metric_name_is_registered_once():
    with pytest.raises(ValueError, match="registered already"):
        register_metric(METRICS["hourly"])
