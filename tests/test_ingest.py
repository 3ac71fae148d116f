"""Ingest: accounting on every real file, exact ids, dedup, atomicity, bad input."""

from __future__ import annotations

import bz2
import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import zstandard
from click.testing import CliRunner

from kwo.archive import Archive
from kwo.archive.layout import LOCK_FILE
from kwo.cli import cli
from kwo.engine.duckdb import connect
from kwo.errors import ArchiveError, InputError, KwoError, QuarantineError, UnknownFormatError
from kwo.ingest import IngestTuning, ingest
from tests.conftest import REALDATA, REALDATA_MISSING
from tests.test_formats_archive import ACCOUNT
from tests.test_formats_archive import EXPECTED as EXPECTED_ARCHIVE
from tests.test_formats_twcs import EXPECTED as EXPECTED_TWCS
from tests.test_formats_v1 import EXPECTED as EXPECTED_V1
from tests.test_formats_v2 import EXPECTED as EXPECTED_V2

EXPECTED = {
    **{f"v1/{k}": v for k, v in EXPECTED_V1.items()},
    **{f"v2/{k}": v for k, v in EXPECTED_V2.items()},
    **{f"twcs/{k}": v for k, v in EXPECTED_TWCS.items()},
    **{f"archive/{k}": v for k, v in EXPECTED_ARCHIVE.items()},
}


def rows(archive: Path) -> list[tuple]:
    con = connect(archive)
    return con.sql("SELECT * EXCLUDE (created_at), epoch_ms(created_at) FROM tweets ORDER BY tweet_id").fetchall()


def test_every_real_file_is_listed():
    if not REALDATA.is_dir():
        pytest.skip(REALDATA_MISSING)
    tweet_files = {
        p.relative_to(REALDATA).as_posix()
        for p in REALDATA.glob("*/*")
        if p.suffix in {".json", ".jsonl", ".csv"} or p.name.endswith("tweets.js")
    }
    assert tweet_files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_file_accounting(realdata, archive, name):
    exp = EXPECTED[name]
    result = ingest([str(realdata / name)], archive, account=ACCOUNT.get(Path(name).name))
    got = result.as_dict()
    assert got["tweets_written"] == exp["distinct_tweets"]
    assert got["duplicates"] == exp["tweets"] - exp["distinct_tweets"]
    assert got["context_written"] == exp["distinct_context_new"]
    assert got["notices"] == exp["notices"]
    assert got["quarantined"] == exp["quarantined"]
    assert got["records_read"] == exp["records"]
    assert got["records_read"] == got["tweets_written"] + got["duplicates"] + got["notices"] + got["quarantined"]
    con = connect(archive)
    collected, context = con.execute(
        "SELECT count(*) FILTER (WHERE collected), count(*) FILTER (WHERE NOT collected) FROM tweets"
    ).fetchone()
    assert (collected, context) == (exp["distinct_tweets"], exp["distinct_context_new"])


def test_ids_are_exact_where_json_numbers_were_rounded(realdata, archive):
    path = realdata / "v1/tweet_parser__public_api_sample.json"
    id_strs = sorted(int(json.loads(line)["id_str"]) for line in path.read_text().splitlines() if line.strip())
    rounded = [json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()]
    assert sum(int(i) != s for i, s in zip(sorted(rounded), id_strs)) >= 19  # the file really is rounded
    ingest([str(path)], archive)
    stored = [r[0] for r in connect(archive).sql(
        "SELECT tweet_id FROM tweets WHERE collected ORDER BY 1").fetchall()]
    assert stored == id_strs


def test_mentions_only_in_extended_entities_are_stored(realdata, archive):
    path = realdata / "v1/sferik_twitter__premium_search_to.json"
    tweets = json.loads(path.read_text())["results"]
    only_extended = {}
    for t in tweets:
        ext = t.get("extended_tweet", {}).get("entities", {}).get("user_mentions", [])
        plain = {m["screen_name"].lower() for m in t["entities"]["user_mentions"]}
        extra = {m["screen_name"].lower() for m in ext} - plain
        if extra:
            only_extended[int(t["id_str"])] = extra
    assert len(only_extended) == 2
    ingest([str(path)], archive)
    con = connect(archive)
    for tweet_id, extra in only_extended.items():
        (handles,) = con.execute(
            "SELECT list_transform(mentions, lambda m: m.handle) FROM tweets WHERE tweet_id = $id", {"id": tweet_id}
        ).fetchone()
        assert extra <= set(handles)


def test_same_file_twice_changes_nothing_and_counts_duplicates(realdata, archive):
    path = str(realdata / "v1/python-twitter__get_search_raw.json")
    first = ingest([path], archive)
    before = rows(archive)
    manifest_parts = Archive(archive).read_manifest().parts
    second = ingest([path], archive)
    assert rows(archive) == before
    assert Archive(archive).read_manifest().parts == manifest_parts
    assert second.tweets_written == 0 and second.context_written == 0
    assert second.duplicates == first.tweets_written + first.duplicates
    assert second.records_read == first.records_read
    assert second.per_file[0].skipped


def test_same_content_under_another_name_is_deduplicated(realdata, archive, tmp_path):
    src = realdata / "v1/python-twitter__streaming_lines.json"
    copy = tmp_path / "copy.jsonl.gz"
    copy.write_bytes(gzip.compress(src.read_bytes()))
    first = ingest([str(src)], archive)
    before = rows(archive)
    second = ingest([str(copy)], archive)  # different bytes (gzip), same tweets: dedup by id
    assert rows(archive) == before
    assert second.tweets_written == 0
    assert second.duplicates == first.tweets_written + first.duplicates == 72


def test_overlapping_files_store_each_tweet_once(realdata, archive, tmp_path):
    lines = (realdata / "v1/python-twitter__streaming_lines.json").read_text().splitlines(keepends=True)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(lines[:50]))
    b.write_text("".join(lines[30:]))
    result = ingest([str(a), str(b)], archive)
    ids = [json.loads(x)["id_str"] for x in lines if x.strip()]
    # 92 records; the file itself holds tweet 972473017333899264 twice, so 71 distinct
    assert result.tweets_written == len(set(ids)) == 71
    assert result.duplicates == 92 - 71
    (n, distinct) = connect(archive).execute(
        "SELECT count(*), count(DISTINCT tweet_id) FROM tweets").fetchone()
    assert n == distinct


def test_context_copy_is_replaced_by_collected_copy(realdata, archive, tmp_path):
    # A retweet brings the original in as context; ingesting the original itself later upgrades it.
    tweets = json.loads((realdata / "v1/python-twitter__get_user_timeline_count.json").read_text())
    rt = next(t for t in tweets if "retweeted_status" in t)
    original = rt["retweeted_status"]
    (tmp_path / "rt.jsonl").write_text(json.dumps(rt) + "\n")
    (tmp_path / "orig.jsonl").write_text(json.dumps(original) + "\n")
    first = ingest([str(tmp_path / "rt.jsonl")], archive)
    assert (first.tweets_written, first.context_written) == (1, 1)
    second = ingest([str(tmp_path / "orig.jsonl")], archive)
    assert (second.tweets_written, second.duplicates) == (1, 0)
    con = connect(archive)
    assert con.execute("SELECT count(*), bool_and(collected) FROM tweets").fetchone() == (2, True)


@pytest.mark.parametrize("compress", ["gz", "bz2", "zst", "stdin"])
def test_compressed_and_stdin_inputs_match_plain(realdata, tmp_path, compress):
    src = realdata / "v2/twarc-csv__brexit.jsonl"
    plain = ingest([str(src)], tmp_path / "plain")
    data = src.read_bytes()
    target = tmp_path / f"in.{compress}"
    if compress == "gz":
        target.write_bytes(gzip.compress(data))
    elif compress == "bz2":
        target.write_bytes(bz2.compress(data))
    elif compress == "zst":
        target.write_bytes(zstandard.ZstdCompressor().compress(data))
    if compress == "stdin":
        result = CliRunner().invoke(cli, ["ingest", "-", "--archive", str(tmp_path / "c"), "--json"], input=data)
        assert result.exit_code == 0, result.output
        got = json.loads(result.stdout)
    else:
        got = ingest([str(target)], tmp_path / "c").as_dict()
    for key in ("records_read", "tweets_written", "context_written", "duplicates", "notices", "quarantined"):
        assert got[key] == plain.as_dict()[key]
    con_a, con_b = connect(tmp_path / "plain"), connect(tmp_path / "c")
    q = "SELECT tweet_id, text, mentions, collected FROM tweets ORDER BY tweet_id"
    assert con_a.sql(q).fetchall() == con_b.sql(q).fetchall()


def test_truncated_gzip_is_an_error_and_archive_is_unchanged(realdata, archive, tmp_path):
    ingest([str(realdata / "v1/sferik_twitter__statuses.json")], archive)
    before = rows(archive)
    manifest_before = Archive(archive).manifest_path.read_bytes()
    data = gzip.compress((realdata / "v1/python-twitter__streaming_lines.json").read_bytes())
    bad = tmp_path / "cut.jsonl.gz"
    bad.write_bytes(data[: len(data) // 2])
    result = CliRunner().invoke(cli, ["ingest", str(bad), "--archive", str(archive)])
    assert result.exit_code == 1
    assert str(bad) in result.stderr and "Error:" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert rows(archive) == before
    assert Archive(archive).manifest_path.read_bytes() == manifest_before
    assert not list((archive / ".staging").glob("*"))


def test_truncated_last_line_is_quarantined(realdata, archive):
    path = realdata / "v2/twarc-csv__streaming_output_with_error.jsonl"
    result = ingest([str(path)], archive)
    assert (result.tweets_written, result.quarantined) == (7, 1)
    entries = [json.loads(x) for x in (archive / result.quarantine_file).read_text().splitlines()]
    assert len(entries) == 1
    assert entries[0]["file"] == str(path) and entries[0]["line"] == 8
    assert entries[0]["raw"] == path.read_text().splitlines()[7]


def test_strict_turns_first_bad_record_into_an_error(realdata, archive):
    path = realdata / "v2/twarc-csv__streaming_output_with_error.jsonl"
    with pytest.raises(QuarantineError) as err:
        ingest([str(path)], archive, strict=True)
    assert f"{path}:8" in str(err.value)
    result = CliRunner().invoke(cli, ["ingest", str(path), "--archive", str(archive), "--strict"])
    assert result.exit_code == 1 and f"{path}:8" in result.stderr


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", b"name,city,age\nann,delft,33\n"],
    ids=["png", "other-csv"],
)
def test_unknown_format_lists_the_formats(tmp_path, archive, content):
    f = tmp_path / "mystery.json"
    f.write_bytes(content)
    with pytest.raises(UnknownFormatError):
        ingest([str(f)], archive)
    result = CliRunner().invoke(cli, ["ingest", str(f), "--archive", str(archive)])
    assert result.exit_code == 1
    msg = result.stderr
    assert str(f) in msg
    for name in ("v1", "v2", "twcs", "twarc-csv", "archive"):
        assert f"{name}:" in msg


def test_missing_input_and_non_archive_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        ingest([str(tmp_path / "nope.json")], tmp_path / "a")
    other = tmp_path / "home"
    other.mkdir()
    (other / "thesis.docx").write_text("precious")
    f = tmp_path / "x.jsonl"
    f.write_text("")
    with pytest.raises(ArchiveError, match="not a kwo archive"):
        ingest([str(f)], other)
    assert (other / "thesis.docx").read_text() == "precious"


def test_empty_file_ingests_as_nothing(realdata, archive):
    result = ingest([str(realdata / "v2/twarc-csv__empty.json")], archive)
    assert result.as_dict()["records_read"] == 0
    assert connect(archive).execute("SELECT count(*) FROM tweets").fetchone() == (0,)


def test_second_writer_is_refused_while_lock_is_held(realdata, archive):
    import fcntl
    import os

    ingest([str(realdata / "v1/sferik_twitter__statuses.json")], archive)
    fd = os.open(archive / LOCK_FILE, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(ArchiveError, match="another kwo ingest"):
            ingest([str(realdata / "v1/python-twitter__get_mentions.json")], archive)
    finally:
        os.close(fd)


def test_leftovers_of_a_crashed_run_are_invisible_and_removed(realdata, archive):
    # A crashed run: its staging folder, whose journal names the part it had renamed into place.
    # A Parquet file copied in by hand and a folder of someone else's in .staging are not kwo's
    # leftovers: they stay, and the ingest says so.
    ingest([str(realdata / "v1/sferik_twitter__statuses.json")], archive)
    before = rows(archive)
    run = "20160101T000000-0123abcd"
    crashed = archive / "tweets" / "month=2012-09" / f"part-{run}.parquet"
    copied = archive / "tweets" / "month=2012-09" / "part-crashed.parquet"
    shutil.copy(next((archive / "tweets").rglob("*.parquet")), crashed)
    shutil.copy(crashed, copied)
    (archive / ".staging" / run).mkdir(parents=True)
    (archive / ".staging" / run / "journal").write_text(f"create\ttweets/month=2012-09/part-{run}.parquet\n")
    (archive / ".staging" / "run-x").mkdir(parents=True)
    assert rows(archive) == before  # not in the manifest: not visible
    result = ingest([str(realdata / "v1/python-twitter__get_mentions.json")], archive)
    assert not crashed.exists() and not (archive / ".staging" / run).exists()
    assert copied.exists() and (archive / ".staging" / "run-x").is_dir()
    assert result.left_alone == [".staging/run-x", "tweets/month=2012-09/part-crashed.parquet"]


def test_cli_json_output_has_the_contract_keys(realdata, archive):
    path = realdata / "v1/sferik_twitter__track_streaming_user.json"
    result = CliRunner().invoke(cli, ["ingest", str(path), "--archive", str(archive), "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert {k: got[k] for k in ("files", "records_read", "tweets_written", "context_written",
                                "duplicates", "notices", "quarantined")} == {
        "files": 1, "records_read": 6, "tweets_written": 1, "context_written": 0,
        "duplicates": 0, "notices": 5, "quarantined": 0,
    }


def test_python_dash_m_and_sql(realdata, archive):
    ingest([str(realdata / "v1/sferik_twitter__statuses.json")], archive)
    out = subprocess.run(
        [sys.executable, "-m", "kwo", "sql", "SELECT count(*) AS n FROM tweets WHERE collected",
         "--archive", str(archive), "--format", "json"],
        capture_output=True, text=True, check=True,
    )
    assert json.loads(out.stdout) == [{"n": 20}]


def test_parallel_ranges_give_the_same_archive_as_one_worker(realdata, tmp_path):
    """Force the byte-range split on a small file: rows, accounting and quarantine line numbers
    must equal a single-worker run (the suite has no file large enough to split by itself)."""
    lines = (realdata / "v1/python-twitter__streaming_lines.json").read_bytes().splitlines(keepends=True)
    lines.insert(40, b'{"id_str": "1", "broken\n')  # line 41 of the file
    src = tmp_path / "lines.jsonl"
    src.write_bytes(b"".join(lines * 3))  # 3 copies: ranges meet duplicates of earlier ranges
    single = ingest([str(src)], tmp_path / "one", workers=1)
    parallel = ingest([str(src)], tmp_path / "two", workers=2,
                      tuning=IngestTuning(parallel_min_bytes=1, range_min_bytes=64 * 1024))
    assert parallel.per_file[0].ranges == 8  # the file really was cut into ranges
    assert parallel.per_file[0].sha256 == single.per_file[0].sha256
    for key in ("records_read", "tweets_written", "context_written", "duplicates", "notices", "quarantined"):
        assert parallel.as_dict()[key] == single.as_dict()[key], key
    assert (single.tweets_written, single.quarantined) == (71, 3)
    q = "SELECT tweet_id, text, mentions, collected FROM tweets ORDER BY tweet_id"
    assert connect(tmp_path / "one").sql(q).fetchall() == connect(tmp_path / "two").sql(q).fetchall()
    quarantined = [json.loads(x)["line"] for x in (tmp_path / "two" / parallel.quarantine_file).read_text().splitlines()]
    n = len(lines)
    assert sorted(quarantined) == [41, 41 + n, 41 + 2 * n]


def test_connect_reads_the_snapshot_of_the_manifest_it_is_given(realdata, archive):
    ingest([str(realdata / "v1/sferik_twitter__statuses.json")], archive)
    before = Archive(archive).read_manifest()
    ingest([str(realdata / "v1/python-twitter__get_mentions.json")], archive)
    old = connect(archive, manifest=before).execute("SELECT count(*) FROM tweets WHERE collected").fetchone()
    new = connect(archive).execute("SELECT count(*) FROM tweets WHERE collected").fetchone()
    assert (old, new) == ((20,), (39,))


def test_handles_of_arrow_batches_are_stored_lowercase(tmp_path):
    import pyarrow as pa

    from kwo.ingest import ingest_batches
    from kwo.schema import TWEET_SCHEMA

    values = {f.name: [None] * 4 for f in TWEET_SCHEMA}
    values.update(tweet_id=[1, 2, 3, 4], created_at=[1_456_826_400_000] * 4, collected=[True] * 4,
                  author_handle=["KPN", None, "ÄbC", "x"], in_reply_to_handle=[None, "IngNL", None, None],
                  mentions=[[{"user_id": "1", "handle": "KPN"}, None, {"user_id": "2", "handle": None}],
                            None, [], [{"user_id": None, "handle": "NS_Online"}]])
    table = pa.table({f.name: pa.array(values[f.name], f.type) for f in TWEET_SCHEMA})
    # a slice and a table of two chunks: offsets of the mention lists must follow the slice
    ingest_batches([table.slice(1, 3), pa.concat_tables([table.slice(0, 1), table.slice(0, 0)])], tmp_path / "a")
    con = connect(tmp_path / "a")
    assert con.sql("SELECT tweet_id, author_handle, in_reply_to_handle, mentions FROM tweets "
                   "ORDER BY tweet_id").fetchall() == [
        (1, "kpn", None, [{"user_id": "1", "handle": "kpn"}, None, {"user_id": "2", "handle": None}]),
        (2, None, "ingnl", None),
        (3, "äbc", None, []),
        (4, "x", None, [{"user_id": None, "handle": "ns_online"}]),
    ]
    assert con.execute("SELECT kwo_handle('KpN')").fetchone() == ("KpN",)  # an alias: nothing to lower


def test_a_pre_release_manifest_key_is_ignored(tmp_path):
    """Manifests of kwo before its release carried "lowercase_handles"; they still read, and the
    next ingest drops the key."""
    dump = tmp_path / "t.jsonl"
    dump.write_text(json.dumps({"id_str": "1", "created_at": "Tue Mar 01 10:00:00 +0000 2016", "text": "@KPN",
                                "user": {"id_str": "9", "screen_name": "Someone"}}) + "\n")
    ingest([str(dump)], tmp_path / "a")
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert "lowercase_handles" not in manifest
    (tmp_path / "a" / "manifest.json").write_text(json.dumps({**manifest, "lowercase_handles": False}))
    assert Archive(tmp_path / "a").read_manifest().parts == manifest["parts"]
    dump.write_text(dump.read_text().replace('"1"', '"2"'))
    assert ingest([str(dump)], tmp_path / "a").tweets_written == 1
    assert "lowercase_handles" not in json.loads((tmp_path / "a" / "manifest.json").read_text())


# ---------------------------------------------------------------------------------------------
# What a user meets when an ingest goes wrong, and while it runs


def test_a_forced_format_that_quarantines_every_record_is_an_error(realdata, tmp_path, kwo_cli):
    """--format v1 on the Kaggle CSV used to exit 0 with everything quarantined."""
    csv = realdata / "twcs/divya-gh__twcs_small.csv"
    archive = tmp_path / "arch"
    r = kwo_cli("ingest", csv, "--format", "v1", "-a", archive, code=1)
    assert r.stderr == (f"Error: {csv}: --format v1 could not read any of its 1 record (all would be quarantined); "
                        'it looks like twcs (Kaggle "Customer Support on Twitter" CSV (twcs.csv)): use --format '
                        "twcs, or --format auto. Nothing was ingested.\n")
    assert not archive.exists()
    # into an existing archive: refused, and the archive is as it was
    kwo_cli("ingest", realdata / "v1/sferik_twitter__statuses.json", "-a", archive, "-q")
    before = (archive / "manifest.json").read_bytes()
    kwo_cli("ingest", csv, "--format", "v1", "-a", archive, code=1)
    assert (archive / "manifest.json").read_bytes() == before
    assert sorted(p.name for p in archive.iterdir()) == [".lock", ".staging", "manifest.json", "tweets"]
    # a format that reads some records is no error: its quarantine is data
    mixed = tmp_path / "mixed.jsonl"
    good = (realdata / "v1/sferik_twitter__statuses.json").read_text()
    mixed.write_text(json.dumps(json.loads(good)[0]) + "\nnot json\n")
    got = ingest([str(mixed)], tmp_path / "mixed", fmt="v1")
    assert (got.tweets_written, got.quarantined) == (1, 1)


def test_a_forced_format_that_reads_nothing_of_an_unknown_file_is_an_error(tmp_path, kwo_cli):
    """A CSV of no known shape forced through --format v1: every line would be quarantined, so it
    is the wrong format (issue 18), an error naming the file and no archive left behind."""
    odd = tmp_path / "export.csv"
    odd.write_text("datum;bericht\n2016-03-01;hallo\n2016-03-02;dag\n", encoding="utf-8")
    archive = tmp_path / "archive"
    r = kwo_cli("ingest", odd, "--format", "v1", "-a", archive, code=1)
    # the v1 reader sees one JSON document (not JSON lines) that does not parse: one record
    assert r.stderr == (f"Error: {odd}: --format v1 could not read any of its 1 record (all would be quarantined), "
                        "and its content looks like none of the formats kwo reads (kwo ingest --help lists them). "
                        "Nothing was ingested.\n")
    assert not archive.exists()


def test_a_failed_first_ingest_leaves_no_directory(tmp_path, kwo_cli):
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\x01 not tweets\n")
    archive = tmp_path / "new" / "arch"
    r = kwo_cli("ingest", garbage, "-a", archive, code=1)
    assert "unknown format" in r.stderr
    assert not archive.exists() and (tmp_path / "new").is_dir()  # only the folder kwo made is removed
    # a folder that was there before the run stays, empty as it was plus what kwo keeps
    mine = tmp_path / "mine"
    mine.mkdir()
    kwo_cli("ingest", garbage, "-a", mine, code=1)
    assert mine.is_dir()


def test_a_new_archive_folder_with_a_users_file_in_it_is_kept(tmp_path, monkeypatch):
    """A file that appears in the new folder during the failed run (not kwo's) keeps the folder."""
    from kwo.archive import layout

    archive = tmp_path / "arch"
    real = layout.remove_new_archive

    def with_a_users_file(root):
        (root / "notes.txt").write_text("mine")
        return real(root)

    monkeypatch.setattr("kwo.ingest.transaction.remove_new_archive", with_a_users_file)
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\x01 not tweets\n")
    with pytest.raises(KwoError, match="unknown format"):
        ingest([str(garbage)], archive)
    assert (archive / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in archive.iterdir()) == [".lock", "notes.txt"]


class _Phases:
    def __init__(self):
        self.seen: list[str] = []

    def start_file(self, path, total_bytes):
        self.seen.append(f"reading {Path(path).name}")

    def advance(self, nbytes): ...

    def end_file(self): ...

    def phase(self, name):
        self.seen.append(name)


def test_progress_names_every_phase(realdata, tmp_path):
    progress = _Phases()
    ingest([str(realdata / "v1/sferik_twitter__statuses.json")], tmp_path / "a", progress=progress, workers=1)
    assert progress.seen == ["reading sferik_twitter__statuses.json", "merging", "writing parts", "publishing"]


def test_the_progress_bar_shows_the_phase(tmp_path):
    import io

    from rich.console import Console

    from kwo.cli.progress import ingest_progress

    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=False)
    with ingest_progress(True, console=console) as bar:
        bar.start_file("/data/dump.jsonl.gz", 1000)
        bar.advance(1000)
        bar.phase("merging")
        bar.phase("writing parts")
    text = out.getvalue()
    assert "reading dump.jsonl.gz" in text and "merging" in text and "writing parts" in text
    assert all(len(line) <= 80 for line in text.splitlines())
