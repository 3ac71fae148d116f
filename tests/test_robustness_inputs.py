"""Bad input through the whole ingest: one test per case of the matrix in docs/robustness.md, and
property tests of every reader (arbitrary bytes, arbitrary JSON, broken tweets).

What every case checks besides its own outcome (see :func:`ingest_bytes`): the accounting identity
``records_read = tweets_written + duplicates + notices + quarantined``, one quarantine entry per
quarantined record, and an archive that opens with exactly the written tweets in it.
The reader tests (tests/test_formats_*.py) test the readers alone; these go through kwo.ingest.
"""

from __future__ import annotations

import bz2
import copy
import gzip
import json
import os
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
import zstandard
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwo.cli import cli
from kwo.engine.duckdb import connect
from kwo.errors import InputError, KwoError, UnknownFormatError
from kwo.formats import EXCERPT_BYTES, MAX_RECORD_BYTES
from kwo.ingest import IngestResult, IngestTuning, ingest
from tests.conftest import REALDATA

# ---------------------------------------------------------------------------------------------
# Small valid records of every format (the property tests also start from real ones when present)

V1 = {
    "id_str": "1000000000000000001",
    "created_at": "Wed Oct 10 20:19:24 +0000 2018",
    "text": "@kpn mijn internet doet het niet",
    "user": {"id_str": "100", "screen_name": "Ann"},
    "entities": {"user_mentions": [{"id_str": "1", "screen_name": "KPN"}]},
    "in_reply_to_status_id_str": None,
    "lang": "nl",
    "source": '<a href="http://twitter.com">Twitter Web Client</a>',
}
V2 = {
    "id": "1000000000000000002",
    "created_at": "2018-10-10T20:19:24.000Z",
    "text": "@kpn storing?",
    "author_id": "101",
    "edit_history_tweet_ids": ["1000000000000000002"],
    "entities": {"mentions": [{"id": "1", "username": "KPN", "start": 0, "end": 4}]},
    "lang": "nl",
}
TWCS_HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"
TWCS_ROW = "{id},115712,True,Tue Oct 31 22:10:47 +0000 2017,@sprintcare is this a thing?,,"
ARCHIVE_TWEET = {
    "tweet": {
        "id_str": "1000000000000000003",
        "created_at": "Wed Oct 10 20:19:24 +0000 2018",
        "full_text": "@KPN dank!",
        "entities": {"user_mentions": [{"id_str": "1", "screen_name": "KPN"}]},
        "lang": "nl",
    }
}
ARCHIVE_PREFIX = "window.YTD.tweets.part0 = "
DEEP = 10_000


def v1(i: int, **changes) -> dict:
    return {**V1, "id_str": str(1_000_000_000_000_000_000 + i), **changes}


def v2(i: int, **changes) -> dict:
    tid = str(1_000_000_000_000_000_000 + i)
    return {**V2, "id": tid, "edit_history_tweet_ids": [tid], **changes}


def jsonl(*records) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in records)


def twcs(*rows: str, eol: str = "\n") -> bytes:
    return (eol.join([TWCS_HEADER, *rows]) + eol).encode()


def tweets_js(*elements) -> bytes:
    return (ARCHIVE_PREFIX + "[" + ",".join(e if isinstance(e, str) else json.dumps(e) for e in elements) + "]").encode()


@dataclass
class Ingested:
    result: IngestResult
    archive: Path
    quarantine: list[dict]
    ids: list[int]  # collected tweet ids in the archive, sorted

    @property
    def counts(self) -> dict:
        d = self.result.as_dict()
        return {k: d[k] for k in ("records_read", "tweets_written", "duplicates", "notices", "quarantined")}

    def reasons(self) -> list[str]:
        return [q["reason"] for q in self.quarantine]


def check_archive(result: IngestResult, archive: Path) -> Ingested:
    """What every case must satisfy, whatever the input."""
    d = result.as_dict()
    assert d["records_read"] == d["tweets_written"] + d["duplicates"] + d["notices"] + d["quarantined"]
    for f in result.per_file:
        assert f.records_read == f.tweets_written + f.duplicates + f.notices + f.quarantined
    quarantine = []
    if result.quarantine_file:
        quarantine = [json.loads(x) for x in (archive / result.quarantine_file).read_text("utf-8").split("\n")[:-1]]
    assert len(quarantine) == d["quarantined"]
    con = connect(archive)
    ids = [r[0] for r in con.execute("SELECT tweet_id FROM tweets WHERE collected ORDER BY 1").fetchall()]
    con.close()
    return Ingested(result, archive, quarantine, ids)


def ingest_bytes(tmp_path: Path, data: bytes, name: str = "input.jsonl", **kwargs) -> Ingested:
    """Write ``data`` to ``tmp_path/name`` and ingest it into ``tmp_path/archive`` (a new one)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / name
    path.write_bytes(data)
    archive = tmp_path / "archive"
    kwargs.setdefault("workers", 1)
    got = check_archive(ingest([str(path)], archive, **kwargs), archive)
    assert len(got.ids) == got.result.tweets_written  # one ingest into a new archive
    return got


def cli_ingest(*args) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["ingest", *map(str, args)])
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


# Linux keeps a process's peak RSS across exec, and a child forked from the test process starts
# with the test process's pages: so kwo runs as the child of a small trampoline, which reports the
# peak RSS of kwo (and of the workers kwo waited for) through wait4.
_TRAMPOLINE = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def peak_rss_mb(args: list[str]) -> tuple[int, int, bytes, bytes]:
    """Run ``python -m kwo ARGS``; (exit code, peak RSS in MiB of it and its workers, stdout, stderr)."""
    with tempfile.TemporaryDirectory() as tmp:
        rss_file = os.path.join(tmp, "rss")
        proc = subprocess.run([sys.executable, "-c", _TRAMPOLINE, rss_file, sys.executable, "-m", "kwo", *args],
                              capture_output=True)
        with open(rss_file) as f:
            rss_kib = int(f.read())
    return proc.returncode, rss_kib // 1024, proc.stdout, proc.stderr


# Peak RSS of a whole ingest process: about 170 MiB for a tiny file on a 2-core machine (DuckDB,
# pyarrow and the parse workers); the bound leaves room for noise, not for holding 100 MB twice.
RSS_BOUND_MB = 600

# ---------------------------------------------------------------------------------------------
# Empty and blank input


def test_empty_file_is_no_records(tmp_path):
    got = ingest_bytes(tmp_path, b"")
    assert got.counts == dict(records_read=0, tweets_written=0, duplicates=0, notices=0, quarantined=0)
    assert got.result.per_file[0].format == "empty"
    # the file is recorded: ingesting it again is a no-op that says so
    again = check_archive(ingest([str(tmp_path / "input.jsonl")], got.archive), got.archive)
    assert again.result.per_file[0].skipped


@pytest.mark.parametrize("blank", [b" \n\t\n\r\n   ", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n\r\n"], ids=["whitespace", "bom", "bom-crlf"])
def test_only_whitespace_is_no_records(tmp_path, blank):
    got = ingest_bytes(tmp_path, blank * 1000 if blank.isspace() else blank)
    assert got.counts["records_read"] == 0 and got.ids == []
    assert got.result.per_file[0].format == "empty"


# ---------------------------------------------------------------------------------------------
# A single line of 100 MB


def test_a_single_100_mb_line_is_quarantined_with_flat_memory(tmp_path):
    # One v1 tweet whose text is 100 MB: no tweet is that long (records over MAX_RECORD_BYTES
    # are refused unread), and reading it whole once cost 1.2 GB of memory.
    path = tmp_path / "huge.jsonl"
    start = json.dumps({k: v for k, v in v1(1).items() if k != "text"}).encode()[:-1] + b', "text": "'
    with open(path, "wb") as f:
        f.write(start + b"x" * (100 << 20) + b'"}\n')
    code, rss, out, err = peak_rss_mb(["ingest", str(path), "--archive", str(tmp_path / "a"), "--json"])
    assert code == 0, err
    got = json.loads(out)
    assert (got["records_read"], got["quarantined"], got["tweets_written"]) == (1, 1, 0)
    [entry] = [json.loads(x) for x in (tmp_path / "a" / got["quarantine_file"]).read_text().splitlines()]
    assert entry["line"] == 1 and f"longer than the {MAX_RECORD_BYTES:,} a tweet record can be" in entry["reason"]
    assert len(entry["raw"]) == EXCERPT_BYTES and entry["raw"].startswith('{"id_str"')
    assert rss < RSS_BOUND_MB, f"peak RSS {rss} MiB"


@pytest.mark.parametrize("fmt", ["v1", "v2"])
def test_an_over_long_line_among_good_ones_is_quarantined_alone(tmp_path, fmt):
    make = v1 if fmt == "v1" else v2
    huge = json.dumps(make(2, text="y" * (MAX_RECORD_BYTES + 10))).encode()
    got = ingest_bytes(tmp_path, jsonl(make(1), huge, make(3)))
    assert got.counts == dict(records_read=3, tweets_written=2, duplicates=0, notices=0, quarantined=1)
    [entry] = got.quarantine
    assert entry["line"] == 2 and f"{len(huge):,} bytes" in entry["reason"]
    assert len(entry["raw"]) == EXCERPT_BYTES
    assert got.ids == [1_000_000_000_000_000_001, 1_000_000_000_000_000_003]


def test_an_over_long_account_archive_element_is_quarantined(tmp_path):
    # Found whole within twice the limit, the element is quarantined and its neighbours read; one
    # that does not end there stops the file (the rest unread, said in the reason).
    big = {"tweet": {**ARCHIVE_TWEET["tweet"], "id_str": "2", "full_text": "z" * (MAX_RECORD_BYTES + (1 << 20))}}
    after = {"tweet": {**ARCHIVE_TWEET["tweet"], "id_str": "3"}}
    got = ingest_bytes(tmp_path, tweets_js(ARCHIVE_TWEET, big, after), name="tweets.js", account="me")
    assert got.counts == dict(records_read=3, tweets_written=2, duplicates=0, notices=0, quarantined=1)
    assert got.reasons()[0].startswith("element 2: an element longer than the 16,777,216 bytes a tweet record can be")
    huge = {"tweet": {**ARCHIVE_TWEET["tweet"], "id_str": "2", "full_text": "z" * (3 * MAX_RECORD_BYTES)}}
    got = ingest_bytes(tmp_path / "b", tweets_js(ARCHIVE_TWEET, huge, after), name="tweets.js", account="me")
    assert got.counts == dict(records_read=2, tweets_written=1, duplicates=0, notices=0, quarantined=1)
    assert got.reasons()[0] == ("an element longer than the 16,777,216 bytes a tweet record can be after element 1; "
                                "the rest of the file is not read")


def test_100_mb_of_one_line_that_is_no_json_is_an_unknown_format(tmp_path):
    path = tmp_path / "blob.jsonl"
    path.write_bytes(b"q" * (100 << 20))
    code, rss, _, err = peak_rss_mb(["ingest", str(path), "--archive", str(tmp_path / "a")])
    assert code == 1 and err.startswith(f"Error: {path}: unknown format".encode()), err
    assert b"Traceback" not in err and rss < RSS_BOUND_MB
    assert not (tmp_path / "a" / "manifest.json").exists()


# ---------------------------------------------------------------------------------------------
# Deeply nested JSON (10,000 levels): quarantined, never a RecursionError


@pytest.mark.parametrize("where", ["middle", "first"])
@pytest.mark.parametrize("fmt", ["v1", "v2"])
def test_deeply_nested_line_is_quarantined(tmp_path, fmt, where):
    make = v1 if fmt == "v1" else v2
    deep = ("[" * DEEP + "]" * DEEP).encode()
    lines = [deep, make(1), make(2)] if where == "first" else [make(1), deep, make(2)]
    got = ingest_bytes(tmp_path, jsonl(*lines))
    assert got.result.per_file[0].format == fmt
    # The first case once made the v1 reader take the file for one broken JSON document: the two
    # good tweets after the deep line went into a single quarantine entry.
    assert got.counts == dict(records_read=3, tweets_written=2, duplicates=0, notices=0, quarantined=1)
    [entry] = got.quarantine
    assert "nested too deeply" in entry["reason"] or "recursion" in entry["reason"]
    assert entry["line"] == (1 if where == "first" else 2)


def test_deeply_nested_object_inside_a_tweet_is_quarantined(tmp_path):
    nested = '{"a":' * DEEP + "1" + "}" * DEEP
    bad = json.dumps(v1(2, entities="X")).replace('"X"', nested).encode()
    got = ingest_bytes(tmp_path, jsonl(v1(1), bad))
    assert (got.counts["tweets_written"], got.counts["quarantined"]) == (1, 1)


def test_deeply_nested_account_archive_element_is_quarantined(tmp_path):
    # ijson built any depth (in memory quadratic in it); writing the element into the quarantine
    # once raised RecursionError. Now the element is passed over by counting brackets.
    deep = '{"tweet":' * DEEP + "1" + "}" * DEEP
    after = {"tweet": {**ARCHIVE_TWEET["tweet"], "id_str": "2"}}
    got = ingest_bytes(tmp_path, tweets_js(ARCHIVE_TWEET, deep, after), name="tweets.js", account="me")
    assert got.counts == dict(records_read=3, tweets_written=2, duplicates=0, notices=0, quarantined=1)
    assert got.quarantine[0]["reason"] == "element 2: nested too deeply"
    assert got.quarantine[0]["raw"] == deep[: 64 << 10]


def test_a_file_of_only_deep_nesting_is_an_unknown_format(tmp_path):
    # Format detection parsed the first line with json.loads and raised RecursionError.
    path = tmp_path / "deep.json"
    path.write_text('{"a":' * DEEP + "1" + "}" * DEEP)
    code, _, err = cli_ingest(path, "--archive", tmp_path / "a")
    assert code == 1 and err.startswith(f"Error: {path}: unknown format")


# ---------------------------------------------------------------------------------------------
# Encodings and control characters


@pytest.mark.parametrize("first", [True, False], ids=["first-line", "later-line"])
def test_invalid_utf8_is_quarantined_with_its_bytes_shown(tmp_path, first):
    bad = json.dumps(v1(9)).replace("mijn", "m\x00ijn").encode().replace(b"\x00", b"\xff\xfe")
    lines = [bad, v1(1), v1(2)] if first else [v1(1), bad, v1(2)]
    got = ingest_bytes(tmp_path, jsonl(*lines))
    assert got.counts == dict(records_read=3, tweets_written=2, duplicates=0, notices=0, quarantined=1)
    [entry] = got.quarantine
    at = bad.index(b"\xff") + 1
    assert entry["line"] == (1 if first else 2) and entry["reason"] == f"invalid UTF-8 at byte {at}"
    assert "m\\xff\\xfeijn" in entry["raw"]  # the undecodable bytes, escaped, nothing dropped


def test_invalid_utf8_in_twcs_and_v2(tmp_path):
    bad_row = TWCS_ROW.format(id=2).encode().replace(b"thing", b"th\xffing")
    got = ingest_bytes(tmp_path / "twcs", twcs(TWCS_ROW.format(id=1)) + bad_row + b"\n", name="t.csv")
    at = bad_row.index(b"\xff") + 1
    assert (got.counts["tweets_written"], got.reasons()) == (1, [f"invalid UTF-8 at byte {at}"])
    assert got.quarantine[0]["raw"] == bad_row.decode("utf-8", "backslashreplace") + "\n"
    bad_line = json.dumps(v2(5)).encode().replace(b"storing", b"st\xfforing")
    got = ingest_bytes(tmp_path / "v2", jsonl(v2(4), bad_line))
    assert (got.counts["tweets_written"], got.counts["quarantined"]) == (1, 1)
    at = bad_line.index(b"\xff") + 1
    assert got.quarantine[0]["line"] == 2 and got.quarantine[0]["reason"] == f"invalid UTF-8 at byte {at}"


BOM = b"\xef\xbb\xbf"


def _bom_inputs(fmt: str) -> tuple[bytes, bytes]:
    """(data, the same data with a byte-order mark at the start of the file and of a later record)."""
    if fmt == "twcs":
        head, first, second = TWCS_HEADER.encode() + b"\n", TWCS_ROW.format(id=1).encode() + b"\n", \
            TWCS_ROW.format(id=2).encode() + b"\n"
        return head + first + second, BOM + head + first + BOM + second
    if fmt == "v1-document":  # a JSON array: only the file start can carry a mark
        data = json.dumps([v1(1), v1(2)], indent=1).encode()
        return data, BOM + data
    if fmt == "archive":
        data = tweets_js(ARCHIVE_TWEET, {"tweet": {**ARCHIVE_TWEET["tweet"], "id_str": "1000000000000000002"}})
        return data, BOM + data
    a, b = (v1(1), v1(2)) if fmt == "v1" else (v2(1), v2(2))
    return jsonl(a, b), BOM + jsonl(a) + BOM + jsonl(b)


@pytest.mark.parametrize("compression", [None, "gzip"])
@pytest.mark.parametrize("fmt", ["v1", "v2", "twcs", "v1-document", "archive"])
def test_utf8_bom_at_the_start_of_a_file_or_record_is_not_data(tmp_path, fmt, compression):
    # docs/robustness.md, "Byte-order marks": the same in every reader, compressed or not.
    plain, marked = _bom_inputs(fmt)
    name = {"twcs": "t.csv", "archive": "tweets.js"}.get(fmt, "input.json")
    extra = {"account": "someone"} if fmt == "archive" else {}
    if compression:
        plain, marked, name = gzip.compress(plain), gzip.compress(marked), name + ".gz"
    without = ingest_bytes(tmp_path / "plain", plain, name=name, **extra)
    got = ingest_bytes(tmp_path / "bom", marked, name=name, **extra)
    assert got.counts == without.counts and got.counts["quarantined"] == 0
    assert got.counts["tweets_written"] == 2 and got.ids == without.ids


def test_utf8_bom_at_a_record_start_in_parallel_ranges(tmp_path):
    # The parallel path cuts a JSON-lines file into byte ranges; a range may start at a marked line.
    records = [json.dumps(v1(i, text="x" * 200)).encode() + b"\n" for i in range(200)]
    data = b"".join(BOM + r if i % 7 == 0 else r for i, r in enumerate(records))
    got = ingest_bytes(tmp_path, data, workers=2, tuning=IngestTuning(parallel_min_bytes=1, range_min_bytes=4096))
    assert got.result.per_file[0].ranges > 1
    assert got.counts["quarantined"] == 0 and got.counts["tweets_written"] == 200


def test_utf8_bom_inside_a_record_is_data(tmp_path):
    # Only a record's start is skipped: in the middle of a JSON line a mark is not JSON.
    line = json.dumps(v1(2)).encode()
    got = ingest_bytes(tmp_path, jsonl(v1(1)) + line[:1] + BOM + line[1:] + b"\n")
    assert got.counts["tweets_written"] == 1
    assert got.reasons() == ["invalid JSON at byte 2: unexpected character '\\ufeff'"]


def test_nul_bytes(tmp_path):
    raw_nul = json.dumps(v1(2)).replace("mijn", "m\x00ijn").encode()  # a raw NUL: not JSON
    escaped = json.dumps(v1(3, text="nul \u0000 in text")).encode()  # an escaped NUL: valid JSON
    got = ingest_bytes(tmp_path, jsonl(v1(1), raw_nul, escaped, b"\x00" * 64))
    assert got.counts == dict(records_read=4, tweets_written=2, duplicates=0, notices=0, quarantined=2)
    assert [q["line"] for q in got.quarantine] == [2, 4]
    con = connect(got.archive)
    assert con.execute("SELECT text FROM tweets WHERE tweet_id = $id", {"id": 1_000_000_000_000_000_003}).fetchone() == (
        "nul \x00 in text",)


def test_a_file_of_nul_bytes_is_an_unknown_format(tmp_path):
    with pytest.raises(UnknownFormatError):
        ingest_bytes(tmp_path, b"\x00" * 4096)


@pytest.mark.parametrize("fmt", ["v1", "v2", "twcs"])
def test_windows_line_endings_give_the_same_rows(tmp_path, fmt):
    records = {"v1": [v1(1), v1(2, text="twee\nregels")], "v2": [v2(1), v2(2, text="twee\nregels")]}
    if fmt == "twcs":
        lf = twcs(TWCS_ROW.format(id=1), '2,sprintcare,False,Tue Oct 31 22:11:47 +0000 2017,"two\nlines @115712",,1')
        crlf = lf.replace(b"\n", b"\r\n")
    else:
        lf = jsonl(*records[fmt])
        crlf = lf.replace(b"\n", b"\r\n")
    a = ingest_bytes(tmp_path / "lf", lf)
    b = ingest_bytes(tmp_path / "crlf", crlf)
    assert a.counts == b.counts and b.counts["tweets_written"] == 2 and b.counts["quarantined"] == 0
    q = "SELECT tweet_id, text, mentions FROM tweets ORDER BY 1"
    rows_a = connect(a.archive).execute(q).fetchall()
    rows_b = connect(b.archive).execute(q).fetchall()
    if fmt == "twcs":  # a line break quoted inside a field is the file's own: CRLF stays CRLF
        rows_b = [(i, t.replace("\r\n", "\n"), m) for i, t, m in rows_b]
    assert rows_a == rows_b


# ---------------------------------------------------------------------------------------------
# Compressed input


def test_truncated_gzip_among_good_files_commits_nothing(tmp_path):
    # test_ingest.py checks a truncated gzip alone; here a good file comes first in the same run.
    before, good, cut = tmp_path / "before.jsonl", tmp_path / "good.jsonl", tmp_path / "cut.jsonl.gz"
    before.write_bytes(jsonl(v1(1)))
    good.write_bytes(jsonl(v1(2)))
    data = gzip.compress(jsonl(*[v1(i) for i in range(10, 400)]))
    cut.write_bytes(data[: len(data) // 2])
    archive = tmp_path / "a"
    ingest([str(before)], archive)  # something to keep intact
    manifest = (archive / "manifest.json").read_bytes()
    with pytest.raises(InputError, match=rf"^{cut}: truncated or corrupt gzip data"):
        ingest([str(good), str(cut)], archive, workers=1)
    code, _, err = cli_ingest(good, cut, "--archive", archive)
    assert code == 1 and err.startswith(f"Error: {cut}: truncated or corrupt gzip data")
    assert (archive / "manifest.json").read_bytes() == manifest
    con = connect(archive)
    assert con.execute("SELECT tweet_id FROM tweets").fetchall() == [(1_000_000_000_000_000_001,)]
    assert not list((archive / ".staging").iterdir())


def _zstd(data: bytes, **kwargs) -> bytes:
    return zstandard.ZstdCompressor(**kwargs).compress(data)


COMPRESSORS = {
    "gzip": gzip.compress,
    "bz2": bz2.compress,
    "zstd": _zstd,
    # two frames with checksums and no sizes, as zstd --stream writes; the cut falls in the second
    "zstd-frames": lambda d: _zstd(d[: len(d) // 4]) + _zstd(d[len(d) // 4 :], write_checksum=True, write_content_size=False),
}


@pytest.mark.parametrize("kind", COMPRESSORS)
def test_truncated_compressed_file_is_an_error_naming_it(tmp_path, kind):
    # A cut zstd file used to end quietly where the data stopped (the zstandard stream reader does
    # not say a frame was incomplete): 1,554 of 4,736 records ingested and no word of it.
    data = COMPRESSORS[kind](jsonl(*[v1(i) for i in range(1, 3000)]))
    path = tmp_path / f"cut.{kind}"
    path.write_bytes(data[: len(data) * 2 // 3])
    code, _, err = cli_ingest(path, "--archive", tmp_path / "a")
    assert code == 1
    assert err.startswith(f"Error: {path}: truncated or corrupt {kind.split('-')[0]} data")
    assert not (tmp_path / "a" / "manifest.json").exists()


def test_corrupt_zstd_with_checksums_is_an_error(tmp_path):
    data = bytearray(_zstd(jsonl(*[v1(i) for i in range(1, 3000)]), write_checksum=True))
    data[len(data) // 2] ^= 0xFF
    path = tmp_path / "flipped.jsonl.zst"
    path.write_bytes(data)
    with pytest.raises(InputError, match=rf"^{path}: truncated or corrupt zstd data"):
        ingest([str(path)], tmp_path / "a")


def test_zstd_starting_with_a_skippable_frame_is_zstd(tmp_path):
    # pzstd writes a skippable frame (its frame sizes) first: such files were an "unknown format".
    data = jsonl(*[v1(i) for i in range(1, 100)])
    skippable = b"\x50\x2a\x4d\x18" + (4).to_bytes(4, "little") + (1234).to_bytes(4, "little")
    got = ingest_bytes(tmp_path, skippable + _zstd(data[:5000]) + skippable + _zstd(data[5000:]), name="p.jsonl.zst")
    assert got.counts["tweets_written"] == 99 and got.counts["quarantined"] == 0


def test_not_gzip_despite_the_name_is_read_by_content(tmp_path):
    got = ingest_bytes(tmp_path / "a", jsonl(v1(1)), name="really-plain.jsonl.gz")
    assert got.counts["tweets_written"] == 1 and got.ids == [1_000_000_000_000_000_001]
    got = ingest_bytes(tmp_path / "b", gzip.compress(jsonl(v1(2))), name="looks-plain.json")
    assert got.counts["tweets_written"] == 1 and got.ids == [1_000_000_000_000_000_002]


def test_gzip_bomb_expands_1000_fold_with_flat_memory(tmp_path):
    # 17 tweets padded with 12 MiB of JSON white space each: 200 MiB from about 200 KB of gzip.
    path = tmp_path / "bomb.jsonl.gz"
    pad = b" " * (12 << 20)
    z = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    expanded = 0
    with open(path, "wb") as f:
        for i in range(17):
            head, rest = json.dumps(v1(i)).encode().split(b",", 1)  # {"id_str": "..." first: detectable
            line = head + b"," + pad + rest + b"\n"
            expanded += len(line)
            f.write(z.compress(line))
        f.write(z.flush())
    assert expanded / path.stat().st_size > 1000
    code, rss, out, err = peak_rss_mb(["ingest", str(path), "--archive", str(tmp_path / "a"), "--json"])
    assert code == 0, err
    got = json.loads(out)
    assert (got["tweets_written"], got["quarantined"]) == (17, 0)
    assert rss < 400, f"peak RSS {rss} MiB for {expanded >> 20} MiB expanded"


# ---------------------------------------------------------------------------------------------
# A JSON file mixing v1.1 and v2 lines: the detected format's reader quarantines the other kind


@pytest.mark.parametrize("first", ["v1", "v2"])
def test_mixed_v1_and_v2_lines(tmp_path, first):
    lines = [v1(1), v2(2), v1(3), v2(4)] if first == "v1" else [v2(2), v1(1), v2(4), v1(3)]
    got = ingest_bytes(tmp_path, jsonl(*lines))
    assert got.result.per_file[0].format == first
    assert got.counts == dict(records_read=4, tweets_written=2, duplicates=0, notices=0, quarantined=2)
    other = "v2" if first == "v1" else "v1"
    assert all(f"--format {other}" in r for r in got.reasons())
    assert [q["line"] for q in got.quarantine] == [2, 4]
    # and the quarantined kind goes in with --format
    again = check_archive(ingest([str(tmp_path / "input.jsonl")], got.archive, fmt=other), got.archive)
    assert again.result.tweets_written == 2 and len(again.ids) == 4


# ---------------------------------------------------------------------------------------------
# twcs CSV


def test_twcs_row_with_a_missing_column(tmp_path):
    got = ingest_bytes(tmp_path, twcs(TWCS_ROW.format(id=1), TWCS_ROW.format(id=2).rsplit(",", 2)[0]), name="t.csv")
    assert (got.counts["tweets_written"], got.counts["quarantined"]) == (1, 1)
    assert got.quarantine[0] | {"run": None} == {
        "file": str(tmp_path / "t.csv"), "line": 3, "reason": "5 fields where the header has 7",
        "raw": TWCS_ROW.format(id=2).rsplit(",", 2)[0] + "\n", "run": None}


def test_twcs_header_without_a_required_column_is_an_unknown_format(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(twcs(TWCS_ROW.format(id=1)).replace(b",inbound", b""))
    code, _, err = cli_ingest(path, "--archive", tmp_path / "a", "--format", "twcs")
    assert code == 1 and err.startswith(f"Error: {path}: twcs header lacks column(s) inbound")


def test_twcs_row_with_an_extra_column(tmp_path):
    got = ingest_bytes(tmp_path, twcs(TWCS_ROW.format(id=1), TWCS_ROW.format(id=2) + ",surplus"), name="t.csv")
    assert (got.counts["tweets_written"], got.reasons()) == (1, ["8 fields where the header has 7"])


def test_twcs_quoted_newline_stays_in_the_text_and_lines_stay_right(tmp_path):
    rows = ['1,115712,True,Tue Oct 31 22:10:47 +0000 2017,"first\nsecond ""quoted"", @sprintcare",,',
            "2,115712,maybe,Tue Oct 31 22:10:47 +0000 2017,bad inbound,,"]
    got = ingest_bytes(tmp_path, twcs(*rows), name="t.csv")
    assert (got.counts["tweets_written"], got.counts["quarantined"]) == (1, 1)
    assert got.quarantine[0]["line"] == 4  # header 1, the quoted row 2-3
    con = connect(got.archive)
    assert con.execute("SELECT text, mentions FROM tweets").fetchone() == (
        'first\nsecond "quoted", @sprintcare', [{"user_id": None, "handle": "sprintcare"}])


# ---------------------------------------------------------------------------------------------
# created_at: unknown formats and implausible times are quarantined


@pytest.mark.parametrize(
    "fmt,value,reason",
    [
        ("v1", "2018-10-10 20:19:24", "unrecognised created_at"),
        ("v1", "Wed Feb 30 20:19:24 +0000 2018", "out-of-range created_at"),
        ("v1", "Wed Oct 10 20:19:24 +0000 9999", "is in the future"),
        ("v1", "Thu Jan 01 00:00:00 +0000 1970", "before Twitter existed"),
        ("v2", "Oct 10 2018", "unrecognised created_at"),
        ("v2", "2018-02-31T20:19:24.000Z", "out-of-range created_at"),
        ("v2", "2018-10-10T25:19:24Z", "out-of-range created_at"),
        ("v2", "2999-10-10T20:19:24.000Z", "is in the future"),
        ("twcs", "yesterday", "unrecognised created_at"),
        ("twcs", "Tue Oct 31 22:10:47 +0000 2117", "is in the future"),
        ("archive", "Wed Oct 10 20:19:24 +0000 2005", "before Twitter existed"),
    ],
)
def test_created_at_unknown_or_implausible_is_quarantined(tmp_path, fmt, value, reason):
    if fmt == "v1":
        data, name, kw = jsonl(v1(1), v1(2, created_at=value)), "t.jsonl", {}
    elif fmt == "v2":
        data, name, kw = jsonl(v2(1), v2(2, created_at=value)), "t.jsonl", {}
    elif fmt == "twcs":
        data, name, kw = twcs(TWCS_ROW.format(id=1), TWCS_ROW.format(id=2).replace("Tue Oct 31 22:10:47 +0000 2017", value)), "t.csv", {}
    else:
        bad = {"tweet": {**ARCHIVE_TWEET["tweet"], "id_str": "2", "created_at": value}}
        data, name, kw = tweets_js(ARCHIVE_TWEET, bad), "tweets.js", {"account": "me"}
    got = ingest_bytes(tmp_path, data, name=name, **kw)
    assert (got.counts["tweets_written"], got.counts["quarantined"]) == (1, 1)
    assert reason in got.reasons()[0] and value in got.reasons()[0]
    # nothing outside March 2006 .. now reached the archive's months
    months = sorted(p.name for p in (got.archive / "tweets").iterdir())
    assert all("2006-03" <= m.removeprefix("month=") <= "2099" for m in months)


def test_v2_created_at_from_a_snowflake_id_in_the_future_is_quarantined(tmp_path):
    no_date = {k: v for k, v in v2(1).items() if k != "created_at"}
    future = {**no_date, "id": str(2**62), "edit_history_tweet_ids": [str(2**62)]}
    got = ingest_bytes(tmp_path, jsonl(no_date, future))
    assert (got.counts["tweets_written"], got.counts["quarantined"]) == (1, 1)
    assert "the time in id" in got.reasons()[0] and "in the future" in got.reasons()[0]


# ---------------------------------------------------------------------------------------------
# Duplicate ids with different contents


def test_duplicate_ids_first_collected_copy_wins_and_is_counted(tmp_path):
    got = ingest_bytes(tmp_path, jsonl(v1(1, text="first"), v1(2), v1(1, text="second"), v1(1, text="third")))
    assert got.counts == dict(records_read=4, tweets_written=2, duplicates=2, notices=0, quarantined=0)
    con = connect(got.archive)
    assert con.execute("SELECT text FROM tweets WHERE tweet_id = $id", {"id": 1_000_000_000_000_000_001}).fetchone() == ("first",)


def test_duplicate_ids_across_ingests_the_archived_copy_wins(tmp_path):
    archive = tmp_path / "a"
    (tmp_path / "one.jsonl").write_bytes(jsonl(v1(1, text="archived")))
    (tmp_path / "two.jsonl").write_bytes(jsonl(v1(1, text="later"), v1(2)))
    ingest([str(tmp_path / "one.jsonl")], archive)
    got = check_archive(ingest([str(tmp_path / "two.jsonl")], archive), archive)
    assert (got.result.tweets_written, got.result.duplicates) == (1, 1)
    assert got.result.per_file[0].duplicates == 1
    con = connect(archive)
    assert con.execute("SELECT text FROM tweets WHERE tweet_id = $id", {"id": 1_000_000_000_000_000_001}).fetchone() == ("archived",)


def test_duplicate_ids_a_collected_copy_beats_a_context_copy(tmp_path):
    original = v1(1, text="original")
    retweet = v1(2, text="RT @ann: original", retweeted_status={**original, "text": "context copy"})
    got = ingest_bytes(tmp_path, jsonl(retweet, original))
    assert (got.result.tweets_written, got.result.context_written, got.result.duplicates) == (2, 0, 0)
    con = connect(got.archive)
    assert con.execute("SELECT text, collected FROM tweets WHERE tweet_id = $id",
                       {"id": 1_000_000_000_000_000_001}).fetchall() == [("original", True)]


# ---------------------------------------------------------------------------------------------
# The roster: RosterError naming the row (tests/test_roster.py checks the library messages:
# test_duplicate_handle_names_both_rows, test_unknown_time_zone_names_the_row,
# test_malformed_hours_names_the_row); here the CLI turns them into a clean exit 1.


@pytest.mark.parametrize(
    "row,message",
    [
        ("@KPN,KPN again,telecom,,", ":3: duplicate handle 'kpn' (already on line 2"),
        ("ing,ING,finance,,Mars/Olympus_Mons", ":3: unknown time zone 'Mars/Olympus_Mons'"),
        ('ing,ING,finance,"mon-fri 09:00-25:00",', ":3: malformed hours 'mon-fri 09:00-25:00'"),
    ],
    ids=["duplicate-handle", "bad-tz", "bad-hours"],
)
def test_bad_roster_is_a_clean_error_naming_the_row(tmp_path, row, message):
    (tmp_path / "t.jsonl").write_bytes(jsonl(v1(1)))
    ingest([str(tmp_path / "t.jsonl")], tmp_path / "a")
    roster = tmp_path / "brands.csv"
    roster.write_text(f"handle,name,sector,hours,tz\nkpn,KPN,telecom,,\n{row}\n")
    result = CliRunner().invoke(cli, ["report", "-a", str(tmp_path / "a"), "-b", str(roster), "--format", "csv"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"Error: {roster}{message}")
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------------------------------------
# Many bad records: quarantine entries go to disk as they come, memory stays flat


def test_many_quarantined_records_keep_memory_flat(tmp_path):
    # 150 MB of v2 lines in a v1 file: every one quarantined. Entries were kept in memory until the
    # end of the run (peak RSS grew with the input: 330 MB here, 3.5 GB for 3 GB of bad lines).
    path = tmp_path / "bad.jsonl"
    line = json.dumps(v2(1, text="x" * 3000)).encode() + b"\n"
    with open(path, "wb") as f:
        f.write(jsonl(v1(1)))
        for _ in range(50):
            f.write(line * 1000)
    code, rss, out, err = peak_rss_mb(["ingest", str(path), "--archive", str(tmp_path / "a"), "--json", "-j", "1"])
    assert code == 0, err
    got = json.loads(out)
    assert (got["tweets_written"], got["quarantined"]) == (1, 50_000)
    with open(tmp_path / "a" / got["quarantine_file"], encoding="utf-8") as f:
        n = sum(1 for _ in f)
    assert n == 50_000
    assert rss < 300, f"peak RSS {rss} MiB"


def test_quarantine_lines_of_a_file_parsed_in_ranges(tmp_path):
    # A large JSON-lines file is cut into byte ranges parsed by worker processes; quarantine entries
    # (now spilled to disk per range) keep their line numbers in the whole file.
    lines = [v1(i) if i % 7 else b'{"broken": ' for i in range(1, 200)]
    got = ingest_bytes(tmp_path, jsonl(*lines), workers=2,
                       tuning=IngestTuning(parallel_min_bytes=1 << 10, range_min_bytes=1 << 10))
    assert got.result.per_file[0].ranges > 1
    assert got.counts["quarantined"] == len([i for i in range(1, 200) if i % 7 == 0])
    assert sorted(q["line"] for q in got.quarantine) == [i for i in range(1, 200) if i % 7 == 0]


# ---------------------------------------------------------------------------------------------
# Property tests: every reader through the whole ingest


def _real_tweets() -> list[dict]:
    """A few real tweets of each JSON format when the real tweet files are there."""
    found: list[dict] = []
    for name in ("v1/python-twitter__streaming_lines.json", "v2/twarc-csv__brexit.jsonl"):
        path = REALDATA / name
        if path.is_file():
            for line in path.read_text("utf-8").splitlines()[:5]:
                if line.strip():
                    found.append(json.loads(line))
    return found


SEEDS = [V1, V2, {**V1, "retweeted_status": v1(7)}, {"data": [V2], "includes": {"users": [{"id": "101", "username": "ann"}]}},
         ARCHIVE_TWEET, *_real_tweets()]

JSON_SCALARS = st.none() | st.booleans() | st.integers(-(2**64), 2**64) | st.floats(allow_nan=False) | st.text(max_size=20)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


@st.composite
def broken_tweets(draw):
    """A valid tweet with fields removed, renamed or given a value of the wrong type."""
    tweet = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(tweet) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = tweet
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        action = draw(st.sampled_from(["remove", "rename", "retype"]))
        if action == "remove":
            del parent[key]
        elif action == "rename" and isinstance(parent, dict):
            parent[key + draw(st.sampled_from(["_", "X", "_str"]))] = parent.pop(key)
        else:
            parent[key] = draw(JSON_VALUES)
    return tweet


def _ingest_any(tmp_path_factory, data: bytes, name: str, **kwargs) -> None:
    """Ingest ``data``: a KwoError is the only allowed failure; on success the accounting holds."""
    tmp = tmp_path_factory.mktemp("prop")
    path = tmp / name
    path.write_bytes(data)
    try:
        result = ingest([str(path)], tmp / "a", workers=1, **kwargs)
    except KwoError:
        assert not (tmp / "a" / "manifest.json").exists()  # nothing half-committed
        return
    got = check_archive(result, tmp / "a")
    assert len(got.ids) == result.tweets_written


PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])
FORMATS = {
    "v1": lambda body: body,
    "v2": lambda body: body,
    "twcs": lambda body: TWCS_HEADER.encode() + b"\n" + body,
    "archive": lambda body: ARCHIVE_PREFIX.encode() + body,
}
NAMES = {"v1": "x.jsonl", "v2": "x.jsonl", "twcs": "x.csv", "archive": "tweets.js"}


@pytest.mark.parametrize("fmt", [*FORMATS, "auto"])
@PROPERTY
@given(body=st.binary(max_size=400))
def test_arbitrary_bytes(tmp_path_factory, fmt, body):
    wrap = FORMATS.get(fmt, lambda b: b)
    _ingest_any(tmp_path_factory, wrap(body), NAMES.get(fmt, "x.bin"), fmt=fmt, account="me")


@pytest.mark.parametrize("fmt", ["v1", "v2", "archive", "auto"])
@PROPERTY
@given(values=st.lists(JSON_VALUES, min_size=1, max_size=6))
def test_arbitrary_json_values(tmp_path_factory, fmt, values):
    if fmt == "archive":
        data = ARCHIVE_PREFIX.encode() + json.dumps(values).encode()
    else:
        data = b"\n".join(json.dumps(v).encode() for v in values) + b"\n"
    _ingest_any(tmp_path_factory, data, NAMES.get(fmt, "x.json"), fmt=fmt, account="me")


@pytest.mark.parametrize("fmt", ["v1", "v2", "archive", "auto"])
@PROPERTY
@given(tweets=st.lists(broken_tweets(), min_size=1, max_size=5), crlf=st.booleans())
def test_tweets_with_fields_removed_renamed_or_retyped(tmp_path_factory, fmt, tweets, crlf):
    if fmt == "archive":
        data = ARCHIVE_PREFIX.encode() + json.dumps(tweets, indent=1).encode()
    else:
        data = (b"\r\n" if crlf else b"\n").join(json.dumps(t).encode() for t in tweets)
    _ingest_any(tmp_path_factory, data, NAMES.get(fmt, "x.json"), fmt=fmt, account="me")


_TWCS_FIELD = st.sampled_from(["1", "115712", "True", "false", "Tue Oct 31 22:10:47 +0000 2017", "", "3.0",
                               '"a,b"', '"x\ny"', "@sprintcare hi", "-1", "9" * 25]) | st.text(max_size=12)


@PROPERTY
@given(rows=st.lists(st.lists(_TWCS_FIELD, min_size=0, max_size=9), max_size=8), crlf=st.booleans())
def test_twcs_rows_with_missing_extra_or_wrong_fields(tmp_path_factory, rows, crlf):
    eol = "\r\n" if crlf else "\n"
    text = TWCS_HEADER + eol + "".join(",".join(r) + eol for r in rows)
    _ingest_any(tmp_path_factory, text.encode("utf-8", "surrogatepass"), "x.csv", fmt="twcs")
