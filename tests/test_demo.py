"""kwo demo: sample -> ingest -> report, compared with truth.json and KWO16."""

from __future__ import annotations

import json

import pytest

from kwo.demo import run_demo, truth_mismatches
from kwo.errors import OutputError


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


def test_demo_command_prints_the_comparison(tmp_path, kwo_cli):
    out = tmp_path / "d"
    result = kwo_cli("demo", "--tweets", 2000, "--out", out)
    assert "kwo demo: this run against KWO16" in result.stdout
    assert "1,508,812" in result.stdout and "79,012" in result.stdout
    assert "every figure of truth.json recovered exactly" in result.stdout
    assert "Mention tweets per hour of the day" in result.stdout
    assert (out / "report.md").is_file() and (out / "archive" / "manifest.json").is_file()


@pytest.fixture(scope="module")
def earlier_demo(tmp_path_factory):
    """An output folder an earlier demo (500 mention tweets) wrote."""
    out = tmp_path_factory.mktemp("demo") / "d"
    run_demo(out, tweets=500, seed=3)
    return out


def files_of(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_demo_replaces_the_archive_of_an_earlier_demo(tmp_path, earlier_demo):
    import shutil

    out = tmp_path / "d"
    shutil.copytree(earlier_demo, out)
    old_parts = {p.name for p in (out / "archive").rglob("*.parquet")}
    result = run_demo(out, tweets=600, seed=4)
    # this run's figures only: the earlier 500 tweets are gone with their parts
    assert result.mismatches == [] and result.report["totals"]["mention_tweets"] == 600
    assert not old_parts & {p.name for p in (out / "archive").rglob("*.parquet")}


@pytest.mark.parametrize("foreign", ["notes.txt", "tweets/month=2016-03/mine.parquet", "quarantine/keep.jsonl",
                                     "mine/"])
def test_demo_leaves_an_archive_with_a_foreign_file_alone(tmp_path, earlier_demo, kwo_cli, foreign):
    import shutil

    out = tmp_path / "d"
    shutil.copytree(earlier_demo, out)
    target = out / "archive" / foreign
    if foreign.endswith("/"):
        target.mkdir()
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"the user's own\n")
    before = files_of(out)
    result = kwo_cli("demo", "--tweets", 600, "--out", out, code=1)
    assert f"{out / 'archive'}: holds {foreign}" in result.stderr and "removed nothing" in result.stderr
    assert files_of(out) == before  # not a file removed, not one written
    assert target.exists()


def test_demo_leaves_an_archive_of_other_files_alone(tmp_path, kwo_cli):
    from kwo.sample import generate

    out = tmp_path / "d"
    mine = generate(tmp_path / "mine", tweets=200, seed=1)
    kwo_cli("ingest", mine.files[0], "--archive", out / "archive", "-q")
    before = files_of(out)
    with pytest.raises(OutputError, match="not only the demo's sample"):
        run_demo(out, tweets=200)
    assert files_of(out) == before
