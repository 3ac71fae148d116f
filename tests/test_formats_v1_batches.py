"""Runs of v1.1 tweets converted column by column (kwo.formats.v1.batches._run_batch) give exactly the rows,
notices and quarantine entries of the per-row path (_Reader.one for every line), in the same order.

The per-row path is the reference: it is the reader kwo had before runs, and it says precisely
what is wrong with a record. A run the column-wise code cannot convert exactly goes row by row,
so every comparison here must hold whatever the input.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwo.formats import ReadContext, v1
from kwo.formats.v1 import records
from kwo.schema import TWEET_SCHEMA
from tests.conftest import REALDATA, REALDATA_MISSING
from tests.v1_lines import CASES, MENTION, QUOTE, RT_OF_QUOTE, line, tweet, tweet_fields


def per_row(lines: list[bytes], batch_rows: int = 65_536):
    ctx = ReadContext(path="in.jsonl", batch_rows=batch_rows)
    reader = records._Reader(ctx)
    batches = []
    for number, data in enumerate(lines, 1):
        reader.one(number, data)
        batches += reader.take()
    batches += reader.finish()
    return batches, ctx


def by_runs(lines: list[bytes], batch_rows: int = 65_536):
    ctx = ReadContext(path="in.jsonl", batch_rows=batch_rows)
    batches = list(records._Reader(ctx).lines(enumerate(lines, 1)))
    return batches, ctx


def table(batches) -> pa.Table:
    return pa.Table.from_batches(batches, schema=TWEET_SCHEMA)


def assert_same(lines: list[bytes], batch_rows: int = 65_536) -> pa.Table:
    runs, run_ctx = by_runs(lines, batch_rows)
    rows, row_ctx = per_row(lines, batch_rows)
    assert all(b.num_rows <= batch_rows for b in runs)
    got, want = table(runs), table(rows)
    assert got.equals(want), [c for c in want.column_names if not got[c].equals(want[c])]
    assert run_ctx.notices == row_ctx.notices
    assert run_ctx.quarantined == row_ctx.quarantined
    return got


@pytest.fixture
def short_runs(monkeypatch):
    """Runs of 3 lines, so that a few lines make several runs and run boundaries fall everywhere."""
    monkeypatch.setattr(records, "_RUN_LINES", 3)


@pytest.fixture
def columns_only(monkeypatch):
    """Fail when a run goes row by row: for inputs the column-wise conversion must take."""

    def refuse(self, run):
        raise AssertionError(f"run of {len(run)} lines went row by row")

    monkeypatch.setattr(records._Reader, "_row_by_row", refuse)


def test_plain_tweets_are_converted_column_wise(columns_only):
    lines = [line(tweet(n)) for n in range(10)]
    got = assert_same(lines)
    assert got["tweet_id"].to_pylist() == [10**18 + n for n in range(10)]
    assert got["created_at"].cast(pa.int64()).to_pylist() == [1_456_826_400_000] * 10
    assert got["author_handle"].to_pylist() == [f"user{n}" for n in range(10)]
    assert got["mentions"].to_pylist()[0] == [{"user_id": "1", "handle": "kpn"}]
    assert got["source"].to_pylist() == ["Twitter Web Client"] * 10
    assert got["collected"].to_pylist() == [True] * 10
    assert got["is_retweet"].to_pylist() == [False] * 10


def test_context_rows_follow_their_tweet(columns_only):
    lines = [line(tweet(1)), line(tweet(2, text="RT", retweeted_status=RT_OF_QUOTE)), line(tweet(3))]
    got = assert_same(lines)
    # the retweet, the retweeted quote, then the quoted tweet: the per-row path's order
    assert got["tweet_id"].to_pylist() == [10**18 + n for n in (1, 2, 51, 50, 3)]
    assert got["collected"].to_pylist() == [True, True, False, False, True]
    assert got["retweet_of_id"].to_pylist() == [None, 10**18 + 51, None, None, None]
    assert got["quote_of_id"].to_pylist() == [None, None, 10**18 + 50, None, None]
    assert got["text"].to_pylist()[3] == "quoted & more"


def test_unusual_values_still_convert_column_wise(columns_only):
    lines = [
        line(tweet(1, text="a &amp; b", in_reply_to_status_id_str=None, in_reply_to_status_id=10**18 + 7,
                   in_reply_to_user_id=7, in_reply_to_screen_name="KPN")),
        line(tweet(2, user={"id": 9, "screen_name": "NoIdStr"}, entities={"user_mentions": [
            MENTION, {"screen_name": "kpn", "id_str": "1"}, {"screen_name": "ING", "id": 3}]})),
        line(tweet(3, entities=None, text="@a @B @a", quoted_status=QUOTE)),
        line(tweet(4, user=None, source=None, lang=None, text=None, full_text="full")),
        line(tweet(5, created_at="Sat Feb 29 23:59:59 +0000 2020")),
    ]
    got = assert_same(lines)
    assert got["in_reply_to_tweet_id"].to_pylist()[0] == 10**18 + 7
    assert got["in_reply_to_user_id"].to_pylist()[0] == "7"
    assert got["author_id"].to_pylist()[1] == "9"
    assert got["mentions"].to_pylist()[1] == [{"user_id": "1", "handle": "kpn"}, {"user_id": "3", "handle": "ing"}]
    assert got["mentions"].to_pylist()[2] == [{"user_id": None, "handle": "a"}, {"user_id": None, "handle": "b"}]
    assert got["quote_of_id"].to_pylist()[2] == 10**18 + 50


@pytest.mark.parametrize("name", sorted(CASES))
def test_handmade_lines(name):
    lines = CASES[name]
    assert_same(lines)


@pytest.mark.parametrize("name", sorted(CASES))
def test_handmade_lines_between_plain_tweets_in_short_runs(name, short_runs):
    lines = CASES[name]
    plain = [line(tweet(100 + n)) for n in range(4)]
    assert_same(plain + lines + plain, batch_rows=2)


def test_rows_of_a_line_that_is_no_tweet_keep_their_place(short_runs):
    response = line({"statuses": [tweet(10), tweet(11)], "search_metadata": {}})
    lines = [line(tweet(1)), line(tweet(2)), response, line(tweet(3)), line({"delete": {}}), line(tweet(4))]
    got = assert_same(lines, batch_rows=1)
    assert got["tweet_id"].to_pylist() == [10**18 + n for n in (1, 2, 10, 11, 3, 4)]


def test_a_bad_tweet_in_a_run_is_quarantined_with_its_line(short_runs):
    lines = [line(tweet(1)), line(tweet(2, id_str="x2")), line(tweet(3)), line(tweet(4, created_at="Tue Feb 30 10:00:00 +0000 2016"))]
    got = assert_same(lines)
    assert got["tweet_id"].to_pylist() == [10**18 + 1, 10**18 + 3]
    _, ctx = by_runs(lines)
    assert [(q.line, q.reason) for q in ctx.quarantined] == [
        (2, "id_str is not a tweet id: 'x2'"),
        (4, "out-of-range created_at 'Tue Feb 30 10:00:00 +0000 2016'"),
    ]


def _real_tweets() -> list[bytes]:
    """Every tweet of the real v1.1 files, one per line (documents and responses taken apart)."""
    out = []
    for path in sorted((REALDATA / "v1").glob("*")):
        text = path.read_text(encoding="utf-8")
        try:
            docs = [json.loads(text)]
        except json.JSONDecodeError:
            docs = [json.loads(x) for x in text.splitlines() if x.strip()]
        for doc in docs:
            if isinstance(doc, dict) and ("statuses" in doc or "results" in doc):
                doc = doc.get("statuses") or doc.get("results") or []
            out += [line(x) for x in (doc if isinstance(doc, list) else [doc])]
    return out


@pytest.mark.skipif(not (REALDATA / "v1").is_dir(), reason=REALDATA_MISSING)
def test_real_tweets(monkeypatch):
    lines = _real_tweets()
    assert len(lines) > 1000
    assert assert_same(lines).num_rows > 1000
    # and they are real work for the column-wise code, not a fall back to rows
    ran = []
    monkeypatch.setattr(records, "_run_batch", lambda rows, *a, _f=records._run_batch: ran.append(len(rows)) or _f(rows, *a))
    by_runs(lines)
    assert sum(ran) > 1000


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(tweet_fields, tweet_fields.map(lambda d: {**tweet(1), **d})), min_size=1, max_size=8),
       st.integers(min_value=1, max_value=4))
def test_generated_lines(monkeypatch, objs, run_lines):
    monkeypatch.setattr(records, "_RUN_LINES", run_lines)
    assert_same([line(o) for o in objs], batch_rows=3)


# ---------------------------------------------------------------------------------------------
# JSON documents: their elements are gathered into runs too


def read_document(data: bytes, monkeypatch, *, per_record: bool, batch_rows: int = 65_536):
    import io

    with monkeypatch.context() as m:
        if per_record:  # the reference: every element through _Reader.one, as before runs
            m.setattr(records._Reader, "element", lambda self, line, raw, in_response=False: self.one(line, raw, in_response))
        ctx = ReadContext(path="in.json", batch_rows=batch_rows)
        batches = list(v1.read(io.BufferedReader(io.BytesIO(data)), ctx))
    assert all(b.num_rows <= batch_rows for b in batches)
    return table(batches), ctx


def assert_same_document(data: bytes, monkeypatch, batch_rows: int = 65_536) -> pa.Table:
    got, run_ctx = read_document(data, monkeypatch, per_record=False, batch_rows=batch_rows)
    want, row_ctx = read_document(data, monkeypatch, per_record=True, batch_rows=batch_rows)
    assert got.equals(want)
    assert (run_ctx.notices, run_ctx.quarantined) == (row_ctx.notices, row_ctx.quarantined)
    return got


BAD = tweet(3, id_str="x3")
DOCUMENTS = {
    "array": json.dumps([tweet(1), tweet(2), BAD, tweet(4)]),
    "pretty array": json.dumps([tweet(1), {"delete": {}}, tweet(2, retweeted_status=RT_OF_QUOTE)], indent=2),
    "search response": json.dumps({"statuses": [tweet(1), BAD, tweet(2)], "search_metadata": {"count": 3}}),
    "premium pages, concatenated": json.dumps({"results": [tweet(1)], "next": "x"}) + "\n"
                                   + json.dumps({"results": [tweet(2), [1]]}),
    "single objects": json.dumps(tweet(1)) + json.dumps(tweet(2)),
    "broken after tweets": json.dumps([tweet(1), BAD, tweet(2)])[:-1] + ', {"id_str": ',
    "v2 page inside": json.dumps([tweet(1), {"data": [{"id": "5"}]}, tweet(2)]),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_documents(name, monkeypatch, short_runs):
    got = assert_same_document(DOCUMENTS[name].encode(), monkeypatch, batch_rows=2)
    assert got.num_rows >= 2


def test_a_broken_document_keeps_the_order_of_its_quarantine(monkeypatch):
    _, ctx = read_document(DOCUMENTS["broken after tweets"].encode(), monkeypatch, per_record=False)
    assert [q.reason[:26] for q in ctx.quarantined] == ["id_str is not a tweet id: ", "broken JSON document (the "]


def test_document_elements_are_converted_column_wise(monkeypatch, columns_only):
    got = assert_same_document(DOCUMENTS["pretty array"].encode(), monkeypatch)
    assert got["tweet_id"].to_pylist() == [10**18 + n for n in (1, 2, 51, 50)]
