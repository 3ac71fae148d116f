"""The twcs reader (Kaggle "Customer Support on Twitter" CSV) on real files and on crafted input."""

from __future__ import annotations

import csv
import html
import io
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwo.errors import KwoError, QuarantineError, UnknownFormatError
from kwo.formats import ReadContext
from kwo.formats.twcs import MAX_LINE_BYTES, read
from kwo.schema import TWEET_SCHEMA
from tests import readers
from tests.conftest import REALDATA, REALDATA_MISSING

TWCS = REALDATA / "twcs"

# Counted without kwo (csv module over the decoded file, bare CRs protected; see SOURCES.md,
# "TWCS counts (method)"). records = tweets + notices + quarantined.
EXPECTED = {
    "Yosingh1__sample.csv": dict(
        tweets=93, distinct_tweets=93, context=0, distinct_context_new=0, notices=0, quarantined=0, records=93
    ),
    "Yosingh1__twcs.csv": dict(
        tweets=121,
        distinct_tweets=121,
        context=0,
        distinct_context_new=0,
        notices=0,
        quarantined=0,
        records=121,
    ),
    "divya-gh__twcs_small.csv": dict(
        tweets=5000,
        distinct_tweets=5000,
        context=0,
        distinct_context_new=0,
        notices=0,
        quarantined=0,
        records=5000,
    ),
    "monalisapatra26__twcs.csv": dict(
        tweets=5000,
        distinct_tweets=5000,
        context=0,
        distinct_context_new=0,
        notices=0,
        quarantined=0,
        records=5000,
    ),
}

HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"


def read_file(path: Path | str, **ctx_args) -> tuple[pa.Table, ReadContext]:
    return readers.read_path(read, path, **ctx_args)


def read_bytes(data: bytes, **ctx_args) -> tuple[pa.Table, ReadContext]:
    return readers.read_stream(read, data, path="test.csv", **ctx_args)


counts = readers.counts


def rows_by_id(table: pa.Table) -> dict[int, dict]:
    return {row["tweet_id"]: row for row in table.to_pylist()}


needs_realdata = pytest.mark.skipif(not TWCS.is_dir(), reason=REALDATA_MISSING)


@pytest.fixture(scope="module")
def monalisa() -> pa.Table:
    if not TWCS.is_dir():
        pytest.skip(REALDATA_MISSING)
    return read_file(TWCS / "monalisapatra26__twcs.csv")[0]


# ---------------------------------------------------------------------------------------------
# Real files


@needs_realdata
def test_every_realdata_file_has_expected_counts():
    assert sorted(p.name for p in TWCS.glob("*.csv")) == sorted(EXPECTED)


@needs_realdata
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_realdata_counts(name):
    table, ctx = read_file(TWCS / name)
    assert counts(table, ctx) == EXPECTED[name]
    assert table.schema == TWEET_SCHEMA
    assert pc.all(table["collected"]).as_py()
    assert table["source_file"].unique().to_pylist() == [str(TWCS / name)]


def test_expected_records_add_up():
    for name, e in EXPECTED.items():
        assert e["records"] == e["tweets"] + e["notices"] + e["quarantined"], name


def test_bare_crs_in_an_unquoted_field_stay_in_their_row(monalisa):
    row = rows_by_id(monalisa)[3399]
    assert row["text"] == "@AskPayPal \r\rI just love the start of email \U0001f601 https://t.co/8u1Pf5rJoN"
    assert row["author_id"] == "116510"
    assert row["inbound"] is True
    assert row["in_reply_to_tweet_id"] is None
    assert row["created_at"] == datetime(2017, 10, 31, 18, 13, 6, tzinfo=UTC)


def test_monalisa_figures(monalisa):
    assert pc.sum(monalisa["inbound"]).as_py() == 2778
    assert pc.sum(pc.invert(monalisa["inbound"])).as_py() == 2222
    brand = monalisa.filter(pc.invert(monalisa["inbound"]))
    assert len(pc.unique(brand["author_id"])) == 76
    replied = set(brand["in_reply_to_tweet_id"].drop_null().to_pylist())
    inbound_ids = monalisa.filter(monalisa["inbound"])["tweet_id"].to_pylist()
    assert sum(1 for tid in inbound_ids if tid in replied) == 2083


def test_pandas_index_column_and_float_ids(monalisa):
    assert monalisa.schema.field("in_reply_to_tweet_id").type == pa.int64()
    first = rows_by_id(monalisa)[1]
    assert first == {
        "tweet_id": 1,
        "created_at": datetime(2017, 10, 31, 22, 10, 47, tzinfo=UTC),
        "author_id": "sprintcare",
        "author_handle": "sprintcare",
        "text": "@115712 I understand. I would like to assist you. We would need to get you into a "
        "private secured link to further assist.",
        "in_reply_to_tweet_id": 3,  # written "3.0"
        "in_reply_to_user_id": None,
        "in_reply_to_handle": None,
        "conversation_id": None,
        "retweet_of_id": None,
        "quote_of_id": None,
        "is_retweet": False,
        "mentions": [{"user_id": "115712", "handle": "115712"}],
        "lang": None,
        "source": None,
        "inbound": False,
        "collected": True,
        "source_file": str(TWCS / "monalisapatra26__twcs.csv"),
    }
    assert rows_by_id(monalisa)[2]["mentions"] == [{"user_id": None, "handle": "sprintcare"}]


def test_html_entities_are_unescaped(monalisa):
    text = rows_by_id(monalisa)[243]["text"]  # raw: "... the Adobe Product &amp; your purchase ..."
    assert "Adobe Product & your purchase details" in text
    assert "&amp;" not in "".join(monalisa["text"].to_pylist())


@needs_realdata
def test_quoted_fields_keep_their_line_breaks():
    table, _ = read_file(TWCS / "divya-gh__twcs_small.csv")
    rows = rows_by_id(table)
    assert rows[1661315]["text"] == (
        "@LondonMidland Just finished a conversation about crochet.\r\rI love those random conversations on the train."
    )
    assert rows[2514394]["text"] == (
        "@649780 @716419 @118422  \nSo i should fly over to kenya to browse the net?!\n#Gerrarahia"
    )
    assert rows[2514394]["in_reply_to_tweet_id"] == 2514384


@needs_realdata
@pytest.mark.parametrize(
    ("name", "inbound", "brand", "first_reply"),
    [("Yosingh1__twcs.csv", 66, 55, (1, 3)), ("Yosingh1__sample.csv", 49, 44, (119238, 119239))],
)
def test_excel_and_crlf_files(name, inbound, brand, first_reply):
    raw = (TWCS / name).read_bytes()
    assert raw.count(b"\r\n") > 90  # CRLF line ends
    table, _ = read_file(TWCS / name)
    assert pc.sum(table["inbound"]).as_py() == inbound
    assert pc.sum(pc.invert(table["inbound"])).as_py() == brand
    tweet_id, reply_to = first_reply
    assert rows_by_id(table)[tweet_id]["in_reply_to_tweet_id"] == reply_to
    assert not any("\r" in t for t in table["text"].to_pylist())


# ---------------------------------------------------------------------------------------------
# Crafted input

ROW_1 = "1,sprintcare,FALSE,Tue Oct 31 22:10:47 +0000 2017,@115712 hi &lt;3,2,3\n"
ROW_2 = "2,115712,true,Tue Oct 31 22:11:45 +0000 2017,@sprintcare how,,1.0\n"


def test_columns_are_found_by_name_in_any_order():
    data = (
        b"text,in_response_to_tweet_id,created_at,inbound,author_id,tweet_id,extra\n"
        b"hello @Brand,7,Tue Oct 31 22:11:45 +0000 2017,False,Brand,8,x\n"
    )
    table, ctx = read_bytes(data)
    row = table.drop_columns(["source_file"]).to_pylist()[0]
    assert {
        k: row[k] for k in ("tweet_id", "author_id", "author_handle", "text", "in_reply_to_tweet_id")
    } == {
        "tweet_id": 8,
        "author_id": "Brand",
        "author_handle": "brand",
        "text": "hello @Brand",
        "in_reply_to_tweet_id": 7,
    }
    assert row["inbound"] is False
    assert row["mentions"] == [{"user_id": None, "handle": "brand"}]
    assert row["created_at"] == datetime(2017, 10, 31, 22, 11, 45, tzinfo=UTC)
    assert not ctx.quarantined


# The rows of issue 15 that the old home-made rule got wrong, with what twitter-text extracts.
TEXT_MENTION_ROWS = [
    ("RT@Brand thanks", [{"user_id": None, "handle": "brand"}]),
    ("mail support@brand.com", []),
    ("@brand/list is great", []),
    ("f!@brand", []),
    ("@aliceìnheiro hi", []),
    ("＠Brand hello", [{"user_id": None, "handle": "brand"}]),
    ("@AbcdefghijklmnopqrsT and @115712", [
        {"user_id": None, "handle": "abcdefghijklmnopqrst"}, {"user_id": "115712", "handle": "115712"},
    ]),
    ("read https://medium.com/@brand", []),
]  # fmt: skip


def test_text_mentions_follow_twitter_text():
    rows = "".join(
        f'{i},115712,True,Tue Oct 31 22:11:45 +0000 2017,"{text}",,\n' for i, (text, _) in enumerate(TEXT_MENTION_ROWS, 1)
    )
    table, ctx = read_bytes((HEADER + rows).encode())
    assert not ctx.quarantined
    assert table["mentions"].to_pylist() == [expected for _, expected in TEXT_MENTION_ROWS]


def test_a_list_is_no_mention_in_the_real_file(realdata):
    """divya-gh__twcs_small.csv tweet 2433019: "@115940 Like i did the @115888/Hulu deal" names
    the list 115888/Hulu; the old rule counted a mention of 115888."""
    table, _ = read_file(realdata / "twcs" / "divya-gh__twcs_small.csv")
    row = rows_by_id(table)[2433019]
    assert row["text"].startswith("@115940 Like i did the @115888/Hulu deal.")
    assert row["mentions"] == [{"user_id": "115940", "handle": "115940"}]


def test_header_with_bom_and_mixed_case():
    table, _ = read_bytes(("\ufeff" + HEADER.upper().replace("TEXT", "Text") + ROW_1).encode())
    assert table["text"].to_pylist() == ["@115712 hi <3"]


def test_missing_columns_are_an_unknown_format():
    with pytest.raises(UnknownFormatError) as err:
        read_bytes(b"tweet_id,author_id,text,created_at\n1,a,b,c\n")
    message = str(err.value)
    assert message.startswith("test.csv: ")
    assert "inbound" in message and "in_response_to_tweet_id" in message
    assert "tweet_id," not in message.split("header:")[0]  # present columns are not listed missing


def test_empty_input_is_an_unknown_format():
    with pytest.raises(UnknownFormatError, match="empty"):
        read_bytes(b"\n\n")


def test_header_only_gives_no_rows():
    table, ctx = read_bytes(HEADER.encode())
    assert table.num_rows == 0 and not ctx.quarantined


def test_bad_row_is_quarantined_with_its_line_and_neighbours_kept():
    bad = "5,115712,True,Tue Oct 99 22:11:45 +0000 2017,a bad date,,\n"
    multi_line = '6,115712,True,Tue Oct 31 22:11:45 +0000 2017,"two\nlines",,\n'
    data = (HEADER + ROW_1 + "\n" + multi_line + bad + ROW_2).encode()
    table, ctx = read_bytes(data)
    assert table["tweet_id"].to_pylist() == [1, 6, 2]
    assert table["text"].to_pylist()[1] == "two\nlines"
    [entry] = ctx.quarantined
    assert (entry.file, entry.line, entry.raw) == ("test.csv", 6, bad)
    assert "created_at" in entry.reason


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("x,115712,True,Tue Oct 31 22:11:45 +0000 2017,t,,", "tweet_id"),
        (",115712,True,Tue Oct 31 22:11:45 +0000 2017,t,,", "empty tweet_id"),
        ("7,,True,Tue Oct 31 22:11:45 +0000 2017,t,,", "empty author_id"),
        ("7,115712,yes,Tue Oct 31 22:11:45 +0000 2017,t,,", "inbound"),
        ("7,115712,True,Tue Oct 31 22:11:45 +0000 2017,t,,abc", "in_response_to_tweet_id"),
        ("7,115712,True,Tue Oct 31 22:11:45 +0000 2017,t,", "6 fields where the header has 7"),
        ("7,115712,True,Tue Oct 31 22:11:45 +0000 2017,a,b,c,d", "8 fields where the header has 7"),
        ("just some words", "1 fields"),
    ],
)
def test_unparseable_rows(row, reason):
    table, ctx = read_bytes((HEADER + ROW_1 + row + "\n" + ROW_2).encode())
    assert table["tweet_id"].to_pylist() == [1, 2]
    [entry] = ctx.quarantined
    assert entry.line == 3 and reason in entry.reason and entry.raw == row + "\n"


def test_invalid_utf8_is_quarantined():
    table, ctx = read_bytes(
        HEADER.encode() + b"9,115712,True,Tue Oct 31 22:11:45 +0000 2017,caf\xe9,,\n" + ROW_2.encode()
    )
    assert table["tweet_id"].to_pylist() == [2]
    [entry] = ctx.quarantined
    # "9,115712,True,Tue Oct 31 22:11:45 +0000 2017,caf" is 48 bytes
    assert entry.reason == "invalid UTF-8 at byte 49" and entry.line == 2 and "caf\\xe9" in entry.raw


def test_strict_mode_raises_on_the_first_bad_row():
    data = (HEADER + ROW_1 + "1,2,3\n" + ROW_2).encode()
    with pytest.raises(QuarantineError) as err:
        read_bytes(data, strict=True)
    assert err.value.line == 3 and str(err.value).startswith("test.csv:3: ")


@pytest.mark.parametrize("extra", [10, 2 * MAX_LINE_BYTES])  # ending in the next chunk, or chunks later
def test_overlong_line_is_cut_and_quarantined(extra):
    long_row = "8,115712,True,Tue Oct 31 22:11:45 +0000 2017," + "x" * (MAX_LINE_BYTES + extra) + ",,\n"
    table, ctx = read_bytes((HEADER + ROW_1 + long_row + ROW_2).encode())
    assert table["tweet_id"].to_pylist() == [1, 2]
    [entry] = ctx.quarantined
    assert entry.line == 3 and "longer than" in entry.reason and len(entry.raw) == MAX_LINE_BYTES


def test_classic_mac_line_ends():
    data = (HEADER + ROW_1 + '3,115712,True,Tue Oct 31 22:11:45 +0000 2017,"a\rb",,\n').replace("\n", "\r")
    table, ctx = read_bytes(data.encode())
    assert table["text"].to_pylist() == ["@115712 hi <3", "a\rb"]
    assert not ctx.quarantined


def test_batches_respect_batch_rows():
    data = (
        HEADER + "".join(f"{i},a,True,Tue Oct 31 22:11:45 +0000 2017,t,,\n" for i in range(1, 26))
    ).encode()
    ctx = ReadContext(path="test.csv", batch_rows=10)
    sizes = [b.num_rows for b in read(io.BufferedReader(io.BytesIO(data)), ctx)]
    assert sizes == [10, 10, 5]


def test_reads_through_open_input_compressed(tmp_path):
    import gzip

    path = tmp_path / "twcs.csv.gz"
    path.write_bytes(gzip.compress((HEADER + ROW_1 + ROW_2).encode()))
    table, _ = read_file(path)
    assert table["tweet_id"].to_pylist() == [1, 2]


# ---------------------------------------------------------------------------------------------
# Properties

_BARE_CR = re.compile(r"\r(?!\n|\Z)")


def reference_record_count(data: bytes) -> int:
    """Data records as the csv module sees the whole text with bare CRs hidden (SOURCES.md method)."""
    text = _BARE_CR.sub("\ud800", data.decode("utf-8", "replace"))
    reader = csv.reader(io.StringIO(text, newline=""))
    count = -1  # the header
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return count
        except csv.Error:
            row = ["error"]
        count += bool(row) and row != ["\ufeff"]  # a byte-order mark alone is no record


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=600), crlf=st.booleans())
def test_arbitrary_bytes_after_a_header_are_all_accounted_for(body, crlf):
    header = HEADER.replace("\n", "\r\n") if crlf else HEADER
    data = header.encode() + body
    try:
        table, ctx = read_bytes(data)
    except KwoError:
        return
    assert table.num_rows + len(ctx.quarantined) == reference_record_count(data)


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_garbage = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters=',"\r\n'), min_size=1, max_size=30
)
_row = st.tuples(
    st.integers(1, 2**63 - 1),
    st.sampled_from(["115712", "AppleSupport"]),
    st.sampled_from(["True", "TRUE", "false"]),
    st.integers(1_141_171_200, 1_700_000_000),  # March 2006 to 2023: earlier or later is quarantined
    _text,
    st.none() | st.integers(1, 2**63 - 1),
    st.booleans(),
)


def _field(value: str) -> str:
    # Quote like the files do, but leave bare CRs unquoted (monalisapatra26's tweet 3399).
    if any(c in value for c in ',"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _serialise(rec: tuple, eol: str) -> str:
    tweet_id, author, inbound, secs, text, reply, float_ids = rec
    date = time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.gmtime(secs))
    reply_s = "" if reply is None else f"{reply}.0" if float_ids else str(reply)
    fields = [str(tweet_id), author, inbound, date, _field(html.escape(text, quote=False)), "", reply_s]
    return ",".join(fields) + eol


@settings(max_examples=150, deadline=None)
@given(records=st.lists(st.one_of(_row, _garbage), max_size=15), eol=st.sampled_from(["\n", "\r\n"]))
def test_written_rows_round_trip_and_garbage_is_quarantined(records, eol):
    out, expected_rows, garbage_lines, line = [HEADER.replace("\n", eol)], [], [], 2
    for rec in records:
        chunk = rec + eol if isinstance(rec, str) else _serialise(rec, eol)
        if isinstance(rec, str):
            garbage_lines.append(line)
        else:
            expected_rows.append(rec)
        out.append(chunk)
        line += chunk.count("\n")
    table, ctx = read_bytes("".join(out).encode())
    assert [e.line for e in ctx.quarantined] == garbage_lines
    got = table.select(["tweet_id", "text", "in_reply_to_tweet_id", "inbound", "created_at"]).to_pylist()
    assert got == [
        {
            "tweet_id": r[0],
            "text": r[4],
            "in_reply_to_tweet_id": r[5],
            "inbound": r[2].lower() == "true",
            "created_at": datetime.fromtimestamp(r[3], UTC),
        }
        for r in expected_rows
    ]
