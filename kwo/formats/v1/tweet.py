"""One v1.1 tweet: the msgspec projection of the fields kwo stores, the record kinds (tweet,
notice, response, v2 record) and the helpers that read ids, user ids, mentions and dates."""

from __future__ import annotations

import re

import msgspec

from ...schema import (
    distinct_mentions,
)
from ..text_mentions import mentions_from_text

V2_REASON = "API v2 record in a v1.1 file (ingest it separately with --format v2)"
UNKNOWN_REASON = "not a v1.1 tweet or stream notice"

# Top-level keys of stream notices: each such line is one record, counted as a notice.
NOTICE_KEYS = frozenset(
    "delete limit scrub_geo warning friends friends_str event direct_message status_withheld"
    " user_withheld disconnect control".split()
)
# Keys only API v2 records carry (a v1.1 tweet never has them).
V2_KEYS = frozenset({"data", "author_id", "edit_history_tweet_ids"})
# Search (``statuses``) and premium search (``results``) responses: the list holds the records.
RESPONSE_KEYS = frozenset({"statuses", "results"})
# An object with one of these but no usable id is a broken tweet rather than an unknown object.
TWEET_KEYS = frozenset({"id", "created_at", "user", "text", "full_text", "extended_tweet"})

_ID_LIMIT = 2**63  # tweet ids are int64 columns


# ---------------------------------------------------------------------------------------------
# The projection: only the fields that become columns. Unknown fields are skipped by msgspec
# without being built, which is where the speed comes from. gc=False: these never form cycles.


class _Mention(msgspec.Struct, gc=False):
    id_str: str | None = None
    id: int | float | str | None = None
    screen_name: str | None = None


class _Entities(msgspec.Struct, gc=False):
    user_mentions: list[_Mention] | None = None


class _Extended(msgspec.Struct, gc=False):
    full_text: str | None = None
    entities: _Entities | None = None


class _User(msgspec.Struct, gc=False):
    id_str: str | None = None
    id: int | float | str | None = None
    screen_name: str | None = None


class _Tweet(msgspec.Struct, gc=False):
    # Numeric ids admit floats so that a rounded id next to a good *_str does not fail the
    # decode; a float is refused only where it would be used (see _id).
    id_str: str | None = None
    id: int | float | str | None = None
    created_at: str | None = None
    user: _User | None = None
    text: str | None = None
    full_text: str | None = None
    extended_tweet: _Extended | None = None
    entities: _Entities | None = None
    in_reply_to_status_id_str: str | None = None
    in_reply_to_status_id: int | float | str | None = None
    in_reply_to_user_id_str: str | None = None
    in_reply_to_user_id: int | float | str | None = None
    in_reply_to_screen_name: str | None = None
    retweeted_status: _Tweet | None = None
    quoted_status: _Tweet | None = None
    quoted_status_id_str: str | None = None
    lang: str | None = None
    source: str | None = None


_decode_tweet = msgspec.json.Decoder(_Tweet).decode
_skip_value = msgspec.json.Decoder(msgspec.Raw).decode


# ---------------------------------------------------------------------------------------------
# Field helpers


def _id(text: str | None, number: int | float | str | None, what: str) -> int | None:
    """A tweet id from ``<what>_str``, else from the numeric ``<what>``; None when absent."""
    if text:
        if text.isascii() and text.isdigit():
            value = int(text)
            if 0 < value < _ID_LIMIT:
                return value
        raise ValueError(f"{what}_str is not a tweet id: {text!r}")
    if number is None:
        return None
    if type(number) is str and number.isascii() and number.isdigit():
        number = int(number)
    if type(number) is int and 0 < number < _ID_LIMIT:
        return number
    if type(number) is float:
        raise ValueError(f"{what} is a float ({number!r}: digits may be lost) and there is no {what}_str")
    raise ValueError(f"{what} is not a tweet id: {number!r}")


def _user_id(text: str | None, number: int | float | str | None, what: str) -> str | None:
    if text:
        return text
    if number is None:
        return None
    if type(number) is int and number >= 0:
        return str(number)
    if type(number) is str:
        return number or None
    raise ValueError(f"{what} is not a user id: {number!r}")


def _mentions(t: _Tweet, text: str | None) -> list[tuple[str | None, str | None]] | None:
    ext = t.extended_tweet
    # extended_tweet.entities is the complete list for a truncated tweet; entities then lacks
    # the mentions beyond the first 140 characters.
    entities = ext.entities if ext is not None and ext.entities is not None else t.entities
    if entities is None:  # pre-2010 tweets have no entities
        return mentions_from_text(text)
    found = entities.user_mentions
    if not found:
        return None
    return distinct_mentions([(_user_id(m.id_str, m.id, "user_mentions.id"), m.screen_name) for m in found])


# parse_twitter_date and source_label together cost about half as much as decoding the whole
# tweet, but a stream capture holds many tweets per second and there are few distinct clients.
_DATES: dict[str, int] = {}
_SOURCES: dict[str | None, str | None] = {}
_UNSEEN = object()  # None is a label too
_MEMO_LIMIT = 1 << 16


def _remember(memo: dict, key, value):
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = value
    return value


# A \u escape of half a surrogate pair: Twitter cut some texts inside an emoji, and msgspec refuses
# these (with varying messages, even "truncated"). Such a tweet is kept with U+FFFD in its place;
# the escape has the same length, so offsets into the data stay valid.
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _without_lone_surrogates(data: bytes | memoryview) -> bytes:
    return _LONE_SURROGATE.sub(rb"\\ufffd", data)  # in a template, \\ is one backslash


def _kind(obj: dict) -> str:
    """What a JSON object is: tweet, notice, response, v2 or unknown."""
    if obj.get("id_str") is not None:
        return "tweet"
    keys = obj.keys()
    if not keys.isdisjoint(V2_KEYS):
        return "v2"
    if not keys.isdisjoint(NOTICE_KEYS):
        return "notice"
    if not keys.isdisjoint(RESPONSE_KEYS):
        return "response"
    if not keys.isdisjoint(TWEET_KEYS):
        return "tweet"
    return "unknown"


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return f"the literal {msgspec.json.encode(value).decode()}"
    return "a number"


def _encode(value: object) -> bytes:
    """The JSON text of a value that has no raw bytes of its own (an element of a response)."""
    try:
        return msgspec.json.encode(value)
    except RecursionError:
        return b"(too deeply nested to show)"
