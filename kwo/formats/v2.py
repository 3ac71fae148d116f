"""Twitter API v2 JSON as written by twarc2: one JSON value a line.

What a line can hold, and what becomes of it (DESIGN.md sections 2 and 5):

* a response page ``{"data": [tweets], "includes": {...}, "meta": ..., "errors": ...}``:
  each tweet in ``data`` is one record and one collected row;
* a filtered-stream line or single lookup: ``data`` is one tweet object (plus ``matching_rules``);
* a flattened line (``twarc2 flatten``): the tweet itself, with ``author`` and expanded
  ``referenced_tweets``;
* other v2 objects (users, lists, count buckets, compliance events, spaces): one notice for each
  element of ``data``, or one for the line when it has no ``data`` (compliance events, a page
  holding only ``errors``/``meta``, an empty ``data`` list).

``includes.tweets`` (the pinned tweets of a users page too) and the expanded referenced tweets of a
flattened line are context rows (``collected=False``), never records. A context tweet that cannot
be parsed is dropped: it is not part of the dump, only a possible reply parent.

Handles come from ``includes.users`` (and the user objects of a users page, for pinned tweets),
else from the ``author`` / ``in_reply_to_user`` objects of flattened lines.

Speed: each line is decoded once into projected msgspec Structs, which skip every field kwo does
not keep without building Python objects for it. Only lines this fast path cannot take whole
(notices, v1.1 objects, records of the wrong shape) are decoded again as plain Python values and
judged element by element; that generic path decides, the fast path only ever agrees with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO, NamedTuple

import msgspec
import pyarrow as pa

from ..schema import (
    distinct_mentions,
    parse_id,
    parse_iso_date,
    snowflake_ms,
    source_label,
    unescape_text,
)
from .base import Format, ReadContext, plausible_time, record_lines, register_format
from .reasons import invalid_json, wrong_type

V1_REASON = "API v1.1 record in a v2 file (ingest it separately with --format v1)"

# Keys of v1.1 stream notices and search responses: such a line belongs to the v1 reader.
_V1_LINE_KEYS = frozenset(
    "delete scrub_geo limit warning status_withheld user_withheld disconnect friends friends_str "
    "event direct_message statuses results".split()
)
# v2 objects that are not tweets: users (username), lists (name), count buckets (tweet_count),
# compliance events (action), spaces (state).
_NOTICE_KEYS = frozenset({"username", "name", "tweet_count", "action", "state"})
# A line without data but with these is a page that found nothing (or only errors).
_PAGE_KEYS = frozenset({"errors", "meta"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)

# The positional arguments of RowBuilder.add, gathered per line before any is added, so that a
# page with one bad tweet can be handed to the generic path without half of it already stored.
Row = tuple


class User(msgspec.Struct, gc=False):
    id: str | None = None
    username: str | None = None


class Mention(msgspec.Struct, gc=False):
    id: str | None = None  # absent from older v2 responses
    username: str | None = None


class Entities(msgspec.Struct, gc=False):
    mentions: list[Mention] | None = None


class NoteTweet(msgspec.Struct, gc=False):
    """The full text (and its entities) of a post longer than 280 characters."""

    text: str | None = None
    entities: Entities | None = None


class Tweet(msgspec.Struct, gc=False):
    """The fields of a v2 tweet that kwo keeps; gc=False because decoded JSON has no cycles."""

    id: str | None = None
    created_at: str | None = None
    text: str | None = None
    note_tweet: NoteTweet | None = None
    author_id: str | None = None
    conversation_id: str | None = None
    in_reply_to_user_id: str | None = None
    referenced_tweets: list[Tweet] | None = None
    type: str | None = None  # on the entries of referenced_tweets
    entities: Entities | None = None
    lang: str | None = None
    source: str | None = None
    author: User | None = None  # flattened lines
    in_reply_to_user: User | None = None  # flattened lines
    # v1.1 markers, only looked at to send such objects to the generic path.
    id_str: Any = None
    user: Any = None


class Includes(msgspec.Struct, gc=False):
    users: list[User] | None = None
    tweets: list[Tweet] | None = None


class Line(Tweet, gc=False):
    """A whole line: a page or stream line (data, includes), or a flattened tweet (Tweet's fields)."""

    data: list[Tweet] | Tweet | None = None
    includes: Includes | None = None


_LINE_DECODER = msgspec.json.Decoder(Line)


class Users(NamedTuple):
    """The users a line names: for author and reply-to handles, and for mention ids."""

    handles: dict[str, str]  # id -> username
    ids: dict[str, str]  # lowercased username -> id


_NO_USERS = Users({}, {})


def _user_maps(pairs: Iterable[tuple[str, str]]) -> Users:
    users = Users({}, {})
    for uid, username in pairs:
        users.handles[uid] = username
        users.ids[username.lower()] = uid
    return users


class _BadRecord(Exception):
    """A tweet that cannot become a row; the message is the quarantine reason."""


def read(stream: BinaryIO, ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    """Yield the tweets of a twarc2 JSON-lines stream as batches of the canonical schema."""
    builder = ctx.builder()
    for rows in _rows_by_line(stream, ctx):
        for row in rows:
            builder.add(*row)
            if builder.full:
                yield builder.flush()
    last = builder.flush()
    if last is not None:
        yield last


def _rows_by_line(stream: BinaryIO, ctx: ReadContext) -> Iterator[list[Row]]:
    decode = _LINE_DECODER.decode
    for lineno, line in record_lines(stream, ctx):
        if not line or line.isspace():
            continue
        try:
            parsed: Line | None = decode(line)
        except msgspec.ValidationError:
            parsed = None  # valid JSON of another shape: the generic path judges it
        except RecursionError:
            ctx.quarantine(lineno, "JSON nested too deeply", line.rstrip(b"\r\n"))
            continue
        except (msgspec.DecodeError, UnicodeDecodeError):
            ctx.quarantine(lineno, invalid_json(line), line.rstrip(b"\r\n"))
            continue
        rows = _fast_rows(parsed) if parsed is not None else None
        yield rows if rows is not None else _generic_rows(line, lineno, ctx)


# ---------------------------------------------------------------------------------------------
# Tweet -> row


def _id(value: str | None, what: str) -> int | None:
    try:
        return parse_id(value)
    except ValueError:
        raise _BadRecord(f"{what} is not a tweet id: {value!r}") from None


def _created_ms(value: str | None, tweet_id: int) -> int:
    if value is not None:
        # v2 dates are always 2021-04-08T19:34:10.000Z; datetime.fromisoformat reads that shape in
        # a fifth of parse_iso_date's time. Anything it refuses gets the slow path's verdict.
        if len(value) == 24 and value[19] == "." and value[23] == "Z" and value[10] in "T ":
            try:
                ms = (datetime.fromisoformat(value) - _EPOCH) // _MS
            except ValueError:
                pass
            else:
                try:
                    return plausible_time(ms, value)
                except ValueError as exc:
                    raise _BadRecord(str(exc)) from None
        return _created_ms_slow(value)
    ms = snowflake_ms(tweet_id)
    if ms is None:
        raise _BadRecord("no created_at, and the id predates snowflake ids so it carries no time")
    try:
        return plausible_time(ms, str(tweet_id), "no created_at, and the time in id")
    except ValueError as exc:
        raise _BadRecord(str(exc)) from None


def _created_ms_slow(value: str) -> int:
    """Any ISO 8601 shape parse_iso_date reads, with real calendar fields and a plausible time."""
    try:
        ms = parse_iso_date(value)
    except ValueError as exc:
        raise _BadRecord(str(exc)) from None
    try:
        # parse_iso_date lets calendar.timegm roll impossible fields over (31 February becomes
        # 3 March, 25:00 the next day): such a date is broken, not a tweet time. The pattern it
        # matched pins the field positions; a leap second (:60) is allowed.
        datetime(int(value[0:4]), int(value[5:7]), int(value[8:10]), int(value[11:13]), int(value[14:16]),
                 min(int(value[17:19]), 59))
    except ValueError:
        raise _BadRecord(f"out-of-range created_at {value!r}") from None
    try:
        return plausible_time(ms, value)
    except ValueError as exc:
        raise _BadRecord(str(exc)) from None


def _mentions(t: Tweet, ids: dict[str, str]) -> list[tuple[str | None, str | None]] | None:
    # A long post's note_tweet entities cover its full text; the top-level ones only the first 280.
    note = t.note_tweet
    ents = note.entities if note is not None and note.entities is not None else None
    if ents is None or ents.mentions is None:
        ents = t.entities
    if ents is None or not ents.mentions:
        return None
    # Page mentions often lack the id; the mentioned users are in includes.users (as twarc2
    # flatten merges them), so a page and its flattened lines give the same mentions.
    return distinct_mentions(
        [
            (m.id if m.id is not None or not m.username else ids.get(m.username.lower()), m.username)
            for m in ents.mentions
        ]
    )


def _row(t: Tweet, users: Users, collected: bool) -> Row:
    tweet_id = _id(t.id, "id")
    if tweet_id is None:
        raise _BadRecord("tweet without an id")
    created_ms = _created_ms(t.created_at, tweet_id)
    author, author_id = t.author, t.author_id
    if author_id is None and author is not None:
        author_id = author.id
    handle = users.handles.get(author_id) if author_id is not None else None
    if handle is None and author is not None:
        handle = author.username
    reply_user_id = t.in_reply_to_user_id
    reply_handle = users.handles.get(reply_user_id) if reply_user_id is not None else None
    if reply_handle is None and t.in_reply_to_user is not None:
        reply_handle = t.in_reply_to_user.username
    reply_to = retweet_of = quote_of = None
    for ref in t.referenced_tweets or ():
        if ref.type == "replied_to":
            reply_to = _id(ref.id, "replied_to id")
        elif ref.type == "retweeted":
            retweet_of = _id(ref.id, "retweeted id")
        elif ref.type == "quoted":
            quote_of = _id(ref.id, "quoted id")
    note = t.note_tweet
    text = note.text if note is not None and note.text else t.text
    return (
        tweet_id, created_ms, author_id, handle, unescape_text(text),
        reply_to, reply_user_id, reply_handle, _id(t.conversation_id, "conversation_id"),
        retweet_of, quote_of, False, _mentions(t, users.ids),
        t.lang, source_label(t.source), None, collected,
    )  # fmt: skip


def _tweet_rows(t: Tweet, users: Users) -> list[Row]:
    """The collected row of a tweet, then its expanded referenced tweets (flattened lines)."""
    rows = [_row(t, users, True)]
    if t.referenced_tweets:
        expanded = [r for r in t.referenced_tweets if r.text is not None or r.created_at is not None]
        rows.extend(_context_rows(expanded, users))
    return rows


def _context_rows(tweets: Iterable[Tweet], users: Users) -> Iterator[Row]:
    for t in tweets:
        try:
            yield _row(t, users, False)
        except _BadRecord:
            continue  # not a record of the dump (see the module docstring)


# ---------------------------------------------------------------------------------------------
# Fast path: lines made only of v2 tweets, decoded straight into Structs


def _is_plain_tweet(t: Tweet) -> bool:
    return (t.text is not None or t.note_tweet is not None) and t.id_str is None and t.user is None


def _fast_rows(line: Line) -> list[Row] | None:
    """Rows of a line whose every record is a good v2 tweet, else None (the generic path decides)."""
    data = line.data
    if data is None:
        tweets: list[Tweet] = [line]  # a flattened line (or nothing the fast path knows)
    else:
        tweets = data if isinstance(data, list) else [data]
    if not tweets or not all(map(_is_plain_tweet, tweets)):
        return None
    includes = line.includes
    users = _users(includes)
    rows: list[Row] = []
    try:
        for t in tweets:
            rows.extend(_tweet_rows(t, users))
    except _BadRecord:
        return None
    if includes is not None and includes.tweets:
        rows.extend(_context_rows(includes.tweets, users))
    return rows


def _users(includes: Includes | None) -> Users:
    if includes is None or not includes.users:
        return _NO_USERS
    return _user_maps((u.id, u.username) for u in includes.users if u.id and u.username)


# ---------------------------------------------------------------------------------------------
# Generic path: any JSON value, judged element by element


def _generic_rows(line: bytes, lineno: int, ctx: ReadContext) -> list[Row]:
    raw = line.rstrip(b"\r\n")
    try:
        value = msgspec.json.decode(line)
    except RecursionError:
        ctx.quarantine(lineno, "JSON nested too deeply", raw)
        return []
    except (msgspec.DecodeError, UnicodeDecodeError):
        ctx.quarantine(lineno, invalid_json(line), raw)
        return []
    if not isinstance(value, dict):
        ctx.quarantine(lineno, f"a JSON {_kind(value)}, not a v2 page, tweet or notice", raw)
        return []
    users = _generic_users(value)
    rows: list[Row] = []
    data = value.get("data")
    if isinstance(data, list):
        if not data:
            ctx.notice()  # a page that found nothing
        for i, element in enumerate(data):
            rows.extend(_element_rows(element, users, lineno, f"data[{i}]: ", ctx))
    elif isinstance(data, dict):
        rows.extend(_element_rows(data, users, lineno, "data: ", ctx))
    elif data is not None:
        ctx.quarantine(lineno, f"'data' is a JSON {_kind(data)}, not a list or an object", raw)
        return []
    elif _is_tweet(value) or _is_notice(value):
        rows.extend(_element_rows(value, users, lineno, "", ctx))
    elif not _PAGE_KEYS.isdisjoint(value):
        ctx.notice()  # a page without data: only errors or meta
    else:
        ctx.quarantine(lineno, _unknown_line_reason(value), raw)
        return []
    includes = value.get("includes")
    if isinstance(includes, dict) and isinstance(includes.get("tweets"), list):
        rows.extend(_context_rows(_convert_all(includes["tweets"]), users))
    return rows


def _element_rows(element: Any, users: Users, lineno: int, where: str, ctx: ReadContext) -> list[Row]:
    """Rows of one record (an element of data, or a flattened line); notices and quarantine else."""
    reason = None
    if not isinstance(element, dict):
        reason = f"a JSON {_kind(element)}, not an object"
    elif _is_v1(element):
        reason = V1_REASON
    elif _is_tweet(element):
        try:
            return _tweet_rows(msgspec.convert(element, Tweet), users)
        except msgspec.ValidationError:
            reason = f"tweet field of the wrong type: {wrong_type(element, Tweet)}"
        except _BadRecord as exc:
            reason = str(exc)
    elif _is_notice(element):
        ctx.notice()
        return []
    else:
        keys = ", ".join(sorted(element)[:8])
        reason = f"neither a tweet nor a known v2 object (keys: {keys})"
    ctx.quarantine(lineno, where + reason, msgspec.json.encode(element))
    return []


def _unknown_line_reason(line: dict) -> str:
    if not _V1_LINE_KEYS.isdisjoint(line):
        return V1_REASON
    keys = ", ".join(sorted(line)[:8])
    return f"neither a v2 page, tweet nor notice (keys: {keys})"


def _is_tweet(obj: dict) -> bool:
    return "text" in obj or "note_tweet" in obj


def _is_notice(obj: dict) -> bool:
    return not _NOTICE_KEYS.isdisjoint(obj)


def _is_v1(obj: dict) -> bool:
    return "id_str" in obj or isinstance(obj.get("user"), dict)


def _generic_users(page: dict) -> Users:
    """Users from includes.users and, on a users page, from data (for the pinned tweets)."""
    includes = page.get("includes")
    listed = includes.get("users") if isinstance(includes, dict) else None
    candidates = list(listed) if isinstance(listed, list) else []
    data = page.get("data")
    candidates += [
        u for u in (data if isinstance(data, list) else [data]) if isinstance(u, dict) and not _is_tweet(u)
    ]
    return _user_maps(
        (u["id"], u["username"])
        for u in candidates
        if isinstance(u, dict) and _nonempty_str(u.get("id")) and _nonempty_str(u.get("username"))
    )


def _nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def _convert_all(values: list) -> Iterator[Tweet]:
    """The elements that are tweet objects of the right types (context tweets: others dropped)."""
    for v in values:
        if isinstance(v, dict):
            try:
                yield msgspec.convert(v, Tweet)
            except msgspec.ValidationError:
                continue


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


register_format(Format(
    name="v2",
    description="Twitter API v2 JSON as written by twarc2 (pages, stream lines, flattened lines)",
    read=read,
))
