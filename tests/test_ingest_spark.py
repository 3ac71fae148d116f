"""``kwo ingest --engine spark`` (issue 17): the archive equals the default ingest's, column by
column and row by row (sorted by tweet id), with the same manifest accounting and the same
quarantine entries, on the real v1.1 and v2 files, a ``kwo sample``, hand-made lines and an
archive that already holds tweets; what Spark does not take, kwo's reader reads, and says so.

One SparkSession (local[2], the conformance tests' settings) serves the module; kwo.ingest takes
the active session. Skipped only without pyspark or without a Java runtime, saying which.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from .conftest import REALDATA, REALDATA_MISSING
from .kwo_cli import run_kwo

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'kwo[spark]'; the test extra has it)")
if not shutil.which("java"):
    pytest.skip("no Java runtime (java not on PATH; Debian: openjdk-17-jre-headless, which .ci/run installs)",
                allow_module_level=True)

from .test_engine_spark import TEST_CONF  # noqa: E402  (after the skips: the same session settings)

NOT_LINES = "not plain v1.1 JSON lines (kwo's reader takes compressed files, documents, v2 and other formats)"


@pytest.fixture(scope="module")
def spark():
    from kwo.engine.spark import spark_session

    session, own = spark_session("local[2]", conf=TEST_CONF)
    yield session
    if own:
        session.stop()


def _rows(root: Path) -> list[dict]:
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    tables = [pq.read_table(root / p["path"]) for p in manifest["parts"]]
    return pa.concat_tables(tables).sort_by("tweet_id").to_pylist() if tables else []


def _manifest(root: Path) -> dict:
    """The manifest without what differs from run to run (times, the run's quarantine file name,
    the parts' file names)."""
    m = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    files = [{k: v for k, v in f.items() if k not in ("ingested_at", "quarantine_file")} for f in m["files"]]
    months = sorted((p["month"], p["rows"]) for p in m["parts"])
    return {"files": files, "months": months, "generation": m["generation"]}


def _quarantine(root: Path) -> list[dict]:
    folder = root / "quarantine"
    entries = []
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            entry.pop("run")
            entries.append(entry)
    return sorted(entries, key=lambda e: (e["file"], e["line"] or 0))


def _both(tmp_path: Path, *steps: list[str]):
    """Ingest each step's inputs into a default archive and a Spark one; assert that they are
    equal; return the last Spark result and the Spark archive."""
    from kwo.ingest import ingest

    default, spark = tmp_path / "default", tmp_path / "spark"
    for inputs in steps:
        ingest(inputs, default)
        result = ingest(inputs, spark, engine="spark")
    rows = _rows(spark)
    assert rows == _rows(default)
    assert _manifest(spark) == _manifest(default)
    assert _quarantine(spark) == _quarantine(default)
    return result, spark, rows


def _lines(path: Path, *records: dict | str, end: str = "\n") -> str:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + end for r in records),
                    encoding="utf-8")
    return str(path)


def _tweet(id_: int, **extra) -> dict:
    return {"id": id_, "id_str": str(id_), "created_at": "Wed Oct 10 20:19:24 +0000 2018", "text": f"tweet {id_}",
            "user": {"id": 7, "id_str": "7", "screen_name": "Ann"}, "entities": {"user_mentions": []},
            "source": '<a href="http://x" rel="nofollow">Twitter &amp; Co</a>', "lang": "en", **extra}


def _mention(uid: str | None, handle: str | None) -> dict:
    return {"id_str": uid, "id": None if uid is None else int(uid), "screen_name": handle}


# -- real files and samples


@pytest.mark.skipif(not (REALDATA / "v1").is_dir(), reason=REALDATA_MISSING)
def test_real_v1_files_equal_the_default_ingest(spark, tmp_path):
    files = sorted(str(p) for p in (REALDATA / "v1").iterdir())
    result, _, rows = _both(tmp_path, files)
    by_kwo = {Path(p).name: why for p, why in result.read_by_kwo.items()}
    # JSON lines (SOURCES.md): three that Spark reads whole, two with lines only kwo reads exactly
    # (a stream's follow event has an object in "source"; pre-2010 tweets have no id_str)
    lines = {"python-twitter__streaming_lines.json", "tweet_parser__original_format_examples.json",
             "tweet_parser__public_api_sample.json"}
    assert lines.isdisjoint(by_kwo)
    assert by_kwo["sferik_twitter__track_streaming_user.json"] == "1 line Spark cannot read exactly as kwo does"
    assert by_kwo["twitter4j__streamingapi-testcase.json"] == "3 lines Spark cannot read exactly as kwo does"
    assert by_kwo["EmojiMapper__sample_tweets.json"] == NOT_LINES  # a pretty-printed array
    assert len(by_kwo) == len(files) - 3
    read = {Path(f.path).name: f.records_read for f in result.per_file if Path(f.path).name in lines}
    # the records SOURCES.md counts in those files
    assert read == {"python-twitter__streaming_lines.json": 72, "tweet_parser__original_format_examples.json": 25,
                    "tweet_parser__public_api_sample.json": 20}
    assert {r["tweet_id"] for r in rows if r["source_file"].endswith("streaming_lines.json")}


@pytest.mark.skipif(not (REALDATA / "v2").is_dir(), reason=REALDATA_MISSING)
def test_real_v2_files_equal_the_default_ingest_through_kwos_reader(spark, tmp_path):
    files = sorted(str(p) for p in (REALDATA / "v2").iterdir())
    result, _, _ = _both(tmp_path, files)
    assert set(result.read_by_kwo) == set(files)  # v2 is not parsed on Spark (docs/scale-out.md)


def test_sample_equals_the_default_ingest(spark, tmp_path):
    run_kwo("sample", "--out", tmp_path / "s", "--tweets", 300, "--seed", 4, "--no-gzip", "-q")
    files = sorted(str(p) for p in (tmp_path / "s").glob("*.jsonl"))
    result, _, rows = _both(tmp_path, files)
    assert result.read_by_kwo == {}
    assert result.notices > 0 and any(r["retweet_of_id"] for r in rows)  # stream notices and retweets were in it
    assert sum(r["collected"] for r in rows) == result.tweets_written


# -- hand-made lines


def test_mapping_rules_counted_by_hand(spark, tmp_path):
    quoted = _tweet(30, text="quoted", entities={"user_mentions": [_mention("8", "Bob")]})
    retweeted = _tweet(20, text="a quote", quoted_status=quoted, quoted_status_id_str="30")
    path = _lines(
        tmp_path / "clean.jsonl",
        _tweet(1, text="a &amp;lt; b &gt; c", in_reply_to_status_id_str="9", in_reply_to_status_id=9,
               in_reply_to_user_id_str="8", in_reply_to_user_id=8, in_reply_to_screen_name="BOB",
               entities={"user_mentions": [_mention("8", "Bob"), _mention("8", "bobby"), _mention(None, "Cy"),
                                           _mention(None, "cy"), _mention(None, None)]}),
        "",
        {"delete": {"status": {"id": 5, "id_str": "5", "user_id": 7, "user_id_str": "7"}}},
        _tweet(2, text="short…", extended_tweet={"full_text": "short and long",
                                                 "entities": {"user_mentions": [_mention(None, "Dee")]}}),
        {"limit": {"track": 12}},
        _tweet(3, retweeted_status=retweeted),
        end="\r\n",
    )
    result, _, rows = _both(tmp_path, [path])
    assert result.read_by_kwo == {}
    f = result.per_file[0]
    assert (f.records_read, f.tweets_written, f.notices, f.context_written) == (5, 3, 2, 2)
    by_id = {r["tweet_id"]: r for r in rows}
    assert sorted(by_id) == [1, 2, 3, 20, 30]
    one = by_id[1]
    assert one["text"] == "a &lt; b > c"  # one pass of html.unescape
    assert one["mentions"] == [{"user_id": "8", "handle": "bob"}, {"user_id": None, "handle": "cy"}]
    assert (one["in_reply_to_tweet_id"], one["in_reply_to_user_id"], one["in_reply_to_handle"]) == (9, "8", "bob")
    assert (one["author_id"], one["author_handle"], one["source"]) == ("7", "ann", "Twitter & Co")
    assert by_id[2]["text"] == "short and long"
    assert by_id[2]["mentions"] == [{"user_id": None, "handle": "dee"}]
    assert (by_id[3]["retweet_of_id"], by_id[3]["is_retweet"]) == (20, True)
    assert (by_id[20]["quote_of_id"], by_id[20]["collected"], by_id[30]["collected"]) == (30, False, False)
    assert by_id[30]["mentions"] == [{"user_id": "8", "handle": "bob"}]


#: Lines Spark's parser reads otherwise than kwo's reader (or that kwo's reader quarantines):
#: each makes its file kwo's.
DOUBTFUL = {
    "broken": '{"id_str": "60", "text": ',
    "number-for-string": '{"id_str": 61, "created_at": "Wed Oct 10 20:19:24 +0000 2018"}',
    "trailing-text": json.dumps(_tweet(62)) + " x",
    "two-objects": json.dumps(_tweet(63)) + json.dumps(_tweet(64)),
    "extra-brace": json.dumps(_tweet(65)) + "}",
    "lone-surrogate": json.dumps(_tweet(66, text="cut \ud83d")),
    "bool-id": json.dumps(_tweet(67, id=True)),
    "float-id-only": '{"id": 6.8e17, "created_at": "Wed Oct 10 20:19:24 +0000 2018", "text": "x"}',
    "no-entities": json.dumps({k: v for k, v in _tweet(69, text="hi @Zed").items() if k != "entities"}),
    "numeric-entity": json.dumps(_tweet(70, text="it&#39;s")),
    "non-ascii-handle": json.dumps(_tweet(71, user={"id_str": "7", "screen_name": "Straße"})),
    "leap-second": json.dumps(_tweet(72, created_at="Sat Dec 31 23:59:60 +0000 2016")),
    "other-date-shape": json.dumps(_tweet(73, created_at="2018-10-10T20:19:24Z")),
    "v2-record": '{"data": {"id": "74", "text": "v2"}}',
    "search-response": json.dumps({"statuses": [_tweet(75)]}),
    "null-kind-key": '{"delete": {"status": {"id_str": "5"}}, "data": null}',
    "escaped-key": '{"id_str": "77", "\\u0074ext": 5, "created_at": "Wed Oct 10 20:19:24 +0000 2018"}',
    "zero-id": json.dumps(_tweet(0)),
    "deep-quote": json.dumps(_tweet(79, quoted_status=_tweet(80, quoted_status=_tweet(81, quoted_status=_tweet(82))))),
    "null-mention": json.dumps(_tweet(83, entities={"user_mentions": [None]})),
}


def test_each_doubtful_line_makes_its_file_kwos(spark, tmp_path):
    files = [_lines(tmp_path / f"{name}.jsonl", _tweet(100 + i), line, _tweet(200 + i))
             for i, (name, line) in enumerate(DOUBTFUL.items())]
    files.append(_lines(tmp_path / "clean.jsonl", _tweet(1)))
    result, spark_archive, rows = _both(tmp_path, files)
    assert set(result.read_by_kwo) == set(files[:-1])
    assert all(why == "1 line Spark cannot read exactly as kwo does" for why in result.read_by_kwo.values())
    # the good lines around each doubtful one are in, as the default ingest has them
    assert {r["tweet_id"] for r in rows} >= {100 + i for i in range(len(DOUBTFUL))} | {1}
    quarantined = {Path(e["file"]).stem for e in _quarantine(spark_archive)}
    assert {"broken", "trailing-text", "two-objects", "extra-brace", "v2-record", "zero-id"} <= quarantined


def test_bad_lines_are_quarantined_with_file_line_and_reason(spark, tmp_path):
    path = _lines(tmp_path / "bad.jsonl", _tweet(1), "not json", _tweet(2), '{"id_str": "x1"}')
    result, archive, _ = _both(tmp_path, [path])
    assert result.read_by_kwo == {path: "2 lines Spark cannot read exactly as kwo does"}
    entries = _quarantine(archive)
    assert [(e["file"], e["line"]) for e in entries] == [(path, 2), (path, 4)]
    assert result.quarantined == 2 and result.tweets_written == 2


def test_first_copy_wins_across_spark_partitions(spark, tmp_path):
    """Two collected copies of one tweet in a file that Spark reads in many splits: the first copy
    (line 1) wins, as with kwo's reader, so the lines keep their order across splits."""
    filler = [_tweet(1000 + i, text="x" * 200) for i in range(300)]
    path = _lines(tmp_path / "dups.jsonl", _tweet(5, text="first copy"), *filler, _tweet(5, text="second copy"))
    old = spark.conf.get("spark.sql.files.maxPartitionBytes")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "4096")  # about 50 splits
    try:
        result, _, rows = _both(tmp_path, [path])
    finally:
        spark.conf.set("spark.sql.files.maxPartitionBytes", old)
    assert result.read_by_kwo == {}
    assert [r["text"] for r in rows if r["tweet_id"] == 5] == ["first copy"]
    assert (result.tweets_written, result.duplicates) == (301, 1)


def test_into_an_archive_that_holds_tweets(spark, tmp_path):
    """Dedup against the existing parts; a collected copy replaces the context copy stored before."""
    first = _lines(tmp_path / "first.jsonl", _tweet(1), _tweet(2, retweeted_status=_tweet(50, text="original")))
    second = _lines(tmp_path / "second.jsonl", _tweet(1), _tweet(50, text="original"), _tweet(3))
    result, _, rows = _both(tmp_path, [first], [second])
    assert result.read_by_kwo == {}
    f = result.per_file[-1]
    assert (f.tweets_written, f.duplicates) == (2, 1)  # 50 (now collected) and 3; 1 was there
    fifty = [r for r in rows if r["tweet_id"] == 50]
    assert len(fifty) == 1 and fifty[0]["collected"] is True and fifty[0]["source_file"] == second


# -- what Spark does not take, and the command line


def test_compressed_input_is_read_by_kwo_and_the_cli_says_so(spark, tmp_path):
    import gzip

    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(gzip.compress((json.dumps(_tweet(1)) + "\n" + json.dumps(_tweet(2)) + "\n").encode()))
    out = run_kwo("ingest", path, "-a", tmp_path / "a", "--engine", "spark")
    assert f"1 input read by kwo's reader, not Spark:\n  {path}: {NOT_LINES}" in out.stderr
    data = json.loads(run_kwo("ingest", path, "-a", tmp_path / "b", "--engine", "spark", "--json").stdout)
    assert (data["tweets_written"], data["read_by_kwo"]) == (2, {str(path): NOT_LINES})


def test_spark_master_needs_the_spark_engine(tmp_path):
    out = run_kwo("ingest", "x.jsonl", "-a", tmp_path / "a", "--spark-master", "local[2]", code=2)
    assert "--spark-master goes with --engine spark" in out.output


def test_missing_java_is_a_kwo_error(monkeypatch, tmp_path):
    """Without a session in the process and without java: kwo's clear error, nothing written."""
    import kwo.engine.spark as ks

    class NoSession:
        @staticmethod
        def getActiveSession():
            return None

    path = _lines(tmp_path / "t.jsonl", _tweet(1))
    monkeypatch.setattr(ks, "_pyspark", lambda: NoSession)
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    out = run_kwo("ingest", path, "-a", tmp_path / "a", "--engine", "spark", code=2)
    assert "--engine spark needs a Java runtime" in out.output
    assert not (tmp_path / "a").exists()
