"""The peer scripts of benchmarks/ (pandas and polars) compute the same figures as kwo.

They are the yardstick of `kwo bench` for the report; a yardstick that computes something else
would make the speed comparison meaningless. Run on sample_data/ (10,000 mention tweets).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from kwo.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sample_archive(tmp_path_factory) -> Path:
    arch = tmp_path_factory.mktemp("peer") / "arch"
    ingest(sorted(str(p) for p in SAMPLE.glob("tweets-*.jsonl.gz")), arch, workers=1)
    return arch


@pytest.fixture(scope="module")
def kwo_report(sample_archive, kwo_cli) -> dict:
    res = kwo_cli("report", "--archive", sample_archive, "--brands", SAMPLE / "brands.csv", "--format", "json")
    return json.loads(res.output)


@pytest.mark.parametrize("peer", ["peer_report_pandas", "peer_report_polars"])
def test_peer_gives_kwo_figures(peer, sample_archive, kwo_report):
    pytest.importorskip(peer.rsplit("_", 1)[1])
    got = _load(peer).figures(str(sample_archive), str(SAMPLE / "brands.csv"))
    want = kwo_report["totals"]
    for key in ("mention_tweets", "mention_pairs", "answered", "proactive_replies", "peak_hour"):
        assert got["totals"][key] == want[key], key
    assert got["totals"]["answered_pct"] == pytest.approx(want["answered_pct"], abs=1e-3)
    assert got["brands"] == [{k: b[k] for k in ("handle", "mentions", "answered")} for b in kwo_report["brands"]]
    # and the sample's own truth, so that neither side can drift with the other
    truth = json.loads((SAMPLE / "truth.json").read_text())["totals"]
    assert got["totals"]["mention_tweets"] == truth["mention_tweets"] == 10_000
    assert got["totals"]["proactive_replies"] == truth["proactive_replies"]


def test_duckdb_floor_reads_the_tweets_kwo_collects(sample_archive, tmp_path):
    """The all-DuckDB floor of `kwo bench` does the work it claims: it writes each tweet kwo
    collects from sample_data once, with the same ids and times, in month folders."""
    import duckdb

    floor = _load("floor_duckdb")
    out = tmp_path / "floor"
    assert floor.main([str(out), *sorted(str(p) for p in SAMPLE.glob("tweets-*.jsonl.gz"))]) == 0
    con = duckdb.connect()
    got = con.sql("SELECT tweet_id, created_at, month FROM read_parquet($p, hive_partitioning = true) ORDER BY 1",
                  params={"p": str(out / "*" / "*.parquet")}).fetchall()
    want = con.sql("SELECT tweet_id, created_at, strftime(created_at AT TIME ZONE 'UTC', '%Y-%m') "
                   "FROM read_parquet($p) WHERE collected ORDER BY 1",
                   params={"p": str(sample_archive / "tweets" / "*" / "*.parquet")}).fetchall()
    assert len(got) == len(want) > 10_000
    assert got == want


def test_duckdb_parse_limit_reads_every_record():
    """The DuckDB limit of `kwo bench` parses every line of its input."""
    import gzip

    limits = _load("limits")
    files = sorted(str(p) for p in SAMPLE.glob("tweets-*.jsonl.gz"))[:2]
    lines = 0
    for f in files:
        with gzip.open(f, "rb") as fh:
            lines += sum(1 for line in fh if line.strip())
    assert limits.duckdb_parse(files, 1) == lines > 1000
