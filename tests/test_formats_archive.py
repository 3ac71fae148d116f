"""The account-archive reader (data/tweets.js and kin) on real archives and on crafted input."""

from __future__ import annotations

import gzip
import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kwo.errors import InputError, KwoError, QuarantineError, UnknownFormatError
from kwo.formats import ReadContext
from kwo.formats.account_archive import NO_OWNER, read
from tests import readers
from tests.conftest import REALDATA, REALDATA_MISSING

ARCHIVE = REALDATA / "archive"

# Counted without kwo (json module over the text after "="). records = tweets + notices + quarantined.
EXPECTED = {
    "andreruffert__tweets.js": dict(
        tweets=1986,
        distinct_tweets=1986,
        context=0,
        distinct_context_new=0,
        notices=0,
        quarantined=0,
        records=1986,
    ),
    "milahu104__tweets.js": dict(
        tweets=2045,
        distinct_tweets=2045,
        context=0,
        distinct_context_new=0,
        notices=0,
        quarantined=0,
        records=2045,
    ),
    "milahu104__deleted-tweets.js": dict(
        tweets=47, distinct_tweets=47, context=0, distinct_context_new=0, notices=0, quarantined=0, records=47
    ),
}
# The --account handle for each file (its manifest beside it would name the same owner).
ACCOUNT = {
    "andreruffert__tweets.js": "andreruffert",
    "milahu104__tweets.js": "milahu104",
    "milahu104__deleted-tweets.js": "milahu104",
}
OWNER_IDS = {"andreruffert": "112769581", "milahu104": "1964312974236991488"}

needs_realdata = pytest.mark.skipif(not ARCHIVE.is_dir(), reason=REALDATA_MISSING)


def read_file(path: Path | str, account: str | None = None, **ctx_args) -> tuple[pa.Table, ReadContext]:
    return readers.read_path(read, path, account=account, **ctx_args)


def read_bytes(data: bytes, account: str | None = "owner", **ctx_args) -> tuple[pa.Table, ReadContext]:
    return readers.read_stream(read, data, path="-", account=account, **ctx_args)


counts = readers.counts


def rows_by_id(table: pa.Table) -> dict[int, dict]:
    return {row["tweet_id"]: row for row in table.to_pylist()}


def tweet(tweet_id: str = "1588091220244369409", **fields) -> dict:
    base = {
        "id_str": tweet_id,
        "id": tweet_id,
        "created_at": "Thu Nov 03 08:50:26 +0000 2022",
        "full_text": "hello",
        "entities": {"user_mentions": []},
    }
    return base | fields


def tweets_js(elements: list, name: str = "tweets") -> bytes:
    return (
        f"window.YTD.{name}.part0 = ".encode()
        + json.dumps(elements, indent=2, separators=(",", " : ")).encode()
    )


@pytest.fixture(scope="module")
def andre() -> pa.Table:
    if not ARCHIVE.is_dir():
        pytest.skip(REALDATA_MISSING)
    return read_file(ARCHIVE / "andreruffert__tweets.js")[0]


# ---------------------------------------------------------------------------------------------
# Real archives


@needs_realdata
def test_every_realdata_tweets_file_has_expected_counts():
    assert sorted(p.name for p in ARCHIVE.glob("*tweets.js")) == sorted(EXPECTED) == sorted(ACCOUNT)


@needs_realdata
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_realdata_counts_with_account(name):
    table, ctx = read_file(ARCHIVE / name, account=ACCOUNT[name])
    assert counts(table, ctx) == EXPECTED[name]
    assert table["author_handle"].unique().to_pylist() == [ACCOUNT[name]]
    # the manifest beside the file agrees with --account, so it lends the account id
    assert table["author_id"].unique().to_pylist() == [OWNER_IDS[ACCOUNT[name]]]


@needs_realdata
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_owner_from_the_prefixed_manifest_beside_the_file(name):
    table, ctx = read_file(ARCHIVE / name)
    assert counts(table, ctx) == EXPECTED[name]
    assert table["author_handle"].unique().to_pylist() == [ACCOUNT[name]]
    assert table["author_id"].unique().to_pylist() == [OWNER_IDS[ACCOUNT[name]]]


def test_expected_records_add_up():
    for name, e in EXPECTED.items():
        assert e["records"] == e["tweets"] + e["notices"] + e["quarantined"], name


@needs_realdata
@pytest.mark.parametrize(
    ("name", "retweets"), [("andreruffert__tweets.js", 643), ("milahu104__tweets.js", 239)]
)
def test_retweets_are_found_by_their_text(name, retweets):
    table, _ = read_file(ARCHIVE / name)
    assert pc.sum(table["is_retweet"]).as_py() == retweets
    assert table["retweet_of_id"].null_count == table.num_rows


def test_ids_and_reply_fields_are_exact(andre):
    rows = rows_by_id(andre)
    first = rows[1588091220244369409]  # beyond 2**53: a double would have rounded it
    assert first["created_at"] == datetime(2022, 11, 3, 8, 50, 26, tzinfo=UTC)
    assert first["text"] == "Good morning #LeadDevBerlin \U0001f44b https://t.co/p5Z1ebhgmy"
    assert first["source"] == "Twitter for iPhone" and first["lang"] == "en"
    reply = rows[1587920147083591680]
    assert (reply["in_reply_to_tweet_id"], reply["in_reply_to_user_id"], reply["in_reply_to_handle"]) == (
        1587919612078739456,
        "117538605",
        "olemchls",
    )
    old_style = rows[1381525267932401665]  # @-reply without a parent status
    assert (old_style["in_reply_to_tweet_id"], old_style["in_reply_to_user_id"]) == (None, "36617408")
    assert len(andre["in_reply_to_tweet_id"].drop_null()) == 485
    assert (
        pc.sum(
            pc.and_(andre["in_reply_to_tweet_id"].is_null(), andre["in_reply_to_user_id"].is_valid())
        ).as_py()
        == 68
    )


def test_html_entities_are_unescaped_and_mentions_come_from_entities(andre):
    row = rows_by_id(andre)[855325441820737536]  # raw: "... around @CSSconfeu &amp; @jsconfeu 🙀"
    assert (
        row["text"]
        == "RT @berlinjs: Check out @wwwtfberlin: So many events going on in May around @CSSconfeu & @jsconfeu \U0001f640"
    )
    assert row["is_retweet"] is True
    assert row["mentions"] == [
        {"user_id": "93908202", "handle": "berlinjs"},
        {"user_id": "3130639150", "handle": "wwwtfberlin"},
        {"user_id": "1433730475", "handle": "cssconfeu"},
        {"user_id": "64462097", "handle": "jsconfeu"},
    ]


def test_unknown_mention_id_minus_one_keeps_the_handle(andre):
    row = rows_by_id(andre)[752531466081501184]  # user_mentions id_str "-1" for @czaplic
    assert row["mentions"][0] == {"user_id": None, "handle": "czaplic"}


@needs_realdata
def test_deleted_tweets_are_read_as_tweets():
    table, _ = read_file(ARCHIVE / "milahu104__deleted-tweets.js")
    assert len(table["in_reply_to_tweet_id"].drop_null()) == 43
    assert pc.sum(table["is_retweet"]).as_py() == 4


# ---------------------------------------------------------------------------------------------
# The owner


@needs_realdata
def test_tweets_js_alone_needs_account(tmp_path):
    alone = tmp_path / "tweets.js"
    shutil.copy(ARCHIVE / "andreruffert__tweets.js", alone)
    with pytest.raises(InputError) as err:
        read_file(alone)
    assert str(err.value) == f"{alone}: {NO_OWNER}"
    assert NO_OWNER == "account archive without manifest.js or account.js beside it; pass --account HANDLE"
    table, _ = read_file(alone, account="@AndreRuffert")
    assert table.num_rows == 1986
    assert table["author_handle"].unique().to_pylist() == ["andreruffert"]
    assert table["author_id"].unique().to_pylist() == [None]


@needs_realdata
@pytest.mark.parametrize("sibling", ["account.js", "manifest.js"])
def test_owner_from_plain_sibling(tmp_path, sibling):
    (tmp_path / "tweets.js").write_bytes(tweets_js([{"tweet": tweet()}]))
    shutil.copy(ARCHIVE / f"andreruffert__{sibling}", tmp_path / sibling)
    table, _ = read_file(tmp_path / "tweets.js")
    assert table.select(["author_id", "author_handle"]).to_pylist() == [
        {"author_id": "112769581", "author_handle": "andreruffert"}
    ]


@needs_realdata
def test_owner_beside_a_compressed_part_file(tmp_path):
    (tmp_path / "x__tweets-part1.js.gz").write_bytes(
        gzip.compress(tweets_js([{"tweet": tweet()}], name="tweets"))
    )
    shutil.copy(ARCHIVE / "milahu104__manifest.js", tmp_path / "x__manifest.js")
    table, _ = read_file(tmp_path / "x__tweets-part1.js.gz")
    assert table.select(["author_id", "author_handle"]).to_pylist() == [
        {"author_id": "1964312974236991488", "author_handle": "milahu104"}
    ]


@needs_realdata
def test_account_not_matching_the_manifest_takes_no_id(tmp_path):
    (tmp_path / "x__tweets.js").write_bytes(tweets_js([{"tweet": tweet()}]))
    shutil.copy(ARCHIVE / "milahu104__manifest.js", tmp_path / "x__manifest.js")
    table, _ = read_file(tmp_path / "x__tweets.js", account="someone")
    assert table.select(["author_id", "author_handle"]).to_pylist() == [
        {"author_id": None, "author_handle": "someone"}
    ]


def test_malformed_sibling_manifest_is_no_owner(tmp_path):
    (tmp_path / "tweets.js").write_bytes(tweets_js([{"tweet": tweet()}]))
    (tmp_path / "manifest.js").write_text("window.__THAR_CONFIG = {broken")
    with pytest.raises(InputError, match="pass --account HANDLE"):
        read_file(tmp_path / "tweets.js")


def test_stdin_needs_account():
    with pytest.raises(InputError, match="pass --account HANDLE"):
        read_bytes(tweets_js([{"tweet": tweet()}]), account=None)


@needs_realdata
@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("andreruffert__manifest.js", "manifest"),
        ("milahu104__manifest.js", "manifest"),
        ("andreruffert__account.js", "account"),
    ],
)
def test_manifest_or_account_file_as_input_is_refused(name, what):
    with pytest.raises(UnknownFormatError) as err:
        read_file(ARCHIVE / name)
    message = str(err.value)
    assert message.startswith(f"{ARCHIVE / name}: ") and f"archive {what} file, not tweets" in message
    assert "tweets.js" in message


def test_other_archive_data_is_refused():
    with pytest.raises(UnknownFormatError, match="YTD.like data"):
        read_bytes(b'window.YTD.like.part0 = [{"like": {"tweetId": "1"}}]')


def test_no_assignment_is_an_unknown_format():
    with pytest.raises(UnknownFormatError, match="assignment"):
        read_bytes(b"[" + b" " * 2000 + b"]")


# ---------------------------------------------------------------------------------------------
# Crafted input


def test_older_archive_form_with_bare_tweet_objects():
    data = tweets_js(
        [tweet("20", full_text="RT @jack: hi &lt;b&gt;", in_reply_to_status_id_str="")], name="tweet"
    )
    table, ctx = read_bytes(data)
    [row] = table.to_pylist()
    assert (row["tweet_id"], row["text"], row["is_retweet"], row["in_reply_to_tweet_id"]) == (
        20,
        "RT @jack: hi <b>",
        True,
        None,
    )
    assert (row["author_id"], row["author_handle"], row["collected"], row["inbound"]) == (
        None,
        "owner",
        True,
        None,
    )
    assert not ctx.quarantined


def test_bad_elements_are_quarantined_and_neighbours_kept():
    elements = [
        {"tweet": tweet("1")},
        {"tweet": tweet("2", created_at="yesterday")},
        "not a tweet",
        {"tweet": tweet("3", id_str=3.5, id=3.5)},
        {"tweet": tweet("4", entities={"user_mentions": [{"screen_name": ["x"]}]})},
        {"tweet": tweet("5", id_str="99999999999999999999")},
        {"tweet": {"id_str": "6"}},
        {"tweet": tweet("7")},
    ]
    table, ctx = read_bytes(tweets_js(elements))
    assert table["tweet_id"].to_pylist() == [1, 7]
    reasons = [q.reason for q in ctx.quarantined]
    assert [r.split(":")[0] for r in reasons] == [
        "element 2",
        "element 3",
        "element 4",
        "element 5",
        "element 6",
        "element 7",
    ]
    assert "created_at" in reasons[0] and "not a tweet object" in reasons[1] and "out of range" in reasons[4]
    assert all(q.line is None for q in ctx.quarantined)
    assert json.loads(ctx.quarantined[0].raw) == elements[1]


def test_json_syntax_error_quarantines_the_rest_once():
    good = tweets_js([{"tweet": tweet("1")}, {"tweet": tweet("2")}])
    broken = good[:-1] + b', {"tweet" : {"id_str" : "3",, }}, {"tweet" : {}} ]'
    table, ctx = read_bytes(broken)
    assert table["tweet_id"].to_pylist() == [1, 2]
    [entry] = ctx.quarantined
    assert entry.reason == "JSON syntax error after element 2; the rest of the file is not read"
    assert entry.raw == '{"tweet" : {"id_str" : "3",, }}, {"tweet" : {}} ]'  # the data from where it broke


def test_truncated_file_keeps_what_came_before():
    data = tweets_js([{"tweet": tweet(str(i))} for i in range(1, 4)])
    table, ctx = read_bytes(data[: data.rindex(b'"id_str"')])
    assert table["tweet_id"].to_pylist() == [1, 2]
    assert len(ctx.quarantined) == 1 and "after element 2" in ctx.quarantined[0].reason


def test_not_an_array_is_one_quarantined_record():
    table, ctx = read_bytes(b'window.YTD.tweets.part0 = {"tweet": {}}')
    assert table.num_rows == 0
    [entry] = ctx.quarantined
    assert entry.reason == "expected a JSON array after '='" and entry.raw == ' {"tweet": {}}'


def test_strict_mode_raises():
    with pytest.raises(QuarantineError):
        read_bytes(tweets_js([{"tweet": tweet("1")}, 5]), strict=True)


def test_batches_respect_batch_rows():
    data = tweets_js([{"tweet": tweet(str(i))} for i in range(1, 26)])
    ctx = ReadContext(path="-", account="owner", batch_rows=10)
    sizes = [b.num_rows for b in read(io.BufferedReader(io.BytesIO(data)), ctx)]
    assert sizes == [10, 10, 5]


# ---------------------------------------------------------------------------------------------
# Properties

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=12,
)
_id = st.one_of(st.integers(-5, 2**64).map(str), st.integers(-5, 2**64), _json)
_mention = st.fixed_dictionaries({}, optional={"id_str": _id, "screen_name": _json | st.text(max_size=15)})
_tweetish = st.fixed_dictionaries(
    {},
    optional={
        "id_str": _id,
        "created_at": st.sampled_from(["Thu Nov 03 08:50:26 +0000 2022", "Thu Nov 99 08:50:26 +0000 2022"])
        | _json,
        "full_text": st.text(max_size=30) | _json,
        "entities": st.fixed_dictionaries(
            {}, optional={"user_mentions": st.lists(_mention, max_size=3) | _json}
        )
        | _json,
        "in_reply_to_status_id_str": _id,
        "in_reply_to_user_id_str": _id,
        "in_reply_to_screen_name": st.text(max_size=15) | _json,
        "lang": _json,
        "source": _json,
    },
)
_element = st.one_of(_json, _tweetish, _tweetish.map(lambda t: {"tweet": t}))


@settings(max_examples=200, deadline=None)
@given(elements=st.lists(_element, max_size=6))
def test_arbitrary_json_elements_are_all_accounted_for(elements):
    table, ctx = read_bytes(tweets_js(elements))
    assert table.num_rows + len(ctx.quarantined) == len(elements)


@settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=300))
def test_arbitrary_bytes_after_the_assignment_never_crash(body):
    try:
        read_bytes(b"window.YTD.tweets.part0 = " + body)
    except KwoError:
        pass
