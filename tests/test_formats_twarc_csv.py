"""The twarc-csv reader: CSVs that twarc-csv itself writes, at test time, from the real v2 files,
against the archive of the v2 JSON; and crafted rows (detection, quarantine, the list forms)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner

import kwo
from kwo.cli import cli
from kwo.errors import UnknownFormatError
from kwo.formats import ReadContext, get_reader
from kwo.formats.detect import detect
from kwo.formats.twarc_csv import read
from kwo.ingest import ingest
from tests import readers
from tests.conftest import REALDATA, REALDATA_MISSING

V2 = REALDATA / "v2"
COLUMNS = ["tweet_id", "created_at", "author_id", "author_handle", "text", "in_reply_to_tweet_id",
           "in_reply_to_user_id", "in_reply_to_handle", "conversation_id", "retweet_of_id", "quote_of_id",
           "is_retweet", "mentions", "lang", "source", "inbound", "collected"]


def twarc_csv(src: Path, out: Path, *options: str) -> Path:
    """``twarc2 csv [options] src out``, run in this process (the twarc2 command itself needs
    pkg_resources, which new setuptools no longer has)."""
    import pandas as pd
    from click.testing import CliRunner as Runner
    from twarc_csv import csv as command

    with pytest.MonkeyPatch.context() as mp:
        if not hasattr(pd.DataFrame, "applymap"):  # twarc-csv 0.7 calls what pandas 3 renamed to map
            mp.setattr(pd.DataFrame, "applymap", pd.DataFrame.map, raising=False)
        mp.chdir(out.parent)  # twarc logs into the working directory
        result = Runner().invoke(command, [*options, "--hide-progress", "--hide-stats", str(src), str(out)],
                                 catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> list[tuple[Path, Path]]:
    """(v2 JSON file, the CSV twarc-csv writes from it), for every real v2 file."""
    if not V2.is_dir():
        pytest.skip(REALDATA_MISSING)
    out = tmp_path_factory.mktemp("twarc-csv")
    pairs = []
    for src in sorted(V2.glob("*.jsonl")):
        pairs.append((src, twarc_csv(src, out / f"{src.stem}.csv")))
    return pairs


def collected(archive: Path) -> dict[int, dict]:
    con = kwo.connect(archive)
    try:
        rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM tweets WHERE collected").fetchall()
    finally:
        con.close()
    return {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in rows}


@pytest.fixture(scope="module")
def archives(converted, tmp_path_factory):
    root = tmp_path_factory.mktemp("archives")
    from_csv = ingest([str(c) for _, c in converted], root / "csv", workers=1)
    from_json = ingest([str(j) for j, _ in converted], root / "json", workers=1)
    return from_csv, from_json, collected(root / "csv"), collected(root / "json")


def csv_counts(converted) -> dict[str, int]:
    """Counted with the csv module from the CSV files, without kwo: distinct tweets, retweets
    among them, and replies whose handle twarc-csv left empty."""
    import csv

    seen: dict[str, dict] = {}
    for _, path in converted:
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                seen.setdefault(row["id"], row)
    return dict(
        tweets=len(seen),
        retweets=sum(1 for r in seen.values() if r["referenced_tweets.retweeted.id"]),
        reply_handles_missing=sum(1 for r in seen.values() if r["in_reply_to_user_id"] and not r["in_reply_to_username"]),
    )


def test_every_csv_row_is_a_tweet(converted, archives):
    from_csv, _, _, _ = archives
    for (_, path), result in zip(converted, from_csv.per_file, strict=True):
        with open(path, encoding="utf-8") as f:
            rows = sum(1 for _ in f) - 1  # twarc-csv writes a text's line breaks as \n: one row a line
        assert result.format == "twarc-csv", path.name
        assert (result.records_read, result.quarantined, result.notices) == (rows, 0, 0), path.name
        assert result.tweets_written + result.duplicates == rows, path.name
    assert from_csv.tweets_written == csv_counts(converted)["tweets"] > 2_000
    assert from_csv.context_written == 0


def test_the_archive_holds_the_tweets_of_the_v2_json(archives):
    from_csv, from_json, csv_rows, json_rows = archives
    # The same collected tweets: twarc-csv writes every tweet of data (the truncated last line of
    # streaming_output_with_error.jsonl is quarantined by kwo and skipped by twarc-csv), and no
    # users, counts, lists or compliance events (notices in the v2 archive).
    assert set(csv_rows) == set(json_rows)
    assert len(csv_rows) == from_csv.tweets_written == from_json.tweets_written
    assert from_json.quarantined == 1


def test_the_columns_are_those_of_the_v2_json_but_what_twarc_csv_cannot_carry(converted, archives):
    _, _, csv_rows, json_rows = archives
    expected = csv_counts(converted)
    same = {c: 0 for c in COLUMNS}
    retweets = reply_handles_lost = 0
    for tweet_id, got in csv_rows.items():
        want = json_rows[tweet_id]
        rt = want["is_retweet"]
        retweets += rt
        for col in COLUMNS:
            a, b = got[col], want[col]
            if col == "mentions":
                # twarc-csv keeps "@username" only: the user ids of mentions are lost
                assert all(m["user_id"] is None for m in a)
                a, b = [m["handle"] for m in a], [m["handle"] for m in b]
            if rt and col in ("text", "mentions"):
                continue  # --merge-retweets (twarc-csv's default): the retweeted tweet's text and entities
            if col == "in_reply_to_handle" and a is None and b is not None:
                # twarc-csv takes the handle from the replied-to tweet, which includes.tweets lacks
                # when it was deleted or protected; kwo takes it from includes.users
                reply_handles_lost += 1
                continue
            assert a == b, (tweet_id, col, a, b)
            same[col] += 1
    n = len(csv_rows)
    assert retweets == expected["retweets"] > 1_000
    # (fewer than the rows without the handle: for some, includes.users lacks the user too)
    assert 0 < reply_handles_lost <= expected["reply_handles_missing"]
    # every other value is the v2 value (and the exceptions above are not most of them)
    assert same["tweet_id"] == same["created_at"] == same["conversation_id"] == same["retweet_of_id"] == n
    assert same["author_handle"] == same["in_reply_to_tweet_id"] == same["lang"] == same["source"] == n
    assert same["text"] == same["mentions"] == n - retweets > 500
    assert same["in_reply_to_handle"] == n - reply_handles_lost


@pytest.mark.parametrize("options, exact", [
    # mention objects with their ids, as JSON
    (["--no-process-entities"], {"mentions"}),
    # lists as Python's text of them
    (["--no-json-encode-lists"], set()),
    # texts as JSON strings (the ids too)
    (["--json-encode-text"], set()),
    (["--json-encode-all"], set()),
    # the retweets' own text and entities too: every value is the v2 value
    (["--no-merge-retweets", "--no-process-entities", "--json-encode-text"], {"mentions", "retweets"}),
], ids=["no-process-entities", "no-json-encode-lists", "json-encode-text", "json-encode-all", "as-v2"])
def test_twarc_csv_options(converted, tmp_path, options, exact):
    src = next(j for j, _ in converted if j.name == "twarc-csv__2sets.jsonl")
    want, _ = readers.read_path(get_reader("v2"), src)
    want = readers.rows_by_id(want)
    path = twarc_csv(src, tmp_path / "out.csv", *options)
    got, ctx = readers.read_path(read, path, expect_format="twarc-csv")
    assert ctx.quarantined == [] and got.num_rows == 200
    compared = 0
    for tweet_id, row in readers.rows_by_id(got).items():
        w = want[tweet_id]
        if w["is_retweet"] and "retweets" not in exact:
            continue
        for col in COLUMNS:
            a, b = row[col], w[col]
            if col == "in_reply_to_handle" and a is None:
                continue  # see above: twarc-csv may not have it
            if col == "mentions" and "mentions" not in exact:
                a, b = [m["handle"] for m in a], [m["handle"] for m in b]
            assert a == b, (tweet_id, col, a, b)
        compared += 1
    assert compared == (200 if "retweets" in exact else 200 - sum(w["is_retweet"] for w in want.values())) > 50


def test_the_same_figures_as_the_v2_json(converted, tmp_path):
    # 2sets: the brands are the five handles mentioned most; mentions match them by handle.
    src, path = next(p for p in converted if p[0].name == "twarc-csv__2sets.jsonl")
    ingest([str(src)], tmp_path / "json", workers=1)
    ingest([str(path)], tmp_path / "csv", workers=1)
    con = kwo.connect(tmp_path / "json")
    top = [h for (h,) in con.execute(
        "SELECT m.handle FROM tweets, unnest(mentions) AS u(m) WHERE collected AND NOT is_retweet "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 5").fetchall()]
    con.close()
    roster = tmp_path / "brands.csv"
    roster.write_text("handle,name,sector\n" + "".join(f"{h},{h},x\n" for h in top), encoding="utf-8")
    out = {}
    for which in ("json", "csv"):
        r = CliRunner().invoke(cli, ["report", "-a", str(tmp_path / which), "-b", str(roster), "-f", "json"],
                               catch_exceptions=False)
        assert r.exit_code == 0, r.output
        out[which] = json.loads(r.stdout)
    assert out["csv"]["totals"] == out["json"]["totals"]
    assert out["csv"]["brands"] == out["json"]["brands"]
    assert out["csv"]["totals"]["mention_tweets"] > 0


# ---------------------------------------------------------------------------------------------
# Crafted CSVs

HEADER = ("id,conversation_id,referenced_tweets.replied_to.id,referenced_tweets.retweeted.id,"
          "referenced_tweets.quoted.id,author_id,in_reply_to_user_id,in_reply_to_username,created_at,text,"
          "lang,source,entities.mentions,author.id,author.username,__twarc.version")
GOOD = ('1440716745577140229,1440621713281093641,1440621713281093641,,,870028999,1717521084,AndrewKnight226,'
        '2021-09-22T16:36:54.000Z,@AndrewKnight226 line one\\nline two &amp; more,en,Twitter for iPhone,'
        '"[""@AndrewKnight226""]",870028999,calin_a,2.5.0')


def read_bytes(data: bytes, **ctx_args):
    return readers.read_stream(read, data, path="t.csv", **ctx_args)


def test_a_row(tmp_path):
    table, ctx = read_bytes(f"{HEADER}\n{GOOD}\n".encode())
    (row,) = table.to_pylist()
    assert row["tweet_id"] == 1440716745577140229 and row["conversation_id"] == 1440621713281093641
    assert row["in_reply_to_tweet_id"] == 1440621713281093641 and row["in_reply_to_user_id"] == "1717521084"
    assert row["in_reply_to_handle"] == "andrewknight226" and row["author_handle"] == "calin_a"
    assert row["text"] == "@AndrewKnight226 line one\nline two & more"
    assert row["mentions"] == [{"user_id": None, "handle": "andrewknight226"}]
    assert (row["lang"], row["source"], row["collected"], row["is_retweet"]) == ("en", "Twitter for iPhone", True, False)
    assert row["created_at"].isoformat() == "2021-09-22T16:36:54+00:00"
    assert ctx.notices == 0 and ctx.quarantined == []


def test_detected_apart_from_twcs():
    assert detect(f"{HEADER}\n{GOOD}\n".encode()) == "twarc-csv"
    assert detect(b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n") == "twarc-csv"
    twcs = b"tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
    assert detect(twcs) == "twcs"
    assert detect(b"id,text,created_at,author_id\n1,x,y,z\n") is None  # neither


def test_bad_rows_are_quarantined_with_their_line():
    rows = [
        GOOD,
        GOOD.replace("1440716745577140229,", "14407167455771402x9,", 1),  # line 3
        GOOD.replace("2021-09-22T16:36:54.000Z", "yesterday"),  # line 4
        GOOD.replace('"[""@AndrewKnight226""]"', '"{""a"": 1}"'),  # line 5
        GOOD.replace('"[""@AndrewKnight226""]"', '"[""AndrewKnight226""]"'),  # line 6
        GOOD + ",extra",  # line 7
        '1,"unclosed',  # line 8: the quote runs to the end of the file
    ]
    data = (HEADER + "\n" + "\n".join(rows) + "\n").encode()
    data = data.replace(b"line one", b"line \xff one", 1)  # line 2: not UTF-8
    table, ctx = read_bytes(data)
    assert table.num_rows == 0
    assert [(q.line, q.reason) for q in ctx.quarantined] == [
        (2, f"invalid UTF-8 at byte {len(GOOD.split('line one')[0]) + len('line ') + 1}"),
        (3, "id is not a tweet id: '14407167455771402x9'"),
        (4, "unrecognised created_at 'yesterday'"),
        (5, "entities.mentions is not a list of mentions: '{\"a\": 1}'"),
        (6, "entities.mentions holds 'AndrewKnight226', not an @username or a mention object"),
        (7, "17 fields where the header has 16"),
        (8, "2 fields where the header has 16"),
    ]
    assert ctx.quarantined[0].file == "t.csv"


def test_a_header_without_the_columns_the_figures_need():
    header = HEADER.replace("referenced_tweets.replied_to.id,", "").replace("entities.mentions,", "")
    with pytest.raises(UnknownFormatError) as e:
        read_bytes(f"{header}\n".encode())
    assert str(e.value) == ("t.csv: twarc-csv header lacks column(s) referenced_tweets.replied_to.id, "
                            "entities.mentions, which the figures need (write the CSV without --output-columns, "
                            "or include them)")


def test_streams_in_batches():
    rows = [GOOD.replace("1440716745577140229", str(1440716745577140229 + i), 1) for i in range(25)]
    stream = io.BufferedReader(io.BytesIO((HEADER + "\n" + "\n".join(rows) + "\n").encode()))
    batches = list(read(stream, ReadContext(path="t.csv", batch_rows=10)))
    assert [b.num_rows for b in batches] == [10, 10, 5]
    assert pa.Table.from_batches(batches)["tweet_id"].to_pylist() == [1440716745577140229 + i for i in range(25)]


def test_ingest_from_the_cli(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text(f"{HEADER}\r\n{GOOD}\r\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["ingest", str(path), "-a", str(tmp_path / "a"), "--json"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert (out["records_read"], out["tweets_written"], out["per_file"][0]["format"]) == (1, 1, "twarc-csv")
