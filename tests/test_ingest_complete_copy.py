"""Of two collected copies of one tweet, the ingest keeps the most complete: the full text over
the truncated 140-character compatibility copy, whatever the order, within one ingest and
against the archive, with the same counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kwo.archive import Archive
from kwo.engine.duckdb import connect
from kwo.ingest import ingest

COMPAT = "v1/python-twitter__extended_tweet_in_compat_mode.json"
EXTENDED = "v1/python-twitter__extended_tweet_in_extended_mode.json"
TWEET_ID = 782737772490600448


def stored(archive: Path) -> list[tuple]:
    con = connect(archive)
    return con.sql(
        "SELECT tweet_id, text, list_transform(mentions, lambda m: m.handle), source_file FROM tweets ORDER BY tweet_id"
    ).fetchall()


def full_text(realdata: Path) -> str:
    return json.loads((realdata / EXTENDED).read_text())["full_text"]


def counts(result) -> tuple[int, int, int]:
    assert result.records_read == result.tweets_written + result.duplicates + result.notices + result.quarantined
    return result.records_read, result.tweets_written, result.duplicates


def test_the_real_pair_is_one_tweet_truncated_and_complete(realdata):
    compat = json.loads((realdata / COMPAT).read_text())
    extended = json.loads((realdata / EXTENDED).read_text())
    assert int(compat["id_str"]) == int(extended["id_str"]) == TWEET_ID
    assert compat["truncated"] is True and "extended_tweet" not in compat
    assert compat["text"].endswith("pytho\u2026 https://t.co/et3OTOxWSa") and len(compat["text"]) == 140
    assert len(extended["full_text"]) > 140


@pytest.mark.parametrize("order", [(COMPAT, EXTENDED), (EXTENDED, COMPAT)], ids=["compat-first", "extended-first"])
def test_one_ingest_keeps_the_complete_copy_in_either_order(realdata, archive, order):
    result = ingest([str(realdata / name) for name in order], archive)
    assert counts(result) == (2, 1, 1)
    [(tweet_id, text, _, source)] = stored(archive)
    assert (tweet_id, text) == (TWEET_ID, full_text(realdata))
    assert source.endswith(EXTENDED.split("/")[1])


def test_a_later_complete_copy_upgrades_a_truncated_one(realdata, archive, tmp_path):
    first = ingest([str(realdata / COMPAT)], archive)
    assert counts(first) == (1, 1, 0)
    assert stored(archive)[0][1].endswith("\u2026 https://t.co/et3OTOxWSa")
    parts_before = {p["path"] for p in Archive(archive).read_manifest().parts}
    second = ingest([str(realdata / EXTENDED)], archive)
    # the tweet was already stored: the complete copy replaces its columns, and counts as a duplicate
    assert counts(second) == (1, 0, 1)
    after = stored(archive)
    assert [(t, x) for t, x, _, _ in after] == [(TWEET_ID, full_text(realdata))]
    parts_after = {p["path"] for p in Archive(archive).read_manifest().parts}
    assert not parts_before & parts_after  # the part with the truncated copy was rewritten without it
    # ... and the archive is the one the other order makes
    other = tmp_path / "other"
    ingest([str(realdata / EXTENDED)], other)
    third = ingest([str(realdata / COMPAT)], other)
    assert counts(third) == (1, 0, 1)
    assert stored(other) == after


def tweet_json(tweet_id: int, **fields) -> str:
    base = {
        "created_at": "Wed Oct 10 20:19:24 +0000 2018",
        "id": tweet_id,
        "id_str": str(tweet_id),
        "user": {"id": 12, "id_str": "12", "screen_name": "Someone"},
        "entities": {"user_mentions": []},
    }
    base.update(fields)
    return json.dumps(base) + "\n"


LONG = "@alice " + "x" * 150 + " and @Brand please help"
COMPAT_COPY = dict(
    text=LONG[:115] + "\u2026 https://t.co/AbC123",
    truncated=True,
    entities={"user_mentions": [{"id_str": "1", "screen_name": "alice"}]},
)
STREAM_COPY = dict(  # a stream copy of the same tweet: compat text + extended_tweet
    text=LONG[:115] + "\u2026 https://t.co/AbC123",
    truncated=True,
    entities={"user_mentions": [{"id_str": "1", "screen_name": "alice"}]},
    extended_tweet={
        "full_text": LONG,
        "entities": {"user_mentions": [{"id_str": "1", "screen_name": "alice"}, {"id_str": "2", "screen_name": "Brand"}]},
    },
)


@pytest.mark.parametrize("separate_ingests", [False, True], ids=["one-ingest", "two-ingests"])
@pytest.mark.parametrize("compat_first", [True, False], ids=["compat-first", "complete-first"])
def test_mentions_beyond_140_characters_come_from_the_complete_copy(tmp_path, compat_first, separate_ingests):
    compat, complete = tmp_path / "compat.jsonl", tmp_path / "stream.jsonl"
    compat.write_text(tweet_json(5, **COMPAT_COPY))
    complete.write_text(tweet_json(5, **STREAM_COPY))
    files = [str(compat), str(complete)] if compat_first else [str(complete), str(compat)]
    archive = tmp_path / "archive"
    if separate_ingests:
        results = [ingest([f], archive) for f in files]
        assert sum(r.tweets_written for r in results) == 1 and sum(r.duplicates for r in results) == 1
    else:
        assert counts(ingest(files, archive)) == (2, 1, 1)
    [(_, text, handles, _)] = stored(archive)
    assert text == LONG and handles == ["alice", "brand"]


@pytest.mark.parametrize("separate_ingests", [False, True], ids=["one-ingest", "two-ingests"])
def test_copies_that_differ_otherwise_keep_the_first_read(tmp_path, separate_ingests):
    """Neither copy truncated (here an edit of the text): the first one read stays, as before."""
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(tweet_json(7, text="Wait for it\u2026 done"))
    second.write_text(tweet_json(7, text="Wait for it\u2026 done, really"))
    archive = tmp_path / "archive"
    if separate_ingests:
        ingest([str(first)], archive)
        assert counts(ingest([str(second)], archive)) == (1, 0, 1)
    else:
        ingest([str(first), str(second)], archive)
    assert [t for _, t, _, _ in stored(archive)] == ["Wait for it\u2026 done"]


def test_a_truncated_copy_never_replaces_a_complete_one(tmp_path):
    complete, compat = tmp_path / "stream.jsonl", tmp_path / "compat.jsonl"
    complete.write_text(tweet_json(5, **STREAM_COPY))
    compat.write_text(tweet_json(5, **COMPAT_COPY))
    archive = tmp_path / "archive"
    ingest([str(complete)], archive)
    parts = Archive(archive).read_manifest().parts
    before = stored(archive)
    assert counts(ingest([str(compat)], archive)) == (1, 0, 1)
    assert stored(archive) == before and Archive(archive).read_manifest().parts == parts


def test_a_copy_that_does_not_continue_the_text_completes_nothing(realdata, tmp_path):
    """twarc-csv's media-policy pair: the same 100 tweets, retweets "RT @x: …" (truncated as every
    retweet text is) in one file and a withheld-account placeholder in the other. Neither
    continues the other's text, so the first read stays, as before."""
    off = realdata / "v2/twarc-csv__media_policy_violation_off.jsonl"
    on = realdata / "v2/twarc-csv__media_policy_violation_on.jsonl"
    placeholder = "@MariamBarghouti's account is temporarily unavailable because it violates the Twitter Media Policy. Learn more."
    for first, second in ((off, on), (on, off)):
        archive = tmp_path / first.stem
        ingest([str(first), str(second)], archive)
        con = connect(archive)
        texts = dict(con.sql("SELECT tweet_id, text FROM tweets WHERE collected AND retweet_of_id IS NOT NULL").fetchall())
        sources = dict(con.sql("SELECT source_file, count(*) FROM tweets WHERE collected GROUP BY 1").fetchall())
        assert sources == {str(first): 100, str(second): 1}  # one tweet is only context in the first file
        assert len(texts) == 42
        truncated_retweets = sum(t.startswith("RT @") and t.endswith("\u2026") for t in texts.values())
        if first == off:
            assert truncated_retweets == 37 and placeholder not in texts.values()
        else:
            assert truncated_retweets == 0 and placeholder in texts.values()


def test_the_longest_completion_wins_then_the_first_read(tmp_path):
    shorter = dict(STREAM_COPY, extended_tweet={"full_text": LONG[:140], "entities": {"user_mentions": []}})
    files = []
    for name, fields in (("compat", COMPAT_COPY), ("shorter", shorter), ("full", STREAM_COPY), ("full2", STREAM_COPY)):
        files.append(tmp_path / f"{name}.jsonl")
        files[-1].write_text(tweet_json(5, **fields))
    assert counts(ingest([str(f) for f in files], tmp_path / "archive")) == (4, 1, 3)
    [(_, text, _, source)] = stored(tmp_path / "archive")
    assert text == LONG and source == str(files[2])
