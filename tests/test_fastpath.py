"""The DuckDB fast path for v1.1 JSON lines (kwo.formats.v1_fast) stores exactly what the Python
reader stores: same rows, same accounting, same quarantine, or it declines the file.

Every comparison ingests the same input twice, once as kwo does by default and once with the fast
path switched off (KWO_FAST_PATH=0), and compares the archives.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kwo.ingest as ki
from kwo.engine.duckdb import connect
from kwo.formats import v1_fast
from kwo.formats.detect import detect
from kwo.ingest import ingest
from kwo.staging import FILE_SHIFT
from tests.conftest import REALDATA, REALDATA_MISSING

COUNTS = ("records_read", "tweets_written", "context_written", "duplicates", "notices", "quarantined")


def archive_state(root: Path) -> tuple[list[tuple], list[dict], list[dict]]:
    """Rows (sorted), per-file counts and quarantine entries of an archive."""
    con = connect(root)
    rows = con.sql("SELECT * EXCLUDE (created_at), epoch_ms(created_at) FROM tweets "
                   "ORDER BY tweet_id").fetchall()
    manifest = json.loads((root / "manifest.json").read_text())
    files = [{k: f[k] for k in ("path", "format", "size", "sha256", *COUNTS)} for f in manifest["files"]]
    quarantine = []
    for q in sorted((root / "quarantine").glob("*.jsonl")) if (root / "quarantine").is_dir() else []:
        for line in q.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            entry.pop("run")
            quarantine.append(entry)
    return rows, files, quarantine


def ingest_both(paths: list[str], tmp_path: Path, monkeypatch, **kwargs):
    """The archive state with the fast path and without it."""
    states = []
    for switch in ("1", "0"):
        monkeypatch.setenv(v1_fast.ENV_SWITCH, switch)
        root = tmp_path / f"archive-{switch}"
        ingest(paths, root, **kwargs)
        states.append(archive_state(root))
    return states


def fast_read(paths: list[str]) -> dict[int, tuple[int, int]]:
    """What the fast path itself makes of ``paths``: (records, notices) per file it reads."""
    con = duckdb.connect()
    try:
        return v1_fast.FastReader(con, FILE_SHIFT).read(list(enumerate(paths)))
    except duckdb.Error:
        return {}
    finally:
        con.close()


def is_v1_jsonl(path: Path) -> bool:
    head = path.read_bytes()[: 256 << 10]
    return detect(head) == "v1" and head.lstrip().startswith(b"{") and b"\n" in head.strip()


# ---------------------------------------------------------------------------------------------
# Real files and a kwo sample


def _real_v1_jsonl() -> list[str]:
    if not REALDATA.is_dir():
        return []
    return sorted(p.name for p in (REALDATA / "v1").iterdir() if is_v1_jsonl(p))


@pytest.mark.parametrize("name", _real_v1_jsonl() or ["(realdata absent)"])
def test_real_v1_jsonl_files_are_stored_identically(name, tmp_path, monkeypatch):
    if not REALDATA.is_dir():
        pytest.skip(REALDATA_MISSING)
    path = str(REALDATA / "v1" / name)
    fast, python = ingest_both([path], tmp_path, monkeypatch)
    assert fast == python


def test_the_real_jsonl_files_are_found():
    if not REALDATA.is_dir():
        pytest.skip(REALDATA_MISSING)
    names = _real_v1_jsonl()
    # streaming captures with notices, retweets of quotes, rounded numeric ids
    assert {"python-twitter__streaming_lines.json", "sferik_twitter__track_streaming_user.json",
            "tweet_parser__public_api_sample.json"} <= set(names)
    assert fast_read([str(REALDATA / "v1" / "tweet_parser__public_api_sample.json")]) == {0: (20, 0)}


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "s"
    subprocess.run([sys.executable, "-m", "kwo", "sample", "--out", str(out), "--tweets", "3000", "--quiet"],
                   check=True)
    return out


def test_a_kwo_sample_is_read_by_the_fast_path_and_stored_identically(sample_dir, tmp_path, monkeypatch):
    files = sorted(str(p) for p in sample_dir.glob("*.jsonl.gz"))
    read = fast_read(files)
    assert sorted(read) == list(range(len(files)))  # nothing declined
    assert sum(n for _, n in read.values()) > 0  # the sample has stream notices
    fast, python = ingest_both(files, tmp_path, monkeypatch)
    assert fast == python


def test_duplicates_and_context_rows_give_identical_archives(sample_dir, tmp_path, monkeypatch):
    # The same month twice (the second copy under another name, so it is read) and a plain copy
    # of another: duplicates across files, and context rows that collected copies replace.
    files = sorted(sample_dir.glob("*.jsonl.gz"))
    again = tmp_path / "again.jsonl.gz"
    again.write_bytes(files[1].read_bytes() + b"")
    plain = tmp_path / "plain.jsonl"
    plain.write_bytes(gzip.decompress(files[2].read_bytes()))
    paths = [str(files[1]), str(again), str(plain), str(files[2])]
    fast, python = ingest_both(paths, tmp_path, monkeypatch)
    assert fast == python
    rows, per_file, _ = fast
    assert per_file[1]["duplicates"] == per_file[1]["records_read"] - per_file[1]["notices"]
    # and a second ingest into the same archive adds nothing either way
    for switch in ("1", "0"):
        monkeypatch.setenv(v1_fast.ENV_SWITCH, switch)
        r = ingest([str(files[3])], tmp_path / f"archive-{switch}")
        assert r.tweets_written >= 0
    assert archive_state(tmp_path / "archive-1")[:2] == archive_state(tmp_path / "archive-0")[:2]


# ---------------------------------------------------------------------------------------------
# Hand-made lines: each case is either identical or declined (and then identical, as the Python
# reader stores it)

MENTION = {"screen_name": "KPN", "id_str": "1", "id": 1, "indices": [0, 4]}


def tweet(n: int, **fields) -> dict:
    t = {"created_at": "Tue Mar 01 10:00:00 +0000 2016", "id": 1_000_000_000_000_000_000 + n,
         "id_str": str(1_000_000_000_000_000_000 + n), "text": f"@KPN hallo {n}",
         "source": '<a href="http://twitter.com" rel="nofollow">Twitter Web Client</a>',
         "user": {"id": 100 + n, "id_str": str(100 + n), "screen_name": f"User{n}"},
         "in_reply_to_status_id_str": None, "in_reply_to_status_id": None,
         "in_reply_to_user_id_str": None, "in_reply_to_user_id": None, "in_reply_to_screen_name": None,
         "entities": {"user_mentions": [MENTION]}, "lang": "nl"}
    t.update(fields)
    return t


def line(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


QUOTE = tweet(50, text="quoted &amp; more")
RT_OF_QUOTE = tweet(51, quoted_status=QUOTE, quoted_status_id_str=QUOTE["id_str"], is_quote_status=True)

# name -> (lines, whether the fast path reads the file)
CASES: dict[str, tuple[list[bytes], bool]] = {
    "plain tweets and notices": ([line(tweet(1)), line({"delete": {"status": {"id": 1, "id_str": "1"}}}),
                                  line({"limit": {"track": 5}}), line(tweet(2))], True),
    "html entities": ([line(tweet(1, text="a &amp; b &lt;3 &gt; &amp;lt; &#39; &copy &ampx &"))], True),
    "source with entities": ([line(tweet(1, source='<a href="x">Tweet&amp;Deck &lt;b&gt;</a>')),
                              line(tweet(2, source="")), line(tweet(3, source="web"))], True),
    "duplicate mentions": ([line(tweet(1, entities={"user_mentions": [
        MENTION, {"screen_name": "kpn", "id_str": "1"}, {"screen_name": "ING", "id_str": "3"},
        {"screen_name": "Ing", "id_str": "3"}, {"screen_name": None, "id_str": None}]}))], True),
    "no user_mentions key / empty list": ([line(tweet(1, entities={})), line(tweet(2, entities={"user_mentions": []}))],
                                          True),
    "no entities (mentions from the text)": ([line(tweet(1, entities=None, text="@a @B @a"))], False),
    "extended_tweet": ([line(tweet(1, truncated=True, extended_tweet={
        "full_text": "@KPN long &amp; @ING", "entities": {"user_mentions": [
            MENTION, {"screen_name": "ING", "id_str": "3", "id": 3}]}}))], True),
    "full_text and empty texts": ([line(tweet(1, full_text="full")), line(tweet(2, text="", full_text="")),
                                   line(tweet(3, text=None))], True),
    "retweet of a quote": ([line(tweet(2, text="RT", retweeted_status=RT_OF_QUOTE)), line(RT_OF_QUOTE)], True),
    "quote with a broken quoted tweet": ([line(tweet(1, quoted_status={"id_str": "x"}))], False),
    "reply": ([line(tweet(1, in_reply_to_status_id_str="1000000000000000000", in_reply_to_status_id=10**18,
                          in_reply_to_user_id_str="7", in_reply_to_user_id=7, in_reply_to_screen_name="KPN"))], True),
    "blank lines": ([line(tweet(1)), b"", b"   ", b"\t", line(tweet(2)), b""], True),
    "CRLF": ([line(tweet(1)) + b"\r", line(tweet(2)) + b"\r"], True),
    "ids near 2**63": ([line(tweet(1, id_str=str(2**63 - 1), id=2**63 - 1)),
                        line(tweet(2, id_str=str(2**63), id=2**63))], False),
    "id 0": ([line(tweet(1, id_str="0", id=0))], False),
    "numbers without _str": ([line({k: v for k, v in tweet(1).items() if k != "id_str"})], False),
    "numeric id_str": ([line(tweet(1, id_str=1_000_000_000_000_000_001))], False),
    "float id beside id_str": ([line(tweet(1, id=1.0e18))], True),  # msgspec takes floats there
    "bad date": ([line(tweet(1, created_at="Tue Feb 30 10:00:00 +0000 2016"))], False),
    "date with an offset": ([line(tweet(1, created_at="Tue Mar 01 10:00:00 -0130 2016"))], True),
    "date before 2006": ([line(tweet(1, created_at="Tue Mar 01 10:00:00 +0000 2005"))], False),
    "date in the future": ([line(tweet(1, created_at="Tue Mar 01 10:00:00 +0000 2999"))], False),
    "missing created_at": ([line({k: v for k, v in tweet(1).items() if k != "created_at"})], False),
    "lone surrogate": ([line(tweet(1)), line(tweet(2)).replace(b"hallo", b"\\ud83d hallo")], False),
    "invalid UTF-8": ([line(tweet(1)), line(tweet(2)).replace(b"hallo", b"\xff\xfe")], False),
    "truncated last line": ([line(tweet(1)), line(tweet(2))[:40]], False),
    "v2 record": ([line(tweet(1)), line({"data": {"id": "5", "text": "x"}, "includes": {}})], False),
    "non-object line": ([line(tweet(1)), b"[1, 2]"], False),
    "null line": ([line(tweet(1)), b"null"], False),
    "unknown object": ([line(tweet(1)), line({"hello": 1})], False),
    "string where a struct is": ([line(tweet(1, user="x"))], False),
    "number where a string is": ([line(tweet(1, lang=5))], False),
    "bool as a numeric id": ([line(tweet(1, id=True))], False),
    "non-ASCII screen name": ([line(tweet(1, user={"id_str": "5", "screen_name": "İstanbul"}))], False),
    "user without ids": ([line(tweet(1, user={"screen_name": "x"}))], True),
    "NUL in a text": ([line(tweet(1, text="a\u0000b"))], False),
    "escapes in a text": ([line(tweet(1, text='a "q" \\ / \u00e9 😀 \n'))], True),
    "duplicate keys": ([line(tweet(1))[:-1] + b', "lang": "en"}'], False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_handmade_lines(name, tmp_path, monkeypatch):
    lines, read_fast = CASES[name]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert (0 in fast_read([str(path)])) == read_fast
    fast, python = ingest_both([str(path)], tmp_path, monkeypatch)
    assert fast == python


@pytest.mark.parametrize("marked", [(0,), (1,), (0, 1)], ids=["first", "later", "both"])
def test_byte_order_marks(tmp_path, monkeypatch, marked):
    # kwo's rule (docs/robustness.md): a mark at the start of a line is not data. The fast path
    # leaves files that start with one to the Python reader, whatever DuckDB makes of the mark.
    lines = [b"\xef\xbb\xbf" * (i in marked) + line(tweet(i + 1)) for i in range(2)]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert ki._fast_candidate(str(path)) == (0 not in marked)
    fast, python = ingest_both([str(path)], tmp_path, monkeypatch)
    assert fast == python and len(python[0]) == 2 and python[2] == []


def test_gzipped_lines(tmp_path, monkeypatch):
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(gzip.compress(b"\n".join(CASES["retweet of a quote"][0]) + b"\n"))
    assert fast_read([str(path)]) == {0: (2, 0)}
    fast, python = ingest_both([str(path)], tmp_path, monkeypatch)
    assert fast == python


def test_one_declined_file_among_several(tmp_path, monkeypatch):
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_bytes(line(tweet(1)) + b"\n")
    bad.write_bytes(line(tweet(2)) + b"\n" + b"[1]\n")
    fast, python = ingest_both([str(good), str(bad)], tmp_path, monkeypatch)
    assert fast == python
    assert python[2][0]["line"] == 2  # the quarantine keeps the line


# ---------------------------------------------------------------------------------------------
# Generated lines

_text = st.text(alphabet=st.sampled_from(list("ab @&;lgtmp#é😀\"\\<>")), max_size=20)
_maybe_id = st.one_of(st.none(), st.just(""), st.sampled_from(["1", "0", "007", str(2**63 - 1), "x1"]),
                      st.integers(min_value=0, max_value=2**63 + 5).map(str))
_fields = st.fixed_dictionaries({}, optional={
    "id_str": _maybe_id,
    "id": st.one_of(st.none(), st.integers(min_value=-1, max_value=2**64), st.floats(allow_nan=False,
                                                                                      allow_infinity=False)),
    "text": st.one_of(st.none(), _text),
    "full_text": st.one_of(st.none(), _text),
    "source": st.one_of(st.none(), _text, st.just('<a href="x">A&amp;B</a>')),
    "lang": st.one_of(st.none(), st.sampled_from(["nl", "", "und"])),
    "created_at": st.sampled_from(["Tue Mar 01 10:00:00 +0000 2016", "Mon Feb 29 23:59:60 +0100 2016",
                                   "Sun Dec 31 23:59:59 -0000 2017", "bad"]),
    "in_reply_to_status_id_str": _maybe_id,
    "in_reply_to_user_id_str": _maybe_id,
    "in_reply_to_screen_name": st.one_of(st.none(), _text),
    "quoted_status_id_str": _maybe_id,
    "entities": st.one_of(st.none(), st.fixed_dictionaries({}, optional={"user_mentions": st.lists(
        st.fixed_dictionaries({}, optional={"id_str": _maybe_id, "screen_name": st.one_of(st.none(), _text)}),
        max_size=4)})),
    "user": st.one_of(st.none(), st.fixed_dictionaries({}, optional={"id_str": _maybe_id,
                                                                     "screen_name": st.one_of(st.none(), _text)})),
    "delete": st.one_of(st.none(), st.just({"status": {}})),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_fields, _fields.map(lambda d: {**tweet(1), **d})), min_size=1, max_size=6))
def test_generated_lines(tmp_path_factory, monkeypatch, objs):
    tmp_path = tmp_path_factory.mktemp("gen")
    path = tmp_path / "in.jsonl"
    # a first tweet so that the file is detected as v1 (a file of unknown lines is an error)
    path.write_bytes(b"\n".join(line(o) for o in [tweet(0), *objs]) + b"\n")
    fast, python = ingest_both([str(path)], tmp_path, monkeypatch)
    assert fast == python
