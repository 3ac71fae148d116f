"""Hand-made API v1.1 tweet lines and a strategy of generated ones, for the v1 reader's tests
(tests/test_formats_v1_runs.py)."""

from __future__ import annotations

import json

from hypothesis import strategies as st

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

# name -> the lines of one input file
CASES: dict[str, list[bytes]] = {
    "plain tweets and notices": [line(tweet(1)), line({"delete": {"status": {"id": 1, "id_str": "1"}}}),
                                  line({"limit": {"track": 5}}), line(tweet(2))],
    "html entities": [line(tweet(1, text="a &amp; b &lt;3 &gt; &amp;lt; &#39; &copy &ampx &"))],
    "source with entities": [line(tweet(1, source='<a href="x">Tweet&amp;Deck &lt;b&gt;</a>')),
                              line(tweet(2, source="")), line(tweet(3, source="web"))],
    "duplicate mentions": [line(tweet(1, entities={"user_mentions": [
        MENTION, {"screen_name": "kpn", "id_str": "1"}, {"screen_name": "ING", "id_str": "3"},
        {"screen_name": "Ing", "id_str": "3"}, {"screen_name": None, "id_str": None}]}))],
    "no user_mentions key / empty list": [line(tweet(1, entities={})), line(tweet(2, entities={"user_mentions": []}))],
    "no entities (mentions from the text)": [line(tweet(1, entities=None, text="@a @B @a"))],
    "extended_tweet": [line(tweet(1, truncated=True, extended_tweet={
        "full_text": "@KPN long &amp; @ING", "entities": {"user_mentions": [
            MENTION, {"screen_name": "ING", "id_str": "3", "id": 3}]}}))],
    "full_text and empty texts": [line(tweet(1, full_text="full")), line(tweet(2, text="", full_text="")),
                                   line(tweet(3, text=None))],
    "retweet of a quote": [line(tweet(2, text="RT", retweeted_status=RT_OF_QUOTE)), line(RT_OF_QUOTE)],
    "quote with a broken quoted tweet": [line(tweet(1, quoted_status={"id_str": "x"}))],
    "reply": [line(tweet(1, in_reply_to_status_id_str="1000000000000000000", in_reply_to_status_id=10**18,
                          in_reply_to_user_id_str="7", in_reply_to_user_id=7, in_reply_to_screen_name="KPN"))],
    "blank lines": [line(tweet(1)), b"", b"   ", b"\t", line(tweet(2)), b""],
    "CRLF": [line(tweet(1)) + b"\r", line(tweet(2)) + b"\r"],
    "ids near 2**63": [line(tweet(1, id_str=str(2**63 - 1), id=2**63 - 1)),
                        line(tweet(2, id_str=str(2**63), id=2**63))],
    "id 0": [line(tweet(1, id_str="0", id=0))],
    "numbers without _str": [line({k: v for k, v in tweet(1).items() if k != "id_str"})],
    "numeric id_str": [line(tweet(1, id_str=1_000_000_000_000_000_001))],
    "float id beside id_str": [line(tweet(1, id=1.0e18))],  # msgspec takes floats there
    "bad date": [line(tweet(1, created_at="Tue Feb 30 10:00:00 +0000 2016"))],
    "date with an offset": [line(tweet(1, created_at="Tue Mar 01 10:00:00 -0130 2016"))],
    "date before 2006": [line(tweet(1, created_at="Tue Mar 01 10:00:00 +0000 2005"))],
    "date in the future": [line(tweet(1, created_at="Tue Mar 01 10:00:00 +0000 2999"))],
    "missing created_at": [line({k: v for k, v in tweet(1).items() if k != "created_at"})],
    "lone surrogate": [line(tweet(1)), line(tweet(2)).replace(b"hallo", b"\\ud83d hallo")],
    "invalid UTF-8": [line(tweet(1)), line(tweet(2)).replace(b"hallo", b"\xff\xfe")],
    "truncated last line": [line(tweet(1)), line(tweet(2))[:40]],
    "v2 record": [line(tweet(1)), line({"data": {"id": "5", "text": "x"}, "includes": {}})],
    "non-object line": [line(tweet(1)), b"[1, 2]"],
    "null line": [line(tweet(1)), b"null"],
    "unknown object": [line(tweet(1)), line({"hello": 1})],
    "string where a struct is": [line(tweet(1, user="x"))],
    "number where a string is": [line(tweet(1, lang=5))],
    "bool as a numeric id": [line(tweet(1, id=True))],
    "non-ASCII screen name": [line(tweet(1, user={"id_str": "5", "screen_name": "İstanbul"}))],
    "user without ids": [line(tweet(1, user={"screen_name": "x"}))],
    "NUL in a text": [line(tweet(1, text="a\u0000b"))],
    "escapes in a text": [line(tweet(1, text='a "q" \\ / \u00e9 😀 \n'))],
    "duplicate keys": [line(tweet(1))[:-1] + b', "lang": "en"}'],
}


# Generated lines: any subset of a tweet's fields, each of a few kinds of value
_text = st.text(alphabet=st.sampled_from(list("ab @&;lgtmp#é😀\"\\<>")), max_size=20)
_maybe_id = st.one_of(st.none(), st.just(""), st.sampled_from(["1", "0", "007", str(2**63 - 1), "x1"]),
                      st.integers(min_value=0, max_value=2**63 + 5).map(str))
tweet_fields = st.fixed_dictionaries({}, optional={
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
