"""kwo sample --format parquet: a ready archive, the same tweets as the v1 files ingested.

The parquet mode renders the tweets column by column instead of through JSON; these tests hold
it to the v1 path (row for row), to its own truth.json (through `kwo report`), to determinism,
and to the archive contract (kwo ingest adds to it, kwo sql reads it). The sharded mode of large
archives is exercised on a small one by lowering the shard size.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from kwo import sample
from kwo.archive import Archive
from kwo.demo import truth_mismatches
from kwo.sample import parquet_writer as sample_parquet

from .kwo_cli import run_kwo as run

SMALL = 4_000
SEED = 11


def report_json(archive: Path, brands: Path) -> dict:
    return json.loads(run("report", "--archive", archive, "--brands", brands, "--format", "json").output)


def truth_of(out: Path) -> dict:
    return json.loads((out / "truth.json").read_text(encoding="utf-8"))


def rows(con: duckdb.DuckDBPyConnection, parts: list[str]) -> list[tuple]:
    # source_file names the input: the v1 file path there, the v1 file name here
    return con.read_parquet(parts).order("tweet_id").project("* EXCLUDE (source_file)").fetchall()


@pytest.fixture(scope="module")
def pq(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pq") / "arch"
    run("sample", "--out", out, "--tweets", SMALL, "--seed", SEED, "--format", "parquet", "-q")
    return out


def test_report_equals_truth(pq):
    truth = truth_of(pq)
    assert truth["totals"]["mention_tweets"] == SMALL
    assert truth["parameters"]["format"] == "parquet"
    assert truth_mismatches(truth, report_json(pq, pq / "brands.csv")) == []


def test_same_tweets_as_the_ingested_v1_files(pq, tmp_path):
    v1 = tmp_path / "v1"
    sample.generate(v1, tweets=SMALL, seed=SEED)
    run("ingest", *sorted(v1.glob("*.jsonl.gz")), "--archive", tmp_path / "arch")
    con = duckdb.connect()
    got, want = rows(con, Archive(pq).part_paths()), rows(con, Archive(tmp_path / "arch").part_paths())
    assert len(got) == truth_of(pq)["archive"]["tweets"] > SMALL
    assert got == want
    # source_file: the v1 file the tweet is in
    names = con.read_parquet(Archive(pq).part_paths()).aggregate("source_file", "source_file").fetchall()
    assert {n for (n,) in names} == {p.name for p in v1.glob("*.jsonl.gz")}
    # truth.json: the same figures; only the format and what was written differ
    a, b = truth_of(pq), truth_of(v1)
    assert {k for k in a if a[k] != b[k]} == {"parameters", "archive"}
    assert {k for k in a["parameters"] if a["parameters"][k] != b["parameters"][k]} == {"format"}
    assert (pq / "brands.csv").read_bytes() == (v1 / "brands.csv").read_bytes()


def test_manifest_lists_parts_as_ingest_does(pq):
    manifest = Archive(pq).read_manifest()
    assert [f["format"] for f in manifest.files] == ["sample"]
    assert manifest.files[0]["tweets_written"] == manifest.files[0]["records_read"] == sum(
        p["rows"] for p in manifest.parts)
    con = duckdb.connect()
    for part in manifest.parts:
        assert set(part) == {"path", "month", "rows"}
        assert part["path"] == f"tweets/month={part['month']}/{Path(part['path']).name}"
        n, months = con.read_parquet(str(pq / part["path"])).aggregate(
            "count(*), list(DISTINCT strftime(created_at AT TIME ZONE 'UTC', '%Y-%m'))").fetchall()[0]
        assert (n, months) == (part["rows"], [part["month"]])


def test_same_seed_same_bytes(pq, tmp_path):
    again = tmp_path / "again"
    sample.generate(again, tweets=SMALL, seed=SEED, fmt="parquet")
    names = [p.relative_to(pq) for p in sorted(pq.rglob("*")) if p.is_file() and p.name != "manifest.json"]
    assert names == [p.relative_to(again) for p in sorted(again.rglob("*"))
                     if p.is_file() and p.name != "manifest.json"]
    for name in names:
        assert (pq / name).read_bytes() == (again / name).read_bytes(), name
    # the manifest differs only in when it was written
    a, b = Archive(pq).read_manifest(), Archive(again).read_manifest()
    assert a.parts == b.parts
    assert [{k: v for k, v in f.items() if k != "ingested_at"} for f in a.files] == \
        [{k: v for k, v in f.items() if k != "ingested_at"} for f in b.files]


def test_ingest_adds_to_it_and_sql_reads_it(tmp_path):
    out = tmp_path / "arch"
    sample.generate(out, tweets=1_000, seed=2, fmt="parquet")
    before = truth_of(out)["archive"]["tweets"]
    other = tmp_path / "other"
    sample.generate(other, tweets=500, seed=3)
    one = sorted(other.glob("*.jsonl.gz"))[2]
    result = json.loads(run("ingest", one, "--archive", out, "--json").output)
    assert result["tweets_written"] > 0 and result["duplicates"] == 0
    assert len(Archive(out).read_manifest().files) == 2
    n = run("sql", "SELECT count(*) AS n FROM tweets", "--archive", out, "--format", "json").output
    assert json.loads(n)[0]["n"] == before + result["tweets_written"]
    # the sample's own tweets are still what its truth.json counts
    again = json.loads(run("ingest", one, "--archive", out, "--json").output)
    assert again["tweets_written"] == 0


def test_sharded_archive_adds_up(tmp_path, monkeypatch):
    """Above SHARD_TWEETS the archive is drawn in shards; the figures still match the report."""
    monkeypatch.setattr(sample_parquet, "SHARD_TWEETS", 1_500)
    out = tmp_path / "sharded"
    result = sample.generate(out, tweets=SMALL, seed=SEED, fmt="parquet")
    truth = result.truth
    plan = sample.plan_counts(SMALL)
    assert (truth["totals"]["mention_tweets"], truth["totals"]["answered"], truth["totals"]["proactive_replies"],
            truth["totals"]["replies_parent_missing"]) == (SMALL, plan.answered, plan.proactive, plan.parent_missing)
    assert {Path(p).name.rsplit("-", 1)[1] for p in map(str, result.files)} == {"0000.parquet", "0001.parquet",
                                                                               "0002.parquet"}
    assert truth_mismatches(truth, report_json(out, out / "brands.csv")) == []
    ids = duckdb.connect().read_parquet(Archive(out).part_paths()).aggregate(
        "count(*), count(DISTINCT tweet_id)").fetchall()[0]
    assert ids[0] == ids[1] == truth["archive"]["tweets"]


def test_split_plan_adds_up():
    plan = sample.plan_counts(10_000_001)
    parts = sample_parquet.split_plan(plan, 7)
    for name in ("tweets", "single", "double", "answered_roots", "proactive", "retweets", "parent_missing"):
        assert sum(getattr(p, name) for p in parts) == getattr(plan, name), name
    assert sum(p.answered for p in parts) == plan.answered


def test_refuses_an_archive_with_ingested_files(tmp_path):
    v1 = tmp_path / "v1"
    sample.generate(v1, tweets=200, seed=1)
    run("ingest", *sorted(v1.glob("*.jsonl.gz")), "--archive", tmp_path / "arch")
    result = run("sample", "--out", tmp_path / "arch", "--tweets", 200, "--format", "parquet", code=2)
    assert "ingested files" in result.output


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_writing_again_replaces_only_its_own_parts(tmp_path):
    out = tmp_path / "arch"
    run("sample", "--out", out, "--tweets", 300, "--seed", 1, "--format", "parquet", "-q")
    first = {p.relative_to(out).as_posix() for p in out.rglob("*.parquet")}
    (out / "tweets" / "month=2016-01" / "part-sample-1.parquet.tmp").write_bytes(b"a crashed run's")
    run("sample", "--out", out, "--tweets", 300, "--seed", 2, "--format", "parquet", "-q")
    parts = {p.relative_to(out).as_posix() for p in (out / "tweets").rglob("*")}
    assert not parts & first and all("part-sample-2.parquet" in p or p.startswith("tweets/month=") for p in parts)
    assert {p["path"] for p in Archive(out).read_manifest().parts} == {p for p in parts if p.endswith(".parquet")}
    assert truth_mismatches(truth_of(out), report_json(out, out / "brands.csv")) == []


@pytest.mark.parametrize("foreign", ["tweets/month=2016-02/mine.parquet", "tweets/README.md", "quarantine/x.jsonl"])
def test_refuses_to_remove_files_it_did_not_write(tmp_path, foreign):
    out = tmp_path / "arch"
    run("sample", "--out", out, "--tweets", 300, "--seed", 1, "--format", "parquet", "-q")
    (out / foreign).parent.mkdir(parents=True, exist_ok=True)
    (out / foreign).write_bytes(b"the user's own\n")
    before = files_of(out)
    result = run("sample", "--out", out, "--tweets", 300, "--seed", 2, "--format", "parquet", code=1)
    assert f"--out {out}: holds {foreign}, which kwo sample did not write" in result.stderr
    assert "changed nothing" in result.stderr
    assert files_of(out) == before
