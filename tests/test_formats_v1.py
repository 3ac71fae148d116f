"""Tests for the Twitter API v1.1 reader (kwo.formats.v1)."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kwo.errors import QuarantineError
from kwo.formats import ReadContext
from kwo.formats.v1 import read, scanner
from kwo.formats.v1.tweet import UNKNOWN_REASON, V2_REASON
from kwo.io import open_input
from kwo.schema import TWEET_SCHEMA
from tests import readers
from tests.conftest import REALDATA, REALDATA_MISSING

V1_DIR = REALDATA / "v1"

# Counted with the json module alone (a throwaway script, not kwo), then checked against
# realdata/SOURCES.md. tweets: top-level tweets; context: embedded retweeted_status /
# quoted_status at any depth, each occurrence; distinct_context_new: context ids that are not
# also collected; records = tweets + notices + quarantined. In python-twitter__streaming_lines one
# tweet (972473017333899264) is on two lines of the capture.
# fmt: off
EXPECTED: dict[str, dict[str, int]] = {
    "EmojiMapper__sample_tweets.json":                      dict(tweets=368, distinct_tweets=368, context= 7, distinct_context_new= 7, notices=0, quarantined=0, records=368),
    "python-twitter__extended_tweet_in_compat_mode.json":   dict(tweets=  1, distinct_tweets=  1, context= 0, distinct_context_new= 0, notices=0, quarantined=0, records=  1),
    "python-twitter__extended_tweet_in_extended_mode.json": dict(tweets=  1, distinct_tweets=  1, context= 0, distinct_context_new= 0, notices=0, quarantined=0, records=  1),
    "python-twitter__get_mentions.json":                    dict(tweets= 19, distinct_tweets= 19, context= 2, distinct_context_new= 2, notices=0, quarantined=0, records= 19),
    "python-twitter__get_search_raw.json":                  dict(tweets=100, distinct_tweets=100, context=89, distinct_context_new=76, notices=0, quarantined=0, records=100),
    "python-twitter__get_statuses.1.json":                  dict(tweets=100, distinct_tweets=100, context= 0, distinct_context_new= 0, notices=0, quarantined=0, records=100),
    "python-twitter__get_user_timeline.json":               dict(tweets= 20, distinct_tweets= 20, context= 1, distinct_context_new= 1, notices=0, quarantined=0, records= 20),
    "python-twitter__get_user_timeline_count.json":         dict(tweets= 63, distinct_tweets= 63, context=36, distinct_context_new=36, notices=0, quarantined=0, records= 63),
    "python-twitter__streaming_lines.json":                 dict(tweets= 72, distinct_tweets= 71, context= 8, distinct_context_new= 8, notices=0, quarantined=0, records= 72),
    "sferik_twitter__premium_search_from.json":             dict(tweets= 58, distinct_tweets= 58, context=17, distinct_context_new=14, notices=0, quarantined=0, records= 58),
    "sferik_twitter__premium_search_next.json":             dict(tweets=100, distinct_tweets=100, context=55, distinct_context_new=29, notices=0, quarantined=0, records=100),
    "sferik_twitter__premium_search_point_radius.json":     dict(tweets=100, distinct_tweets=100, context=13, distinct_context_new=13, notices=0, quarantined=0, records=100),
    "sferik_twitter__premium_search_to.json":               dict(tweets=100, distinct_tweets=100, context= 1, distinct_context_new= 1, notices=0, quarantined=0, records=100),
    "sferik_twitter__statuses.json":                        dict(tweets= 20, distinct_tweets= 20, context= 6, distinct_context_new= 6, notices=0, quarantined=0, records= 20),
    "sferik_twitter__track_streaming_user.json":            dict(tweets=  1, distinct_tweets=  1, context= 0, distinct_context_new= 0, notices=5, quarantined=0, records=  6),
    "tweet_parser__original_format_examples.json":          dict(tweets= 25, distinct_tweets= 25, context=11, distinct_context_new= 4, notices=0, quarantined=0, records= 25),
    "tweet_parser__public_api_sample.json":                 dict(tweets= 20, distinct_tweets= 20, context=11, distinct_context_new= 4, notices=0, quarantined=0, records= 20),
    "twitter4j__streamingapi-testcase.json":                dict(tweets=  3, distinct_tweets=  3, context= 0, distinct_context_new= 0, notices=3, quarantined=0, records=  6),
}
# fmt: on

DATE = "Wed Oct 10 20:19:24 +0000 2018"


# ---------------------------------------------------------------------------------------------
# Helpers


def real_file(name: str) -> Path:
    path = V1_DIR / name
    if not path.exists():
        pytest.skip(f"{REALDATA_MISSING}: {path.name}")
    return path


def read_file(path: Path, **options) -> tuple[pa.Table, ReadContext]:
    """Open like the ingest does, check that detection says v1, read everything."""
    return readers.read_path(read, path, expect_format="v1", fs_path=None, **options)


def write_and_read(tmp_path: Path, content: str | bytes, **options) -> tuple[pa.Table, ReadContext]:
    path = tmp_path / "input.json"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return read_file(path, **options)


def read_stream(stream, **options) -> tuple[pa.Table, ReadContext]:
    """Read without detection (inputs that are not meant to look like anything)."""
    return readers.read_stream(read, stream, path="test.json", **options)


class Trickle(io.RawIOBase):
    """A stream that hands out a few bytes per read, to put chunk boundaries everywhere."""

    def __init__(self, data: bytes, step: int = 7):
        self._data = memoryview(data)
        self._step = step

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = min(len(b), self._step, len(self._data))
        b[:n] = self._data[:n]
        self._data = self._data[n:]
        return n


summary = readers.counts
rows_by_id = readers.rows_by_id


def tweet(id_str: str = "1050118621198921728", **fields) -> dict:
    base = {
        "created_at": DATE,
        "id": int(id_str),
        "id_str": id_str,
        "text": "hello",
        "user": {"id": 12, "id_str": "12", "screen_name": "Someone"},
        "entities": {"user_mentions": []},
    }
    base.update(fields)
    return base


def jsonl(*objects) -> str:
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects)


def source_tweets(name: str) -> list[dict]:
    """The top-level tweets of a real file, read with the json module only."""
    text = real_file(name).read_text(encoding="utf-8")
    first = text.lstrip()[:1]
    if first == "[":
        return json.loads(text)
    if first == "{" and "\n" not in text.strip():
        doc = json.loads(text)
        return doc.get("statuses") or doc.get("results") or [doc]
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------------
# Real data


def test_expected_covers_every_real_file():
    if not V1_DIR.is_dir():
        pytest.skip(REALDATA_MISSING)
    assert sorted(p.name for p in V1_DIR.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_file_counts(name, locator):
    table, ctx = read_file(real_file(name))
    assert summary(table, ctx) == EXPECTED[name]
    assert table.schema == TWEET_SCHEMA
    assert pc.all(pc.equal(table["source_file"], str(V1_DIR / name))).as_py()
    assert table["created_at"].null_count == 0


def test_ids_come_from_id_str_not_from_rounded_numbers():
    raw = source_tweets("tweet_parser__public_api_sample.json")
    table, _ = read_file(real_file("tweet_parser__public_api_sample.json"))
    collected = table.filter(table["collected"])
    assert collected["tweet_id"].to_pylist() == [int(t["id_str"]) for t in raw]
    assert sum(t["id"] != int(t["id_str"]) for t in raw) == 19  # the numbers really are rounded
    assert collected["author_id"].to_pylist() == [t["user"]["id_str"] for t in raw]
    rows = rows_by_id(table)
    reply = rows[867837275152842752]
    assert reply["in_reply_to_tweet_id"] == 861645830863822848  # numeric field: ...822800
    assert reply["in_reply_to_user_id"] == "2382763597"
    assert rows[872836479608733696]["quote_of_id"] == 872836379595620353
    assert rows[867478524235366400]["retweet_of_id"] == 861651727614746624
    assert 861651727614746624 in rows_by_id(table, collected=False)


@pytest.mark.parametrize(
    "name, tweet_id, mentions",
    [
        (
            "sferik_twitter__premium_search_to.json",
            930570651638808576,
            # WeSabio is listed twice in extended_tweet.entities
            [
                ("2244994945", "twitterdev"),
                ("874394695", "wesabio"),
                ("484495045", "twitterla"),
                ("2984872862", "ryan_a_bell"),
                ("536960317", "jorge_distress"),
                ("426155280", "g8rojas"),
                ("887102371058171904", "vicatsabio"),
            ],
        ),
        (
            "sferik_twitter__premium_search_from.json",
            927200096193716224,
            [("130175843", "sunnat629"), ("2244994945", "twitterdev")],
        ),
        (
            "python-twitter__streaming_lines.json",
            972472962782818304,
            [("750282011160481792", "c0nvey")],
        ),
    ],
)
def test_mentions_only_in_extended_tweet_are_stored(name, tweet_id, mentions):
    table, _ = read_file(real_file(name))
    row = rows_by_id(table)[tweet_id]
    assert [(m["user_id"], m["handle"]) for m in row["mentions"]] == mentions


@pytest.mark.parametrize(
    "name, count",
    [
        ("sferik_twitter__premium_search_to.json", 2),
        ("sferik_twitter__premium_search_from.json", 2),
        ("python-twitter__streaming_lines.json", 12),
        ("EmojiMapper__sample_tweets.json", 2),
        ("sferik_twitter__premium_search_point_radius.json", 1),
    ],
)
def test_every_mention_of_extended_tweets_is_stored(name, count):
    table, _ = read_file(real_file(name))
    stored = table.filter(table["collected"])["mentions"].to_pylist()
    only_in_extended = 0
    for raw, mentions in zip(source_tweets(name), stored, strict=True):
        entities = (raw.get("extended_tweet") or raw)["entities"]
        expected = list(
            dict.fromkeys((m["id_str"], m["screen_name"].lower()) for m in entities["user_mentions"])
        )
        assert [(m["user_id"], m["handle"]) for m in mentions] == expected
        short = {m["id_str"] for m in raw["entities"]["user_mentions"]}
        only_in_extended += bool({uid for uid, _ in expected} - short)
    assert only_in_extended == count


def test_extended_full_text_is_the_text():
    table, _ = read_file(real_file("python-twitter__streaming_lines.json"))
    raw = source_tweets("python-twitter__streaming_lines.json")
    texts = table.filter(table["collected"])["text"].to_pylist()
    assert texts == [html.unescape(t["extended_tweet"]["full_text"]) for t in raw]
    table, _ = read_file(real_file("python-twitter__extended_tweet_in_extended_mode.json"))
    assert table["text"][0].as_py().startswith("has more details about these changes.")


def test_pre_2010_tweets_use_numeric_ids():
    table, ctx = read_file(real_file("twitter4j__streamingapi-testcase.json"))
    assert table["tweet_id"].to_pylist() == [6832063504, 6832063500, 6832063502]
    assert table["author_id"].to_pylist() == ["87018638", "59642427", "40477348"]
    assert table["author_handle"].to_pylist() == ["_sabrinaa_", "annamattos12", "indahfarahdiba"]
    expected_time = datetime(2009, 12, 19, 16, 1, 35, tzinfo=UTC)
    assert set(table["created_at"].to_pylist()) == {expected_time}
    assert table["source"].to_pylist() == ["web", "API", "iTweet"]  # "<a href=...>API</a>" and so on
    assert table["mentions"].to_pylist() == [[], [], []]  # no entities; no @ in these texts
    assert ctx.notices == 3  # delete, limit (with a trailing space), scrub_geo
    assert ctx.quarantined == []


def test_tweets_without_entities_take_their_mentions_from_the_text(tmp_path):
    """Pre-2010 tweets have no entities: twitter-text's rule on the text, in the column-wise run
    of ordinary lines and in the row-by-row path (a tweet without id_str) alike."""
    texts = ["RT@Brand thanks", "mail support@brand.com ＠Other", "@brand/list and f!@brand", "@aliceìnheiro"]
    expected = [[(None, "brand")], [(None, "other")], [], []]
    plain = [tweet(str(100 + i), text=text) for i, text in enumerate(texts)]
    for t in plain:
        del t["entities"]
    old_style = [{k: v for k, v in t.items() if k != "id_str"} for t in plain]
    for tweets in (plain, old_style):
        table, ctx = write_and_read(tmp_path, jsonl(*tweets))
        assert not ctx.quarantined
        got = [[(m["user_id"], m["handle"]) for m in ms] for ms in table["mentions"].to_pylist()]
        assert got == expected


def test_user_stream_capture_with_crlf():
    path = real_file("sferik_twitter__track_streaming_user.json")
    assert b"\r\n" in path.read_bytes()
    table, ctx = read_file(path)
    assert table["tweet_id"].to_pylist() == [55709764298092545]
    assert table["author_handle"].to_pylist() == ["sferik"]
    assert ctx.notices == 5  # friends, direct_message, event, delete, warning


def test_retweets_point_at_their_original():
    table, _ = read_file(real_file("python-twitter__get_user_timeline_count.json"))
    collected = table.filter(table["collected"])
    retweets = collected.filter(pc.is_valid(collected["retweet_of_id"]))
    assert retweets.num_rows == 35
    assert pc.all(retweets["is_retweet"]).as_py()
    context_ids = set(rows_by_id(table, collected=False))
    assert set(retweets["retweet_of_id"].to_pylist()) <= context_ids


# ---------------------------------------------------------------------------------------------
# Small hand-made inputs


def test_bad_json_line_is_quarantined_with_its_line_number(tmp_path):
    content = jsonl(
        tweet("1050118621198921728"),
        '{"id_str": "1050118621198921729", "created_at": ',
        tweet("1050118621198921730"),
    )
    table, ctx = write_and_read(tmp_path, content)
    assert table["tweet_id"].to_pylist() == [1050118621198921728, 1050118621198921730]
    [entry] = ctx.quarantined
    assert entry.line == 2
    assert entry.reason.startswith("invalid JSON")
    assert entry.raw == '{"id_str": "1050118621198921729", "created_at": '


def test_float_id_without_id_str_is_quarantined(tmp_path):
    bad = tweet()
    del bad["id_str"]
    bad["id"] = 1.0501186211989217e18
    table, ctx = write_and_read(tmp_path, jsonl(tweet(), bad))
    assert table.num_rows == 1
    [entry] = ctx.quarantined
    assert entry.line == 2
    assert "float" in entry.reason and "id_str" in entry.reason


def test_float_id_beside_id_str_is_harmless(tmp_path):
    table, ctx = write_and_read(tmp_path, jsonl(tweet(id=1.0501186211989217e18)))
    assert table["tweet_id"].to_pylist() == [1050118621198921728]
    assert ctx.quarantined == []


def test_tweet_without_created_at_is_quarantined(tmp_path):
    # The snowflake id would give the time, but an object without created_at is not a tweet as
    # the API writes it; quarantining says so instead of guessing.
    bad = tweet()
    del bad["created_at"]
    table, ctx = write_and_read(tmp_path, jsonl(tweet(), bad))
    assert table.num_rows == 1
    assert [(q.line, q.reason) for q in ctx.quarantined] == [(2, "missing created_at")]


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"created_at": "2018-10-10T20:19:24Z"}, "unrecognised created_at"),
        ({"id_str": "12ab"}, "id_str is not a tweet id"),
        ({"id_str": "9223372036854775808"}, "id_str is not a tweet id"),  # beyond int64
        ({"in_reply_to_status_id_str": "x"}, "in_reply_to_status_id_str is not a tweet id"),
        ({"text": 5}, "unexpected value in a tweet: field text is an integer, not text or null"),
        ({"user": "someone"}, "unexpected value in a tweet: field user is text, not an object or null"),
        ({"entities": {"user_mentions": [{"screen_name": False}]}},
         "unexpected value in a tweet: field entities.user_mentions[0].screen_name is true or false, "
         "not text or null"),
    ],
)
def test_unusable_fields_are_quarantined_with_the_reason(tmp_path, fields, reason):
    bad = tweet("1050118621198921729")
    bad.update(fields)
    table, ctx = write_and_read(tmp_path, jsonl(tweet(), bad))
    assert table.num_rows == 1
    [entry] = ctx.quarantined
    assert entry.line == 2
    assert entry.reason.startswith(reason)


def test_fields_map_to_columns(tmp_path):
    reply = tweet(
        "1050118621198921729",
        text="@Brand it is broken &amp; slow &lt;3",
        in_reply_to_status_id=1050118621198921700,
        in_reply_to_status_id_str="1050118621198921728",
        in_reply_to_user_id=99,
        in_reply_to_user_id_str="99",
        in_reply_to_screen_name="Brand",
        entities={
            "user_mentions": [
                {"id_str": "99", "screen_name": "Brand"},
                {"id_str": "99", "screen_name": "brand"},
            ]
        },
        lang="en",
        source='<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>',
    )
    table, ctx = write_and_read(tmp_path, jsonl(reply))
    [row] = table.to_pylist()
    assert row == dict(
        tweet_id=1050118621198921729,
        created_at=datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC),
        author_id="12",
        author_handle="someone",
        text="@Brand it is broken & slow <3",
        in_reply_to_tweet_id=1050118621198921728,
        in_reply_to_user_id="99",
        in_reply_to_handle="brand",
        conversation_id=None,
        retweet_of_id=None,
        quote_of_id=None,
        is_retweet=False,
        mentions=[{"user_id": "99", "handle": "brand"}],
        lang="en",
        source="Twitter for iPhone",
        inbound=None,
        collected=True,
        source_file=str(tmp_path / "input.json"),
    )


def test_retweet_of_a_quote_gives_two_context_rows(tmp_path):
    quoted = tweet("1050118621198921001", text="original")
    quote = tweet(
        "1050118621198921002", text="look", quoted_status_id_str=quoted["id_str"], quoted_status=quoted
    )
    retweet = tweet("1050118621198921003", text="RT @someone: look", retweeted_status=quote)
    table, ctx = write_and_read(tmp_path, jsonl(retweet))
    [collected] = table.filter(table["collected"]).to_pylist()
    assert collected["retweet_of_id"] == 1050118621198921002
    assert collected["is_retweet"] is True
    context = rows_by_id(table, collected=False)
    assert sorted(context) == [1050118621198921001, 1050118621198921002]
    assert context[1050118621198921002]["quote_of_id"] == 1050118621198921001
    assert context[1050118621198921001]["text"] == "original"
    assert ctx.notices == 0 and ctx.quarantined == []


def test_unreadable_embedded_tweet_is_left_out(tmp_path):
    quoted = tweet("1050118621198921001")
    del quoted["created_at"]
    table, ctx = write_and_read(tmp_path, jsonl(tweet(quoted_status=quoted)))
    assert table["collected"].to_pylist() == [True]
    assert table["quote_of_id"].to_pylist() == [1050118621198921001]
    assert ctx.quarantined == []


def test_strict_mode_raises(tmp_path):
    with pytest.raises(QuarantineError, match=r"input.json:2: cannot parse record: invalid JSON"):
        write_and_read(tmp_path, jsonl(tweet(), "{oops"), strict=True)


def test_bom_and_crlf(tmp_path):
    content = (
        b"\xef\xbb\xbf"
        + jsonl(tweet(), {"limit": {"track": 5}}, tweet("1050118621198921729")).replace("\n", "\r\n").encode()
    )
    table, ctx = write_and_read(tmp_path, content)
    assert table["tweet_id"].to_pylist() == [1050118621198921728, 1050118621198921729]
    assert ctx.notices == 1 and ctx.quarantined == []


def test_blank_lines_are_not_records(tmp_path):
    table, ctx = write_and_read(tmp_path, "\n  \n" + jsonl(tweet()) + "\r\n\t\n" + jsonl("{bad"))
    assert table.num_rows == 1
    assert [q.line for q in ctx.quarantined] == [6]


def test_every_notice_kind_is_one_notice(tmp_path):
    notices = [
        {"delete": {"status": {"id": 1, "id_str": "1", "user_id": 2}}},
        '{"limit":{"track":121564}} ',
        {"scrub_geo": {"user_id": 1, "up_to_status_id": 5}},
        {"warning": {"code": "FALLING_BEHIND", "percent_full": 60}},
        {"friends": [1, 2]},
        {"friends_str": ["1", "2"]},
        {"event": "follow", "source": {"id": 1}, "target": {"id": 2}, "created_at": DATE},
        {"direct_message": {"id": 3, "text": "hi"}},
        {"status_withheld": {"id": 4, "withheld_in_countries": ["DE"]}},
        {"user_withheld": {"id": 5, "withheld_in_countries": ["DE"]}},
        {"disconnect": {"code": 4, "reason": "stall"}},
    ]
    table, ctx = write_and_read(tmp_path, jsonl(tweet(), *notices))
    assert table.num_rows == 1
    assert ctx.notices == len(notices)
    assert ctx.quarantined == []


def test_v2_and_unknown_objects_are_quarantined(tmp_path):
    v2_page = {"data": [{"id": "1", "text": "x"}], "includes": {}}
    v2_flat = {
        "id": "1050118621198921729",
        "text": "x",
        "author_id": "1",
        "edit_history_tweet_ids": ["1"],
        "created_at": "2018-10-10T20:19:24.000Z",
    }
    table, ctx = write_and_read(tmp_path, jsonl(tweet(), v2_page, v2_flat, {"foo": 1}, [1, 2], "null"))
    assert table.num_rows == 1
    assert [(q.line, q.reason) for q in ctx.quarantined] == [
        (2, V2_REASON),
        (3, V2_REASON),
        (4, UNKNOWN_REASON),
        (5, "not a JSON object but an array"),
        (6, "not a JSON object but the literal null"),
    ]


def test_pretty_printed_array(tmp_path):
    content = json.dumps([tweet(), tweet("1050118621198921729", text="x &gt; y")], indent="\t")
    table, ctx = write_and_read(tmp_path, content)
    assert table["tweet_id"].to_pylist() == [1050118621198921728, 1050118621198921729]
    assert table["text"].to_pylist() == ["hello", "x > y"]
    assert ctx.quarantined == []


def test_document_elements_are_quarantined_with_their_line(tmp_path):
    bad = tweet("1050118621198921729")
    del bad["created_at"]
    content = json.dumps([tweet(), bad, 7, tweet("1050118621198921730")], indent=2)
    table, ctx = write_and_read(tmp_path, content)
    assert table.num_rows == 2
    starts = [number for number, line in enumerate(content.splitlines(), 1) if line in ("  {", "  7,")]
    assert [(q.line, q.reason) for q in ctx.quarantined] == [
        (starts[1], "missing created_at"),
        (starts[2], "not a JSON object but a number"),
    ]


@pytest.mark.parametrize("key", ["statuses", "results"])
def test_search_responses(tmp_path, key):
    response = {
        "search_metadata": {"count": 2},
        key: [tweet(), {"delete": {}}, tweet("1050118621198921729")],
        "next": "abc",
    }
    for content in (json.dumps(response), json.dumps(response, indent=2)):
        table, ctx = write_and_read(tmp_path, content)
        assert table.num_rows == 2
        assert ctx.notices == 1 and ctx.quarantined == []


def test_an_empty_search_response_is_one_notice(tmp_path):
    for content in (
        json.dumps({"statuses": [], "search_metadata": {}}),
        json.dumps({"results": []}, indent=1),
    ):
        table, ctx = write_and_read(tmp_path, content)
        assert table.num_rows == 0
        assert ctx.notices == 1 and ctx.quarantined == []


def test_single_and_concatenated_pretty_objects(tmp_path):
    table, ctx = write_and_read(tmp_path, json.dumps(tweet(), indent=2))
    assert table.num_rows == 1 and ctx.quarantined == []
    content = (
        json.dumps(tweet(), indent=2)
        + "\n"
        + json.dumps({"statuses": [tweet("1050118621198921729")]}, indent=2)
    )
    table, ctx = write_and_read(tmp_path, content + json.dumps(tweet("1050118621198921730"), indent=2))
    assert table["tweet_id"].to_pylist() == [1050118621198921728, 1050118621198921729, 1050118621198921730]
    assert ctx.quarantined == []


def test_broken_document_quarantines_the_rest_as_one_record(tmp_path, locator):
    content = json.dumps([tweet(), tweet("1050118621198921729"), tweet("1050118621198921730")], indent=2)
    cut = content[: content.index('"1050118621198921730"')]
    table, ctx = write_and_read(tmp_path, cut)
    assert table["tweet_id"].to_pylist() == [1050118621198921728, 1050118621198921729]
    [entry] = ctx.quarantined
    assert entry.reason.startswith("broken JSON document (the data ends inside a value)")
    assert entry.line == cut.count("\n", 0, cut.rindex("{")) + 1
    assert entry.raw.startswith("{")
    broken = content.replace('"text": "hello"', '"text": hello', 1)
    table, ctx = write_and_read(tmp_path, broken)
    assert table.num_rows == 0
    at = broken.index("hello") - broken.index("{") + 1  # counted from the start of the element
    assert ctx.quarantined[0].reason == (f"broken JSON document (invalid JSON at byte {at}: unexpected "
                                         "character 'h'); the rest of the document cannot be read")


@pytest.fixture(params=["msgspec", "kwo"])
def locator(request, monkeypatch):
    """The document reader runs with either way of finding where a JSON value ends: msgspec's
    error position (when this msgspec words it as kwo expects) or kwo's own scanner."""
    if request.param == "msgspec" and not scanner._msgspec_locates():
        pytest.skip("this msgspec words its errors differently: the reader uses kwo's own scanner only")
    monkeypatch.setattr(scanner, "MSGSPEC_LOCATES", request.param == "msgspec")
    return request.param


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.sampled_from(list('ab"\\/{}[],:\u00e9\U0001f600\n ')), max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(value=_json_values, indent=st.sampled_from([None, 1]), after=st.sampled_from([b"", b" ", b"\n ,", b"]"]))
def test_own_scanner_finds_value_ends_as_msgspec_does(value, indent, after):
    # Every prefix too: a cut inside a value must read as "goes on in the next chunk" (None).
    data = json.dumps(value, indent=indent).encode() + after
    if not scanner._msgspec_locates():
        pytest.skip("this msgspec words its errors differently: nothing to compare with")
    for end in range(1, len(data) + 1):
        chunk = data[:end]
        scanner.MSGSPEC_LOCATES = True
        try:
            expected = scanner._size_of_first_value(chunk)
        finally:
            scanner.MSGSPEC_LOCATES = scanner._msgspec_locates()
        assert scanner._scan_first_value(chunk) == expected, chunk


@pytest.mark.parametrize("broken", [b'{"a": hello}', b'[1, 2,, 3]', b'{"a" 1}', b'[01]', b'"\x01"'])
def test_own_scanner_refuses_broken_values(broken):
    with pytest.raises(scanner._SyntaxError):
        scanner._scan_first_value(broken + b" ,")


def test_chunk_boundaries_anywhere(locator):
    doc = [
        tweet(),
        12345678,
        -1.5e3,
        "a string",
        True,
        None,
        [],
        {},
        tweet("1050118621198921729", text='x\\y"z'),
        {"results": [1]},
        tweet("1050118621198921730"),
    ]
    data = (
        json.dumps(doc, indent=1).encode()
        + b"\n"
        + json.dumps({"statuses": [tweet("1050118621198921731")]}).encode()
    )
    for step in (1, 2, 3, 7, 64):
        table, ctx = read_stream(Trickle(data, step))
        assert table["tweet_id"].to_pylist() == [
            1050118621198921728,
            1050118621198921729,
            1050118621198921730,
            1050118621198921731,
        ]
        assert table["text"][1].as_py() == 'x\\y"z'
        assert len(ctx.quarantined) == 8  # six non-objects, {} ...
        assert ctx.quarantined[-1].reason == "not a JSON object but a number"  # ... and the 1 in results


def test_lone_surrogate_escape_keeps_the_tweet(tmp_path):
    # Twitter cut some texts in the middle of an emoji's surrogate pair.
    text = '"RT @a: so good \\ud83d\u2026"'
    line = json.dumps(tweet()).replace('"hello"', text)
    table, ctx = write_and_read(
        tmp_path, line + "\n" + line.replace("1050118621198921728", "1050118621198921729")
    )
    assert table["text"].to_pylist() == ["RT @a: so good \ufffd\u2026"] * 2
    assert ctx.quarantined == []
    table, ctx = read_stream(Trickle(("[" + line + "," + line + "]").encode(), 5))
    assert table.num_rows == 2 and ctx.quarantined == []


def test_invalid_utf8_is_quarantined(tmp_path):
    line = json.dumps(tweet()).replace("hello", "hel\udcff").encode("utf-8", "surrogateescape")
    table, ctx = write_and_read(tmp_path, jsonl(tweet()).encode() + line + b"\n")
    assert table.num_rows == 1
    at = line.index(b"\xff") + 1
    assert (ctx.quarantined[0].line, ctx.quarantined[0].reason) == (2, f"invalid UTF-8 at byte {at}")


def test_a_cut_first_line_does_not_make_a_document(tmp_path):
    # e.g. the second piece of `split -b`: starts in the middle of a line
    content = 'xt": "cut", "lang": "en"}\n' + jsonl(tweet(), tweet("1050118621198921729"))
    table, ctx = read_stream(io.BytesIO(content.encode()))
    assert table.num_rows == 2
    assert [q.line for q in ctx.quarantined] == [1]


def test_deep_nesting_is_quarantined():
    table, ctx = read_stream(io.BytesIO(b"[" * 200_000))
    assert table.num_rows == 0 and len(ctx.quarantined) == 1
    deep = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    table, ctx = read_stream(io.BytesIO(jsonl(tweet()).encode() + deep + b"\n"))
    assert table.num_rows == 1 and [q.line for q in ctx.quarantined] == [2]


def test_batches_never_exceed_batch_rows(tmp_path):
    quoted = tweet("1050118621198921001")
    lines = [tweet(str(1050118621198922000 + i), quoted_status=quoted) for i in range(20)]
    table_path = tmp_path / "input.json"
    table_path.write_text(jsonl(*lines))
    with open_input(str(table_path)) as opened:
        batches = list(read(opened.stream, ReadContext(path="x", batch_rows=7)))
    assert [b.num_rows for b in batches] == [7] * 5 + [5]


def test_quarantined_raw_of_a_response_element(tmp_path):
    table, ctx = write_and_read(tmp_path, json.dumps({"statuses": [tweet(), {"foo": [1]}]}))
    assert [(q.line, q.reason, q.raw) for q in ctx.quarantined] == [(1, UNKNOWN_REASON, '{"foo":[1]}')]


# ---------------------------------------------------------------------------------------------
# Properties

# Keys that steer the reader, plus short random ones. Response keys ("statuses", "results")
# are left out: a response holds several records, which would spoil the line count below.
KEYS = st.sampled_from(
    [
        "id",
        "id_str",
        "created_at",
        "user",
        "screen_name",
        "text",
        "full_text",
        "entities",
        "user_mentions",
        "extended_tweet",
        "retweeted_status",
        "quoted_status",
        "quoted_status_id_str",
        "in_reply_to_status_id",
        "in_reply_to_status_id_str",
        "in_reply_to_user_id",
        "source",
        "lang",
        "delete",
        "limit",
        "data",
        "author_id",
    ]
) | st.text(max_size=5)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.just(DATE)
    | st.from_regex(r"[1-9][0-9]{0,19}", fullmatch=True)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=30,
)
TWEETISH = st.fixed_dictionaries(
    {
        "id_str": st.from_regex(r"[1-9][0-9]{0,18}", fullmatch=True) | SCALARS,
        "created_at": st.just(DATE) | SCALARS,
    },
    optional={
        "user": JSON_VALUES,
        "text": SCALARS,
        "entities": JSON_VALUES,
        "retweeted_status": JSON_VALUES,
        "quoted_status": JSON_VALUES,
        "extended_tweet": JSON_VALUES,
        "source": SCALARS,
    },
)
OBJECTS = st.dictionaries(KEYS, JSON_VALUES, max_size=6) | TWEETISH


def records_seen(table: pa.Table, ctx: ReadContext) -> int:
    return table["collected"].to_pylist().count(True) + ctx.notices + len(ctx.quarantined)


@settings(max_examples=200, deadline=None)
@given(first=OBJECTS, rest=st.lists(OBJECTS | JSON_VALUES, max_size=8))
def test_every_line_is_accounted_for(first, rest):
    lines = [json.dumps(v) for v in [first, *rest]]
    table, ctx = read_stream(io.BytesIO("\n".join(lines).encode()))
    assert records_seen(table, ctx) == len(lines)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(OBJECTS | JSON_VALUES, max_size=8),
    indent=st.sampled_from([None, 1, "\t"]),
    step=st.integers(1, 40),
)
def test_every_array_element_is_accounted_for(values, indent, step):
    data = json.dumps(values, indent=indent).encode()
    table, ctx = read_stream(Trickle(data, step))
    assert records_seen(table, ctx) == len(values)


@settings(max_examples=200, deadline=None)
@given(
    data=st.binary(max_size=300)
    | st.lists(
        st.sampled_from(
            [b"{", b"}", b"[", b"]", b'"', b"\\", b",", b":", b"\n", b" ", b"1", b'"id_str"', b'"a"']
        ),
        max_size=60,
    ).map(b"".join),
    step=st.integers(1, 40),
)
def test_arbitrary_bytes_never_raise(data, step):
    table, ctx = read_stream(Trickle(data, step))  # not even a KwoError: no --strict here
    assert table.schema == TWEET_SCHEMA
    # Input with nothing in it holds no record: whitespace, a UTF-8 BOM, empty arrays (a search
    # dump of no tweets). Anything else is at least one record: a tweet, a notice or a quarantine.
    empty = re.sub(rb"\[\s*\]", b"", data.removeprefix(b"\xef\xbb\xbf"))
    assert re.fullmatch(rb"\s*", empty) or records_seen(table, ctx) >= 1
