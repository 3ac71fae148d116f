"""Archives given as URLs (kwo.archive.url): only the report commands on Spark read them
(tests/test_engine_spark.py runs one); every other command says so, and nothing is made locally."""

from __future__ import annotations

import pytest

from kwo.archive.url import is_url, local_folder, part_url

from . import handmade as hm
from .kwo_cli import run_kwo


@pytest.mark.parametrize("text, url", [
    ("s3a://bucket/kwo16", True), ("hdfs://nn:8020/data/kwo16", True), ("abfss://c@acct.dfs.core.windows.net/a", True),
    ("file:///data/kwo16", True), ("kwo16", False), ("/data/kwo16", False), ("s3a:/bucket", False),
    ("C:\\data\\kwo16", False), ("./s3a://x", False),
])
def test_what_counts_as_a_url(text, url):
    assert is_url(text) is url


def test_the_local_folder_of_a_url():
    assert local_folder("file:///data/my%20archive") == "/data/my archive"
    assert local_folder("file://localhost/data/a") == "/data/a"
    assert local_folder("s3a://bucket/a") is None
    assert local_folder("file://otherhost/data/a") is None
    assert local_folder("kwo16") == "kwo16"
    assert part_url("s3a://b/a/", "tweets/month=2016-01/p.parquet") == "s3a://b/a/tweets/month=2016-01/p.parquet"


def test_a_url_on_duckdb_is_a_usage_error(tmp_path):
    archive, roster = hm.build_archive(tmp_path / "a", hm.ROWS, hm.ROSTER_CSV)
    out = run_kwo("report", "-a", archive.as_uri(), "-b", roster, code=2)
    assert (f"Error: --archive {archive.as_uri()}: an archive at a URL is read with --engine spark "
            "(the default engine, DuckDB, reads archive folders on this machine)") in out.output


@pytest.mark.parametrize("command", [
    ("ingest", "{input}"), ("repair",), ("sql", "SELECT 1"),
])
def test_other_commands_refuse_a_url_and_make_no_folder(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.jsonl").write_text("")
    args = [a.format(input=tmp_path / "in.jsonl") for a in command]
    out = run_kwo(*args, "--archive", "s3a://bucket/kwo16", code=1)
    assert ("Error: s3a://bucket/kwo16: an archive at a URL is read by the report commands with --engine spark "
            "only; this command needs an archive folder on this machine") in out.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
