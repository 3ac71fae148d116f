"""kwo demo: sample -> ingest -> report, compared with truth.json and KWO16."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kwo.cli import cli
from kwo.demo import run_demo, truth_mismatches


def test_demo_recovers_every_generated_figure(tmp_path):
    result = run_demo(tmp_path / "demo", tweets=3_000, seed=7)
    assert result.mismatches == []
    assert result.report["totals"]["mention_tweets"] == 3_000
    assert round(result.report["totals"]["answered_pct"]) == 58
    assert result.report["totals"]["peak_hour"] == 17
    assert {"json", "markdown", "csv"} <= set(result.files)
    assert json.loads(result.files["json"].read_text())["totals"] == result.report["totals"]
    # the ingest accounted for every record the generator wrote
    arch = result.truth["archive"]
    assert (result.ingest.records_read, result.ingest.tweets_written, result.ingest.quarantined) == (
        arch["records"], arch["tweets"], 0)


def test_truth_mismatches_names_each_differing_figure():
    truth = {"totals": {"mention_tweets": 10, "peak_hour": 17},
             "hourly": [{"hour": 17, "mentions": 4}], "brands": [{"handle": "a", "mentions": 3}]}
    report = {"totals": {"mention_tweets": 10, "peak_hour": 18},
              "hourly": [{"hour": 17, "mentions": 5}], "brands": [{"handle": "a", "mentions": 3}]}
    assert truth_mismatches(truth, report) == [
        "totals.peak_hour: generator 17, report 18",
        "hourly[17].mentions: generator 4, report 5",
    ]


def test_demo_command_prints_the_comparison(tmp_path):
    out = tmp_path / "d"
    result = CliRunner().invoke(cli, ["demo", "--tweets", "2000", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "kwo demo: this run against KWO16" in result.stdout
    assert "1,508,812" in result.stdout and "79,012" in result.stdout
    assert "every figure of truth.json recovered exactly" in result.stdout
    assert "Mention tweets per hour of the day" in result.stdout
    assert (out / "report.md").is_file() and (out / "archive" / "manifest.json").is_file()
