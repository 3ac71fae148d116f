"""The Twitter API v2 (twarc2) reader: real twarc2 files, hand-made edge cases, arbitrary JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwo.errors import KwoError, QuarantineError
from kwo.formats import ReadContext, v2
from kwo.formats.v2 import V1_REASON, read
from kwo.io import open_input
from kwo.schema import parse_iso_date
from tests import readers
from tests.conftest import REALDATA, REALDATA_MISSING

V2_DIR = REALDATA / "v2"

# Counts per real file, established with a throwaway script using only the json module (a data
# element with "text" is a tweet, any other element or a line without data is a notice,
# includes.tweets and the referenced tweets of flattened lines that carry "text" are context),
# cross-checked with realdata/SOURCES.md. records = tweets + notices + quarantined.
# distinct_context_new = distinct context ids that are not also collected in the same file.
EXPECTED = {
    "twarc-csv__2sets.jsonl": dict(tweets=200, distinct_tweets=200, context=82, distinct_context_new=76, notices=0, quarantined=0, records=200),
    "twarc-csv__brexit.jsonl": dict(tweets=100, distinct_tweets=100, context=59, distinct_context_new=55, notices=0, quarantined=0, records=100),
    "twarc-csv__cashtags.jsonl": dict(tweets=1, distinct_tweets=1, context=1, distinct_context_new=0, notices=0, quarantined=0, records=1),
    "twarc-csv__cotweet.jsonl": dict(tweets=1, distinct_tweets=1, context=1, distinct_context_new=0, notices=0, quarantined=0, records=1),
    "twarc-csv__counts.jsonl": dict(tweets=0, distinct_tweets=0, context=0, distinct_context_new=0, notices=169, quarantined=0, records=169),
    "twarc-csv__edited.jsonl": dict(tweets=1, distinct_tweets=1, context=2, distinct_context_new=1, notices=0, quarantined=0, records=1),
    "twarc-csv__edited_after.jsonl": dict(tweets=1, distinct_tweets=1, context=2, distinct_context_new=1, notices=0, quarantined=0, records=1),
    "twarc-csv__edited_before.jsonl": dict(tweets=1, distinct_tweets=1, context=2, distinct_context_new=1, notices=0, quarantined=0, records=1),
    "twarc-csv__empty.json": dict(tweets=0, distinct_tweets=0, context=0, distinct_context_new=0, notices=0, quarantined=0, records=0),
    "twarc-csv__entities_test.jsonl": dict(tweets=474, distinct_tweets=474, context=197, distinct_context_new=176, notices=0, quarantined=0, records=474),
    "twarc-csv__flat.jsonl": dict(tweets=100, distinct_tweets=100, context=86, distinct_context_new=64, notices=0, quarantined=0, records=100),
    "twarc-csv__geo_tweets.jsonl": dict(tweets=2, distinct_tweets=2, context=1, distinct_context_new=1, notices=0, quarantined=0, records=2),
    "twarc-csv__kpop.jsonl": dict(tweets=100, distinct_tweets=100, context=23, distinct_context_new=21, notices=0, quarantined=0, records=100),
    "twarc-csv__lists.jsonl": dict(tweets=0, distinct_tweets=0, context=0, distinct_context_new=0, notices=6, quarantined=0, records=6),
    "twarc-csv__many_urls.jsonl": dict(tweets=1, distinct_tweets=1, context=2, distinct_context_new=1, notices=0, quarantined=0, records=1),
    "twarc-csv__media_policy_violation_off.jsonl": dict(tweets=100, distinct_tweets=100, context=62, distinct_context_new=61, notices=0, quarantined=0, records=100),
    "twarc-csv__media_policy_violation_on.jsonl": dict(tweets=100, distinct_tweets=100, context=62, distinct_context_new=60, notices=0, quarantined=0, records=100),
    "twarc-csv__media_tweet.jsonl": dict(tweets=1, distinct_tweets=1, context=1, distinct_context_new=0, notices=0, quarantined=0, records=1),
    "twarc-csv__mentions_tweet.jsonl": dict(tweets=1, distinct_tweets=1, context=2, distinct_context_new=1, notices=0, quarantined=0, records=1),
    "twarc-csv__noflat.jsonl": dict(tweets=100, distinct_tweets=100, context=66, distinct_context_new=64, notices=0, quarantined=0, records=100),
    "twarc-csv__quoted_edit.jsonl": dict(tweets=1, distinct_tweets=1, context=3, distinct_context_new=2, notices=0, quarantined=0, records=1),
    "twarc-csv__streaming_output_with_error.jsonl": dict(tweets=7, distinct_tweets=7, context=4, distinct_context_new=4, notices=0, quarantined=1, records=8),
    "twarc-csv__tweets_compliance.jsonl": dict(tweets=0, distinct_tweets=0, context=0, distinct_context_new=0, notices=2, quarantined=0, records=2),
    "twarc-csv__two_tweets.jsonl": dict(tweets=1, distinct_tweets=1, context=1, distinct_context_new=1, notices=0, quarantined=0, records=1),
    "twarc-csv__users.jsonl": dict(tweets=0, distinct_tweets=0, context=52, distinct_context_new=52, notices=96, quarantined=0, records=96),
    "twarc-csv__users_compliance.jsonl": dict(tweets=0, distinct_tweets=0, context=0, distinct_context_new=0, notices=2, quarantined=0, records=2),
    "twarc-csv__verified_type.jsonl": dict(tweets=1, distinct_tweets=1, context=1, distinct_context_new=0, notices=0, quarantined=0, records=1),
    "twarc-csv__withheld.jsonl": dict(tweets=215, distinct_tweets=215, context=70, distinct_context_new=69, notices=0, quarantined=0, records=215),
    "twarc-ids__tweets2.jsonl": dict(tweets=1, distinct_tweets=1, context=0, distinct_context_new=0, notices=0, quarantined=0, records=1),
    "twarc-ids__tweets3.jsonl": dict(tweets=300, distinct_tweets=300, context=129, distinct_context_new=95, notices=0, quarantined=0, records=300),
    "twarc-ids__tweets4.jsonl": dict(tweets=100, distinct_tweets=100, context=92, distinct_context_new=52, notices=0, quarantined=0, records=100),
    "twarc-network__tweets.jsonl": dict(tweets=500, distinct_tweets=500, context=291, distinct_context_new=176, notices=0, quarantined=0, records=500),
}  # fmt: skip

needs_realdata = pytest.mark.skipif(not V2_DIR.is_dir(), reason=REALDATA_MISSING)


def read_v2(path: Path, check_format: bool = True, **options) -> tuple[pa.Table, ReadContext]:
    """Open ``path`` the way ingest does, check it is detected as v2, read it whole."""
    if check_format and path.stat().st_size == 0:
        options["expect_format"] = None  # an empty file is detected as nothing
    elif check_format:
        options["expect_format"] = "v2"
    return readers.read_path(read, path, fs_path=None, **options)


counts = readers.counts


def collected_rows(table: pa.Table) -> dict[int, dict]:
    return {r["tweet_id"]: r for r in table.filter(table["collected"]).to_pylist()}


def json_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def write_lines(tmp_path: Path, lines: list, newline: str = "\n") -> Path:
    path = tmp_path / "input.jsonl"
    text = newline.join(x if isinstance(x, str) else json.dumps(x) for x in lines) + newline
    path.write_bytes(text.encode("utf-8"))
    return path


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# Real twarc2 files


@needs_realdata
def test_expected_covers_every_real_file():
    assert set(EXPECTED) == {p.name for p in V2_DIR.iterdir()}


@needs_realdata
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_file_counts(name):
    table, ctx = read_v2(V2_DIR / name)
    assert counts(table, ctx) == EXPECTED[name]
    assert set(table["source_file"].to_pylist()) <= {str(V2_DIR / name)}


@needs_realdata
def test_streaming_output_with_truncated_last_line():
    table, ctx = read_v2(V2_DIR / "twarc-csv__streaming_output_with_error.jsonl")
    assert counts(table, ctx)["tweets"] == 7
    [entry] = ctx.quarantined
    assert entry.line == 8
    assert entry.reason.startswith("invalid JSON")
    assert entry.raw.startswith('{"data": {"author_id": "1021159080151404544"')
    # matching_rules ids exceed 2**53 and must not disturb anything
    assert collected_rows(table)[1377650090978992134]["quote_of_id"] == 1377640162566496258


@needs_realdata
def test_flat_and_noflat_give_the_same_tweets():
    flat = collected_rows(read_v2(V2_DIR / "twarc-csv__flat.jsonl")[0])
    page = collected_rows(read_v2(V2_DIR / "twarc-csv__noflat.jsonl")[0])
    assert len(flat) == 100
    assert flat.keys() == page.keys()
    for tweet_id, row in flat.items():
        other = page[tweet_id]
        for column in ("author_handle", "mentions", "in_reply_to_tweet_id", "in_reply_to_handle",
                       "retweet_of_id", "quote_of_id", "text", "created_at", "conversation_id"):  # fmt: skip
            assert row[column] == other[column], (tweet_id, column)
    assert sum(1 for r in flat.values() if r["retweet_of_id"]) == 47
    assert sum(1 for r in flat.values() if r["in_reply_to_tweet_id"]) == 31
    assert sum(1 for r in flat.values() if r["quote_of_id"]) == 8


@needs_realdata
@pytest.mark.parametrize(
    "name, notices, context",
    [
        ("twarc-csv__tweets_compliance.jsonl", 2, 0),
        ("twarc-csv__users_compliance.jsonl", 2, 0),
        ("twarc-csv__counts.jsonl", 169, 0),
        ("twarc-csv__lists.jsonl", 6, 0),
        ("twarc-csv__users.jsonl", 96, 52),  # 52 pinned tweets in includes.tweets
    ],
)
def test_non_tweet_files_give_only_notices(name, notices, context):
    table, ctx = read_v2(V2_DIR / name)
    assert ctx.notices == notices
    assert ctx.quarantined == []
    assert not any(table["collected"].to_pylist())
    assert table.num_rows == context


@needs_realdata
def test_pinned_tweets_of_a_users_page_get_their_authors_handle():
    [page] = json_lines(V2_DIR / "twarc-csv__users.jsonl")
    pinned_by = {u["pinned_tweet_id"]: u["username"].lower() for u in page["data"] if "pinned_tweet_id" in u}
    table, _ = read_v2(V2_DIR / "twarc-csv__users.jsonl")
    got = {str(r["tweet_id"]): r["author_handle"] for r in table.to_pylist()}
    assert got == {k: v for k, v in pinned_by.items() if k in got}
    assert len(got) == 52


PAGE_FILES = ["twarc-csv__2sets.jsonl", "twarc-csv__noflat.jsonl", "twarc-csv__withheld.jsonl",
              "twarc-ids__tweets3.jsonl", "twarc-network__tweets.jsonl", "twarc-csv__entities_test.jsonl",
              "twarc-csv__streaming_output_with_error.jsonl", "twarc-ids__tweets2.jsonl"]  # fmt: skip


def expected_from_pages(path: Path) -> dict[int, dict]:
    """Handles and mentions of the data tweets, computed with the json module alone."""
    out = {}
    for line in path.read_text("utf-8").splitlines():
        try:
            page = json.loads(line)
        except ValueError:
            continue
        users = {u["id"]: u["username"].lower() for u in page.get("includes", {}).get("users", [])}
        data = page["data"] if isinstance(page["data"], list) else [page["data"]]
        for t in data:
            handles = [m["username"].lower() for m in t.get("entities", {}).get("mentions", [])]
            out[int(t["id"])] = dict(
                author_handle=users.get(t["author_id"]),
                in_reply_to_handle=users.get(t.get("in_reply_to_user_id")),
                mentions=list(dict.fromkeys(handles)),
            )
    return out


@needs_realdata
@pytest.mark.parametrize("name", PAGE_FILES)
def test_handles_come_from_includes_users_and_mentions_from_entities(name):
    expected = expected_from_pages(V2_DIR / name)
    rows = collected_rows(read_v2(V2_DIR / name)[0])
    assert rows.keys() == expected.keys()
    for tweet_id, want in expected.items():
        row = rows[tweet_id]
        assert row["author_handle"] == want["author_handle"], tweet_id
        assert row["in_reply_to_handle"] == want["in_reply_to_handle"], tweet_id
        assert [m["handle"] for m in row["mentions"]] == want["mentions"], tweet_id
    assert sum(1 for r in rows.values() if r["author_handle"]) >= 0.9 * len(rows)


@needs_realdata
def test_stream_lookup_line_fields():
    table, _ = read_v2(V2_DIR / "twarc-ids__tweets2.jsonl")
    [row] = table.to_pylist()
    assert row["tweet_id"] == 1366871005755547653
    assert row["created_at"] == utc("2021-03-02T22:00:17")
    assert row["author_id"] == "1295926388961222656"
    assert row["author_handle"] == "img_f7"
    assert row["conversation_id"] == 1366871005755547653
    assert row["lang"] == "ar"
    assert row["source"] == "Twitter for iPhone"
    assert row["text"].startswith("بعض الطواري")
    assert row["mentions"] == []
    assert row["in_reply_to_tweet_id"] is None and row["retweet_of_id"] is None
    assert row["is_retweet"] is False and row["inbound"] is None and row["collected"] is True


@needs_realdata
def test_text_is_unescaped_and_old_ids_keep_their_date():
    brexit = collected_rows(read_v2(V2_DIR / "twarc-csv__brexit.jsonl")[0])
    assert brexit[1440716848299872269]["text"].startswith("Id rather have had Billions in Debt & owned")
    withheld = collected_rows(read_v2(V2_DIR / "twarc-csv__withheld.jsonl")[0])
    assert withheld[25712847277]["created_at"] == utc("2010-09-27T19:06:05")  # pre-snowflake id


@needs_realdata
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_generic_path_agrees_with_fast_path(name, monkeypatch):
    fast, fast_ctx = read_v2(V2_DIR / name)
    monkeypatch.setattr(v2, "_fast_rows", lambda line: None)
    generic, generic_ctx = read_v2(V2_DIR / name)
    assert generic.to_pylist() == fast.to_pylist()
    assert counts(generic, generic_ctx) == counts(fast, fast_ctx)


@needs_realdata
def test_batches_never_exceed_batch_rows():
    ctx = ReadContext(path="x", batch_rows=7)
    with open_input(str(V2_DIR / "twarc-network__tweets.jsonl")) as opened:
        sizes = [b.num_rows for b in read(opened.stream, ctx)]
    assert max(sizes) <= 7
    assert sum(sizes) == 500 + 291


# ---------------------------------------------------------------------------------------------
# Hand-made lines

TWEET = {
    "id": "1380242586288328707",
    "created_at": "2021-04-08T19:34:10.000Z",
    "author_id": "1910479285",
    "conversation_id": "1380220754978086917",
    "in_reply_to_user_id": "1142605723601264640",
    "referenced_tweets": [{"type": "replied_to", "id": "1380229267770933248"}],
    "entities": {"mentions": [{"start": 0, "end": 14, "username": "TalkToTheFoot"}]},
    "text": "@TalkToTheFoot fish &amp; chips",
    "lang": "en",
    "source": "Twitter for iPhone",
}
USERS = [
    {"id": "1910479285", "username": "PDXPapaG"},
    {"id": "1142605723601264640", "username": "TalkToTheFoot"},
]


def page(*tweets: dict, **extra) -> dict:
    return {"data": list(tweets), "includes": {"users": USERS}, **extra}


def test_page_tweet_fields(tmp_path):
    table, ctx = read_v2(write_lines(tmp_path, [page(TWEET)]))
    [row] = table.to_pylist()
    assert row["author_handle"] == "pdxpapag"
    assert row["in_reply_to_tweet_id"] == 1380229267770933248
    assert row["in_reply_to_user_id"] == "1142605723601264640"
    assert row["in_reply_to_handle"] == "talktothefoot"
    assert row["text"] == "@TalkToTheFoot fish & chips"
    # the mention has no id in the tweet; it is taken from includes.users, as twarc2 flatten does
    assert row["mentions"] == [{"user_id": "1142605723601264640", "handle": "talktothefoot"}]
    assert (ctx.notices, ctx.quarantined) == (0, [])


V1_TWEET = {
    "created_at": "Wed Oct 10 20:19:24 +0000 2018",
    "id": 1050118621198921728,
    "id_str": "1050118621198921728",
    "text": "hello @kwo",
    "user": {"id": 6253282, "id_str": "6253282", "screen_name": "TwitterAPI"},
}


@pytest.mark.parametrize("v1_line", [V1_TWEET, {**V1_TWEET, "id": "1050118621198921728"}, {"delete": {}}])
def test_v1_line_in_a_v2_file_is_quarantined(tmp_path, v1_line):
    table, ctx = read_v2(write_lines(tmp_path, [page(TWEET), v1_line]))
    assert table.num_rows == 1
    [entry] = ctx.quarantined
    assert (entry.line, entry.reason) == (2, V1_REASON)
    assert json.loads(entry.raw) == v1_line


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"id": 1380242586288328707}, "tweet field of the wrong type: field id is an integer, not text or null"),
        ({"id": 1.5}, "tweet field of the wrong type: field id is a number, not text or null"),
        ({"id": ["1"]}, "tweet field of the wrong type: field id is an array, not text or null"),
        ({"author_id": 1910479285}, "tweet field of the wrong type: field author_id is an integer, not text or null"),
        ({"id": "12a"}, "id is not a tweet id: '12a'"),
        ({"id": None}, "tweet without an id"),
        ({"created_at": "yesterday"}, "unrecognised created_at 'yesterday'"),
        ({"referenced_tweets": [{"type": "quoted", "id": "x"}]}, "quoted id is not a tweet id: 'x'"),
    ],
)
def test_bad_tweet_in_a_page_is_quarantined_alone(tmp_path, change, reason):
    bad = {**TWEET, "id": "1380242586288328708", **change}
    table, ctx = read_v2(write_lines(tmp_path, [page(TWEET, bad)]))
    assert table["tweet_id"].to_pylist() == [1380242586288328707]
    [entry] = ctx.quarantined
    assert (entry.line, entry.reason) == (1, "data[1]: " + reason)
    assert json.loads(entry.raw) == bad


def test_created_at_from_a_snowflake_id_or_quarantine(tmp_path):
    no_date = {k: v for k, v in TWEET.items() if k != "created_at"}
    old = {**no_date, "id": "20"}
    table, ctx = read_v2(write_lines(tmp_path, [page(no_date), page(old)]))
    [row] = table.to_pylist()
    # the time a snowflake id carries; the real created_at of this tweet is 19:34:10.000
    assert row["created_at"] == datetime(2021, 4, 8, 19, 34, 10, 895000, tzinfo=UTC)
    [entry] = ctx.quarantined
    assert entry.line == 2 and "predates snowflake" in entry.reason


def test_strict_mode_raises(tmp_path):
    path = write_lines(tmp_path, [page(TWEET), "{truncated"])
    with pytest.raises(QuarantineError) as info:
        read_v2(path, strict=True)
    assert info.value.line == 2


def test_note_tweet_long_post(tmp_path):
    long_text = "x" * 270 + " &lt;3 thanks @KLM and @Schiphol"
    tweet = {
        **TWEET,
        "text": long_text[:275] + "…",
        "entities": {"mentions": []},
        "note_tweet": {
            "text": long_text,
            "entities": {"mentions": [{"username": "KLM", "id": "56377143"}, {"username": "Schiphol"}]},
        },
    }
    table, _ = read_v2(write_lines(tmp_path, [page(tweet)]))
    [row] = table.to_pylist()
    assert row["text"] == "x" * 270 + " <3 thanks @KLM and @Schiphol"
    assert row["mentions"] == [
        {"user_id": "56377143", "handle": "klm"},
        {"user_id": None, "handle": "schiphol"},
    ]


def test_crlf_line_endings_and_blank_lines(tmp_path):
    path = write_lines(tmp_path, [page(TWEET), "", "   ", "{bad", {"data": TWEET}], newline="\r\n")
    table, ctx = read_v2(path)
    assert table.num_rows == 2
    assert table["text"].to_pylist() == ["@TalkToTheFoot fish & chips"] * 2
    [entry] = ctx.quarantined
    assert entry.line == 4 and entry.raw == "{bad"


def test_flattened_line_with_expanded_references(tmp_path):
    parent = {
        **TWEET,
        "id": "1380229267770933248",
        "type": "replied_to",
        "author": {"id": "5", "username": "Parent"},
    }
    flat = {**TWEET, "referenced_tweets": [parent, {"type": "quoted", "id": "7"}],
            "author": {"id": "1910479285", "username": "PDXPapaG"},
            "in_reply_to_user": {"id": "1142605723601264640", "username": "TalkToTheFoot"}, "__twarc": {}}  # fmt: skip
    table, ctx = read_v2(write_lines(tmp_path, [flat]))
    rows = table.to_pylist()
    assert [(r["tweet_id"], r["collected"], r["author_handle"]) for r in rows] == [
        (1380242586288328707, True, "pdxpapag"),
        (1380229267770933248, False, "parent"),
    ]
    assert rows[0]["in_reply_to_handle"] == "talktothefoot" and rows[0]["quote_of_id"] == 7
    assert ctx.notices == 0


def test_notices_and_unknown_lines(tmp_path):
    lines = [
        {"id": "1170025343920402432", "action": "delete", "created_at": "2019-09-06T17:25:54.667Z"},
        {"errors": [{"title": "Not Found Error"}], "meta": {"result_count": 0}},
        {"data": [], "meta": {"result_count": 0}},
        {"data": [{"start": "a", "end": "b", "tweet_count": 3}] * 3},
        {"data": [{"id": "1", "username": "someone"}], "includes": {"tweets": [{**TWEET, "author_id": "1"}]}},
        [TWEET],
        {"data": "nothing"},
        {"hello": "world"},
        {"data": [TWEET, 5, {"foo": 1}]},
    ]
    table, ctx = read_v2(write_lines(tmp_path, lines), check_format=False)
    assert ctx.notices == 1 + 1 + 1 + 3 + 1
    reasons = [(q.line, q.reason) for q in ctx.quarantined]
    assert reasons == [
        (6, "a JSON array, not a v2 page, tweet or notice"),
        (7, "'data' is a JSON string, not a list or an object"),
        (8, "neither a v2 page, tweet nor notice (keys: hello)"),
        (9, "data[1]: a JSON number, not an object"),
        (9, "data[2]: neither a tweet nor a known v2 object (keys: foo)"),
    ]
    # the pinned tweet of the users page (line 5) is context with its author's handle; line 9 has
    # no includes, so its tweet has no handle
    assert [(r["collected"], r["author_handle"]) for r in table.to_pylist()] == [
        (False, "someone"),
        (True, None),
    ]


def test_byte_order_mark_and_empty_input(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(page(TWEET)).encode())
    table, ctx = read_v2(path)
    assert table.num_rows == 1 and ctx.quarantined == []
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    table, ctx = read_v2(empty)
    assert table.num_rows == 0 and ctx.notices == 0 and ctx.quarantined == []


# ---------------------------------------------------------------------------------------------
# Arbitrary JSON: never anything but KwoError, every non-blank line at least one record

_KEYS = st.sampled_from(
    ["data", "includes", "users", "tweets", "id", "text", "created_at", "author_id", "username", "entities",
     "mentions", "note_tweet", "referenced_tweets", "type", "author", "id_str", "user", "errors", "meta",
     "action", "tweet_count", "conversation_id", "in_reply_to_user_id", "lang", "source", "delete"]
) | st.text(max_size=5)  # fmt: skip
_IDS = st.sampled_from(["1380242586288328707", "20", "x", "", "9" * 25]) | st.integers()
_SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10) | _IDS | st.just("2021-04-08T19:34:10.000Z")
)  # fmt: skip
_JSON = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_KEYS, children, max_size=6),
    max_leaves=25,
)
# Tweet- and page-shaped values, so that the property also reaches the row-building code.
_TWEETS = st.fixed_dictionaries(
    {"id": _IDS, "text": _SCALARS},
    optional={
        "created_at": _SCALARS,
        "author_id": _IDS,
        "referenced_tweets": st.lists(
            st.fixed_dictionaries({"type": _KEYS | st.just("replied_to"), "id": _IDS})
        ),
        "entities": st.fixed_dictionaries({"mentions": st.lists(st.dictionaries(_KEYS, _SCALARS))}),
        "note_tweet": _JSON,
    },
)
_PAGES = st.fixed_dictionaries(
    {"data": st.lists(_TWEETS | _JSON, max_size=3) | _TWEETS},
    optional={
        "includes": st.fixed_dictionaries({"users": st.lists(_JSON), "tweets": st.lists(_TWEETS | _JSON)})
    },
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(_JSON | _TWEETS | _PAGES, max_size=5), strict=st.booleans())
def test_arbitrary_json_lines(tmp_path, values, strict):
    path = write_lines(tmp_path, [json.dumps(v) for v in values])
    try:
        table, ctx = read_v2(path, check_format=False, strict=strict)
    except KwoError:
        assert strict
        return
    tweets = sum(table["collected"].to_pylist())
    assert tweets + ctx.notices + len(ctx.quarantined) >= len(values)
    # the fast path only ever takes what the generic path would make of a line
    with mock.patch.object(v2, "_fast_rows", lambda line: None):
        generic, generic_ctx = read_v2(path, check_format=False, strict=strict)
    assert generic.to_pylist() == table.to_pylist()
    assert (generic_ctx.notices, generic_ctx.quarantined) == (ctx.notices, ctx.quarantined)


@settings(max_examples=200, deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, 23), st.sampled_from("09-:.TZ +,x٣")), max_size=4))
def test_fast_date_parsing_agrees_with_parse_iso_date(edits):
    chars = list("2021-04-08T19:34:10.000Z")
    for i, c in edits:
        chars[i] = c
    value = "".join(chars)
    try:
        want = v2._created_ms_slow(value)  # parse_iso_date, fields checked, a plausible time
    except v2._BadRecord:
        want = None
    try:
        got = v2._created_ms(value, 1)
    except v2._BadRecord:
        got = None
    assert got == want
    if want is not None:
        assert want == parse_iso_date(value)
