"""Reader for Twitter API v1.1 tweet JSON (and the pre-2010 v1 shape).

Handles one JSON object per line (REST dumps, streaming captures with their notice lines) and JSON
documents: arrays of tweets (one line or pretty-printed), search responses
``{"statuses": [...]}``, premium search responses ``{"results": [...]}`` and single tweet objects,
also several of these concatenated. Which of the two layouts a stream has is decided by its first
lines (see :func:`_probe`), never by the file name.

Speed: tweets are decoded with msgspec straight into :class:`_Tweet`, a Struct that projects the
few fields kwo stores, one line per ``decode`` call (measured faster than joining a chunk of lines
into one array). JSON lines are then converted a run of 4,096 lines at a time, column by column
(:func:`_run_batch`: a comprehension per field, Arrow kernels for ids and dates), which takes a
third less CPU per tweet than adding rows one by one; a run it cannot convert exactly goes row
by row. Documents are cut into their elements by msgspec too (see :class:`_Document`), which
are gathered into runs the same way. Everything unusual (notices, old tweets, wrong types) takes a slower path that
decodes to Python objects and says precisely what is wrong.
"""

from __future__ import annotations

import functools
import html
import re
import time
from collections.abc import Generator, Iterable, Iterator
from typing import BinaryIO

import msgspec
import pyarrow as pa
import pyarrow.compute as pc

from ..schema import (
    MENTION_TYPE,
    TWEET_SCHEMA,
    distinct_mentions,
    parse_twitter_date,
    source_label,
    unescape_text,
)
from .base import (
    CLOCK_SKEW_MS,
    EARLIEST_TWEET_MS,
    EXCERPT_BYTES,
    MAX_RECORD_BYTES,
    Format,
    ReadContext,
    plausible_time,
    record_lines,
    register_format,
    skip_blank_lines,
    too_long_reason,
)
from .reasons import BOM, invalid_json, wrong_type
from .text_mentions import mentions_from_text

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
# A first line longer than this is not read whole to decide the layout: the file is a document.
_PROBE_LIMIT = 64 << 20
_CHUNK = 1 << 20
# Tweets converted together (see _Reader.lines); a run's lines and tweets are held until then.
_RUN_LINES = 4096


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


# ---------------------------------------------------------------------------------------------
# Runs of plain tweets, column by column
#
# Most lines of a dump are ordinary tweets. A run of them is turned into a record batch one
# column at a time (a comprehension per field, Arrow kernels for ids and dates) instead of one
# RowBuilder.add per row: 3-4x less Python per tweet. The result must be exactly what the
# per-row path (_Reader.tweet) gives, so _run_batch only takes the cases it can do exactly and
# returns None for anything else (an id that is not a plain digit string, a date in another
# shape or out of range, a value of an unexpected type anywhere); the run then goes row by row,
# which quarantines or skips precisely what is wrong.

# created_at as the v1.1 API writes it. Only this shape is parsed column-wise (as ISO text,
# which Arrow checks against the calendar); anything else takes parse_twitter_date row by row.
_CANONICAL_DATE = (
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d\d \d\d:\d\d:\d\d \+0000 \d{4}$"
)
_MONTH_NAMES = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@functools.cache
def _months() -> tuple[pa.Array, pa.Array]:
    """Month names and their numbers as text, as Arrow arrays (made on first use: building an
    array from a list makes pyarrow import pandas, which importing this module should not do)."""
    return pa.array(_MONTH_NAMES), pa.array([f"{m:02d}" for m in range(1, 13)])
_TYPES = [f.type for f in TWEET_SCHEMA]


class _NotPlain(Exception):
    """A run holds something the column-wise conversion does not do exactly."""


def _times_ms(dates: list) -> pa.Array:
    """created_at strings -> epoch ms, as parse_twitter_date and plausible_time give them."""
    if None in dates:
        raise _NotPlain
    s = pa.array(dates, pa.string())
    if not pc.all(pc.match_substring_regex(s, _CANONICAL_DATE)).as_py():
        raise _NotPlain
    names, numbers = _months()
    month = pc.take(numbers, pc.index_in(pc.utf8_slice_codeunits(s, 4, 7), value_set=names))
    day = pc.binary_join_element_wise(pc.utf8_slice_codeunits(s, 26, 30), month, pc.utf8_slice_codeunits(s, 8, 10), "-")
    iso = pc.binary_join_element_wise(day, pc.utf8_slice_codeunits(s, 11, 19), " ")
    ms = iso.cast(pa.timestamp("s")).cast(pa.int64())  # ArrowInvalid (a ValueError): no such day/time
    ms = pc.multiply(ms, 1000)
    lo, hi = pc.min_max(ms).values()
    if lo.as_py() < EARLIEST_TWEET_MS or hi.as_py() > time.time() * 1000 + CLOCK_SKEW_MS:
        raise _NotPlain
    return ms.cast(pa.timestamp("ms", tz="UTC"))


def _id_array(values: list) -> pa.Array:
    """Tweet ids given as digit strings (or None) -> int64, refusing what _id refuses."""
    digits = "".join(filter(None, values))
    if digits and not (digits.isascii() and digits.isdigit()):
        raise _NotPlain
    ids = pa.array(values, pa.string()).cast(pa.int64())  # ArrowInvalid beyond int64
    if digits and pc.min(ids).as_py() <= 0:
        raise _NotPlain
    return ids


def _id_text(text: str | None, number, what: str) -> str | None:
    """_id as text, for the rare row whose id comes from its numeric field."""
    value = _id(text, number, what)
    return None if value is None else str(value)


def _lower(values: list) -> list:
    return [h.lower() if h else None for h in values]


def _run_batch(rows: list[_Tweet], collected: list[bool] | None, source_file: str) -> pa.RecordBatch:
    """One record batch of ``rows`` (in order), as _Reader._add_row would add them one by one.

    ``collected`` is None when every row is collected. Raises _NotPlain or ValueError when the
    run must go row by row.
    """
    n = len(rows)
    ids = [t.id_str for t in rows]
    if None in ids or "" in ids:
        raise _NotPlain
    tweet_id = _id_array(ids)
    created = _times_ms([t.created_at for t in rows])

    users = [t.user for t in rows]
    if None in users:
        author_id = [None if u is None else _user_id(u.id_str, u.id, "user.id") for u in users]
        handles = [None if u is None else u.screen_name for u in users]
    else:
        author_id = [u.id_str or _user_id(u.id_str, u.id, "user.id") for u in users]
        handles = [u.screen_name for u in users]

    exts = [t.extended_tweet for t in rows]
    texts = [(e.full_text if e is not None else None) or t.full_text or t.text for t, e in zip(rows, exts)]
    texts = [x if not x or "&" not in x else html.unescape(x) for x in texts]

    # The numeric twin of an id is read only where the *_str is missing (rare in v1.1).
    reply_to = _id_array([
        s if (s := t.in_reply_to_status_id_str)
        else None if (v := t.in_reply_to_status_id) is None else _id_text(None, v, "in_reply_to_status_id")
        for t in rows
    ])
    reply_user = [
        s if (s := t.in_reply_to_user_id_str)
        else None if (v := t.in_reply_to_user_id) is None else _user_id(None, v, "in_reply_to_user_id")
        for t in rows
    ]
    retweeted = [t.retweeted_status for t in rows]
    if retweeted.count(None) == n:
        retweet_of = pa.nulls(n, pa.int64())
        is_retweet = pa.repeat(pa.scalar(False), n)
    else:
        retweet_of = _id_array([
            None if r is None else (r.id_str or _id_text(None, r.id, "retweeted_status.id")) for r in retweeted
        ])
        is_retweet = pc.is_valid(retweet_of)
    quote_of = _id_array([
        q if (q := t.quoted_status_id_str)
        else None if (o := t.quoted_status) is None else _id_text(o.id_str, o.id, "quoted_status.id")
        for t in rows
    ])

    # mentions: flat child lists and offsets, as RowBuilder.add makes them from _mentions
    offsets = [0]
    m_ids: list = []
    m_handles: list = []
    for t, e, text in zip(rows, exts, texts):
        entities = e.entities if e is not None and e.entities is not None else t.entities
        if entities is None:
            pairs = mentions_from_text(text)
        else:
            found = entities.user_mentions
            if not found:
                pairs = None
            elif len(found) == 1:
                m = found[0]
                uid = m.id_str or _user_id(m.id_str, m.id, "user_mentions.id")
                h = m.screen_name
                h = h.lower() if h else None
                pairs = ((uid, h),) if uid or h else None
            else:
                pairs = distinct_mentions([(_user_id(m.id_str, m.id, "user_mentions.id"), m.screen_name) for m in found])
        if pairs:
            for uid, h in pairs:
                m_ids.append(uid)
                m_handles.append(h)
        offsets.append(len(m_ids))

    remembered = _SOURCES.get
    sources = [remembered(x, _UNSEEN) for x in (t.source for t in rows)]
    if _UNSEEN in sources:
        sources = [x if x is not _UNSEEN else _remember(_SOURCES, t.source, source_label(t.source))
                   for x, t in zip(sources, rows)]

    mentions = pa.ListArray.from_arrays(
        pa.array(offsets, pa.int32()),
        pa.StructArray.from_arrays([pa.array(m_ids, pa.string()), pa.array(m_handles, pa.string())],
                                   fields=list(MENTION_TYPE)),
        type=_TYPES[12],
    )
    nulls_int = pa.nulls(n, pa.int64())
    arrays = [
        tweet_id,
        created,
        pa.array(author_id, pa.string()),
        pa.array(_lower(handles), pa.string()),
        pa.array(texts, pa.string()),
        reply_to,
        pa.array(reply_user, pa.string()),
        pa.array(_lower([t.in_reply_to_screen_name for t in rows]), pa.string()),
        nulls_int,  # conversation_id: v1.1 has none
        retweet_of,
        quote_of,
        is_retweet,
        mentions,
        pa.array([t.lang for t in rows], pa.string()),
        pa.array(sources, pa.string()),
        pa.nulls(n, pa.bool_()),  # inbound: twcs only
        pa.repeat(pa.scalar(True), n) if collected is None else pa.array(collected, pa.bool_()),
        pa.repeat(pa.scalar(source_file, pa.string()), n),
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=TWEET_SCHEMA)


def _with_context(tweets: list[_Tweet]) -> tuple[list[_Tweet], list[bool] | None]:
    """The rows of ``tweets`` in the per-row path's order: each tweet, then its embedded tweets
    (see _Reader._add_context); the flags say which rows are collected."""
    if all(t.retweeted_status is None and t.quoted_status is None for t in tweets):
        return tweets, None
    rows: list[_Tweet] = []
    flags: list[bool] = []
    for t in tweets:
        rows.append(t)
        flags.append(True)
        if t.retweeted_status is None and t.quoted_status is None:
            continue
        pending = [t]
        while pending:
            outer = pending.pop()
            for inner in (outer.retweeted_status, outer.quoted_status):
                if inner is not None:
                    rows.append(inner)
                    flags.append(False)
                    pending.append(inner)
    return rows, flags


# ---------------------------------------------------------------------------------------------
# Records to rows


class _Reader:
    """Turns records (raw JSON bytes or decoded values) into rows, notices and quarantine entries."""

    def __init__(self, ctx: ReadContext):
        self.ctx = ctx
        self.builder = ctx.builder()
        self.ready: list[pa.RecordBatch] = []
        self.pending: list[tuple[int | None, bytes, _Tweet | None, bool]] = []  # the run being gathered

    def take(self) -> list[pa.RecordBatch]:
        ready, self.ready = self.ready, []
        return ready

    def lines(self, lines: Iterable[tuple[int, bytes]]) -> Iterator[pa.RecordBatch]:
        """Batches from records given one per line, converted a run of lines at a time."""
        element = self.element
        for number, data in lines:
            element(number, data)
            if self.ready:
                yield from self.take()
        yield from self.finish()

    def element(self, line: int | None, data: bytes, in_response: bool = False) -> None:
        """One record (a line of a JSON-lines file, an element or top-level object of a JSON
        document), gathered into a run; a full run is converted, ``flush`` converts the rest."""
        try:
            t = _decode_tweet(data)
        except (ValueError, RecursionError):
            t = None
        self.pending.append((line, data, t if t is not None and t.id_str is not None else None, in_response))
        if len(self.pending) >= _RUN_LINES:
            self.flush()

    def flush(self) -> None:
        run, self.pending = self.pending, []
        self._run(run)

    def _run(self, run: list[tuple[int | None, bytes, _Tweet | None, bool]]) -> None:
        """Rows, notices and quarantine entries of a run of records (``None``: not a tweet), in
        their order, as ``one`` would give them record by record.

        The tweets are converted column by column (_run_batch); when that cannot be done
        exactly, the whole run goes row by row. Any other line (a notice, a broken record, a
        search response) goes through the per-row path in its place: rows it adds come between
        the tweets before and after it.
        """
        tweets = [t for _, _, t, _ in run if t is not None]
        batch = None
        if tweets:
            try:
                rows, collected = _with_context(tweets)
                batch = _run_batch(rows, collected, self.ctx.path)
            except (_NotPlain, ValueError):  # pyarrow's ArrowInvalid is a ValueError
                self._row_by_row(run)
                return
        done = 0  # rows of batch handed out
        seen = 0  # tweets before the current line
        starts = None  # the row of each tweet in batch (embedded tweets follow theirs)
        for number, data, t, in_response in run:
            if t is not None:
                seen += 1
                continue
            mark = len(self.ready)
            self._slow(number, data, in_response)
            if len(self.builder):
                self.ready.append(self.builder.flush())
            if batch is not None and len(self.ready) > mark:
                if starts is None:
                    starts = range(len(tweets)) if collected is None else [i for i, c in enumerate(collected) if c]
                cut = starts[seen] if seen < len(tweets) else batch.num_rows
                self.ready[mark:mark] = self._slices(batch.slice(done, cut - done))
                done = cut
        if batch is not None:
            self.ready += self._slices(batch.slice(done))

    def _slices(self, batch: pa.RecordBatch) -> list[pa.RecordBatch]:
        step = self.ctx.batch_rows
        return [batch.slice(i, step) for i in range(0, batch.num_rows, step)]

    def _row_by_row(self, run: list[tuple[int | None, bytes, _Tweet | None, bool]]) -> None:
        for number, data, t, in_response in run:
            if t is None:
                self._slow(number, data, in_response)
            else:
                self.tweet(t, number, data)
        if len(self.builder):
            self.ready.append(self.builder.flush())

    def finish(self) -> list[pa.RecordBatch]:
        self.flush()
        last = self.builder.flush()
        if last is not None:
            self.ready.append(last)
        return self.take()

    def one(self, line: int | None, data: bytes, in_response: bool = False) -> None:
        """One record given as JSON bytes (a line, an array element, a top-level object)."""
        try:
            t = _decode_tweet(data)
        except (ValueError, RecursionError):  # msgspec.DecodeError, or invalid UTF-8 in a string
            self._slow(line, data, in_response)
            return
        if t.id_str is not None:
            self.tweet(t, line, data)
        else:
            self._slow(line, data, in_response)

    def tweet(self, t: _Tweet, line: int | None, raw: bytes | dict) -> None:
        try:
            self._add_row(t, True)
        except ValueError as exc:
            self._quarantine(line, str(exc), raw)
            return
        if t.retweeted_status is not None or t.quoted_status is not None:
            self._add_context(t)

    def _add_context(self, t: _Tweet) -> None:
        # Embedded tweets are context rows, not records: one that cannot be read is left out
        # (the tweet that carries it is kept). A retweet of a quote nests two levels deep.
        pending = [t]
        while pending:
            outer = pending.pop()
            for inner in (outer.retweeted_status, outer.quoted_status):
                if inner is None:
                    continue
                try:
                    self._add_row(inner, False)
                except ValueError:
                    continue
                pending.append(inner)

    def _add_row(self, t: _Tweet, collected: bool) -> None:
        """Add one row; raises ValueError (saying why) before adding anything."""
        tweet_id = _id(t.id_str, t.id, "id")
        if tweet_id is None:
            raise ValueError("missing id")
        created = t.created_at
        if created is None:
            raise ValueError("missing created_at")
        created_ms = _DATES.get(created)
        if created_ms is None:
            created_ms = _remember(_DATES, created, plausible_time(parse_twitter_date(created), created))
        source = _SOURCES.get(t.source, _UNSEEN)
        if source is _UNSEEN:
            source = _remember(_SOURCES, t.source, source_label(t.source))
        user = t.user
        ext = t.extended_tweet
        text = unescape_text((ext.full_text if ext is not None else None) or t.full_text or t.text)
        quoted = t.quoted_status
        quote_of = _id(t.quoted_status_id_str, None, "quoted_status_id")
        if quote_of is None and quoted is not None:
            quote_of = _id(quoted.id_str, quoted.id, "quoted_status.id")
        retweeted = t.retweeted_status
        b = self.builder
        b.add(
            tweet_id,
            created_ms,
            None if user is None else _user_id(user.id_str, user.id, "user.id"),
            None if user is None else user.screen_name,
            text,
            in_reply_to_tweet_id=_id(
                t.in_reply_to_status_id_str, t.in_reply_to_status_id, "in_reply_to_status_id"
            ),
            in_reply_to_user_id=_user_id(
                t.in_reply_to_user_id_str, t.in_reply_to_user_id, "in_reply_to_user_id"
            ),
            in_reply_to_handle=t.in_reply_to_screen_name,
            retweet_of_id=None
            if retweeted is None
            else _id(retweeted.id_str, retweeted.id, "retweeted_status.id"),
            quote_of_id=quote_of,
            mentions=_mentions(t, text),
            lang=t.lang,
            source=source,
            collected=collected,
        )
        if b.full:
            self.ready.append(b.flush())

    def _slow(self, line: int | None, data: bytes, in_response: bool) -> None:
        try:
            obj = msgspec.json.decode(data)
        except ValueError:
            if not data.strip():  # blank lines are not records
                return
            patched = _without_lone_surrogates(data)
            if patched != data:
                self.one(line, patched, in_response)
            else:
                self._quarantine(line, invalid_json(data), data)
            return
        except RecursionError:
            self._quarantine(line, "JSON nested too deeply", data)
            return
        self.value(obj, line, data, in_response)

    def value(self, obj: object, line: int | None, raw: bytes | None, in_response: bool) -> None:
        """One record given as a decoded JSON value."""
        if not isinstance(obj, dict):
            self._quarantine(line, f"not a JSON object but {_json_type(obj)}", raw or obj)
            return
        kind = _kind(obj)
        if kind == "tweet":
            try:
                t = msgspec.convert(obj, _Tweet)
            except msgspec.ValidationError:
                self._quarantine(line, f"unexpected value in a tweet: {wrong_type(obj, _Tweet)}", raw or obj)
                return
            except RecursionError:
                self._quarantine(line, "tweets nested too deeply", raw or obj)
                return
            self.tweet(t, line, raw or obj)
        elif kind == "notice":
            self.ctx.notice()
        elif kind == "response" and not in_response:
            self._response(obj, line, raw)
        elif kind == "v2":
            self._quarantine(line, V2_REASON, raw or obj)
        elif kind == "response":
            self._quarantine(line, "a search response inside a search response", raw or obj)
        else:
            self._quarantine(line, UNKNOWN_REASON, raw or obj)

    def _response(self, obj: dict, line: int | None, raw: bytes | None) -> None:
        key = "statuses" if "statuses" in obj else "results"
        items = obj[key]
        if not isinstance(items, list):
            self._quarantine(line, f'"{key}" of a search response is not an array', raw or obj)
        elif not items:
            # An empty result page: still one record, so that no line goes unaccounted.
            self.ctx.notice()
        else:
            for item in items:
                self.value(item, line, None, True)

    def _quarantine(self, line: int | None, reason: str, raw: bytes | object) -> None:
        data = raw.rstrip(b"\r\n") if isinstance(raw, bytes) else _encode(raw)
        self.ctx.quarantine(line, reason, data)


# ---------------------------------------------------------------------------------------------
# Layouts: one object per line, or a JSON document


def _is_object(line: bytes) -> bool:
    try:
        msgspec.json.decode(_without_lone_surrogates(line), type=dict)
    except (ValueError, RecursionError):
        return False
    return True


def _probe(stream: BinaryIO) -> tuple[list[bytes | int], bool]:
    """Read the first lines; return them and whether the input is one object per line.

    JSONL when the first non-blank line is a complete JSON object. A first line that does not
    open a document (``{``/``[`` and JSON that goes on in the next lines) gets a second chance:
    the input is JSONL when the next line is an object. Such a line is the tail of a line cut by
    ``split -b``, or a broken record (invalid UTF-8, a NUL byte, nested too deeply), which must
    not turn the good lines after it into one unreadable document.
    """
    lines: list[bytes | int] = []  # an int: that many blank lines (a run of them is not kept)
    second_chance = False
    while True:
        line = stream.readline(_PROBE_LIMIT)
        if not lines:
            line = line.removeprefix(BOM)
        if not line:
            return lines, True
        if line.isspace():
            lines.append(1 + skip_blank_lines(stream))
            continue
        lines.append(line)
        if len(line) >= _PROBE_LIMIT and not line.endswith(b"\n"):
            return lines, False
        if _is_object(line):
            return lines, True
        if second_chance or _opens_document(line):
            return lines, False
        second_chance = True


def _opens_document(line: bytes) -> bool:
    """Whether ``line`` starts a JSON document: a complete value (an array), or the start of one
    that the next lines continue. A line that is broken JSON by itself does not."""
    stripped = line.strip()
    if stripped[:1] not in (b"{", b"["):
        return False
    try:
        _size_of_first_value(stripped)
    except _SyntaxError:
        return False
    return True


class _SyntaxError(Exception):
    """The document's structure is broken here; nothing after this point can be located."""


_WHITESPACE = re.compile(rb"[ \t\r\n]*")
_OPEN_ARRAY, _CLOSE_ARRAY, _OPEN_OBJECT, _CLOSE_OBJECT = b"[]{}"
_COMMA, _COLON, _QUOTE = b',:"'
_NUMBER_START = frozenset(b"-0123456789")

# msgspec says where a value ends only in the text of its "trailing characters" error. That text
# is msgspec's, not kwo's: kwo reads it only after checking, once, that this msgspec still words
# it so (_msgspec_locates); otherwise _scan_first_value, kwo's own (slower) scanner, is used.
# tests/test_formats_v1.py runs the reader both ways.
_TRAILING = re.compile(r"JSON is malformed: trailing characters \(byte (\d+)\)")
_TRUNCATED = "Input data was truncated"
_AT_BYTE = re.compile(r"\(byte (\d+)\)$")


def _msgspec_locates() -> bool:
    def message(data: bytes) -> str:
        try:
            _skip_value(data)
        except msgspec.DecodeError as exc:
            return str(exc)
        return ""

    found = _TRAILING.fullmatch(message(b'{"a": [1, "]"]} ,{"b"'))
    return bool(found) and int(found.group(1)) == 17 and message(b'{"a": [1, "]"') == _TRUNCATED


def _size_of_first_value(data: bytes | memoryview) -> int | None:
    """Length of the JSON value at the start of ``data`` with the blanks after it; None when
    ``data`` ends inside it. Raises _SyntaxError when it is not JSON."""
    if not MSGSPEC_LOCATES:
        return _scan_first_value(data)
    try:
        _skip_value(data)
    except msgspec.DecodeError as exc:
        message = str(exc)
        if found := _TRAILING.fullmatch(message):
            return int(found.group(1)) - 1
        if _LONE_SURROGATE.search(data):
            return _size_of_first_value(_without_lone_surrogates(data))
        if message == _TRUNCATED:
            return None
        # A number cut short ("1e", "0.", "-") is reported as malformed at the end of the data.
        if (found := _AT_BYTE.search(message)) and int(found.group(1)) >= len(data):
            return None
        raise _SyntaxError(invalid_json(bytes(data))) from None
    except RecursionError:
        raise _SyntaxError("nested too deeply") from None
    return len(data)


_STRUCTURE = re.compile(rb'["\[\]{}]')
_STRING_REST = re.compile(rb'(?:[^"\\]|\\.)*"', re.S)  # after the opening quote
_TOKEN = re.compile(rb'[^ \t\r\n,:\[\]{}"]*')  # a number, true, false or null
_NUMBER_PREFIX = re.compile(rb"-?(?:0|[1-9][0-9]*)?(?:\.[0-9]*)?(?:[eE][+-]?[0-9]*)?")


def _scan_first_value(data: bytes | memoryview) -> int | None:
    """_size_of_first_value without msgspec's messages: brackets are matched (strings skipped
    whole by a regex), then the value found is checked by decoding it."""
    data = bytes(data)
    if not data:
        return None
    first = data[0]
    if first in (_OPEN_ARRAY, _OPEN_OBJECT):
        depth, pos = 0, 0
        while True:
            found = _STRUCTURE.search(data, pos)
            if found is None:
                return None
            pos = found.end()
            c = data[found.start()]
            if c == _QUOTE:
                closed = _STRING_REST.match(data, pos)
                if closed is None:
                    return None
                pos = closed.end()
                continue
            depth += 1 if c in (_OPEN_ARRAY, _OPEN_OBJECT) else -1
            if depth == 0:
                end = pos
                break
    elif first == _QUOTE:
        closed = _STRING_REST.match(data, 1)
        if closed is None:
            return None
        end = closed.end()
    else:
        end = _TOKEN.match(data).end()
        token = data[:end]
        if end == len(data) and (any(w.startswith(token) and w != token for w in (b"true", b"false", b"null"))
                                 or (token and _NUMBER_PREFIX.fullmatch(token) and not token[-1:].isdigit())):
            return None  # cut short: the next chunk may complete it
    value = data[:end]
    try:
        _skip_value(value)
    except msgspec.DecodeError:
        try:
            _skip_value(_without_lone_surrogates(value))
        except msgspec.DecodeError:
            raise _SyntaxError(invalid_json(data)) from None
    except RecursionError:
        raise _SyntaxError("nested too deeply") from None
    return _WHITESPACE.match(data, end).end()


MSGSPEC_LOCATES = _msgspec_locates()


class _Document:
    """JSON documents read in chunks. Each array element (or top-level object) is located by
    letting msgspec skip over it, then decoded on its own, so memory holds one element at a time
    and a search response's list is streamed like a top-level array.
    """

    def __init__(self, reader: _Reader, head: bytes, stream: BinaryIO, first_line: int = 1):
        self.reader = reader
        self.stream = stream
        self.buf = head
        self.pos = 0  # the cursor
        self.mark = 0  # start of the value being read: kept when the buffer is refilled
        self.eof = False
        self.line_pos = 0  # self.line is the line number at buffer offset self.line_pos
        self.line = first_line

    def batches(self) -> Iterator[pa.RecordBatch]:
        try:
            while (c := self._peek(release=True)) is not None:
                if c == _OPEN_ARRAY:
                    yield from self._array(in_response=False)
                elif c == _OPEN_OBJECT:
                    yield from self._object()
                else:
                    self._value(in_response=False)
                if self.reader.ready:
                    yield from self.reader.take()
        except _SyntaxError as exc:
            self.reader.flush()  # the records before the break come first
            self.reader.ctx.quarantine(
                self._line_at_mark(),
                f"broken JSON document ({exc}); the rest of the document cannot be read",
                self.buf[self.mark : self.mark + EXCERPT_BYTES],
            )
        yield from self.reader.finish()

    def _array(self, in_response: bool) -> Generator[pa.RecordBatch, None, int]:
        """The elements of the array at the cursor, each one record. Returns their number."""
        self.pos += 1
        count = 0
        c = self._peek(release=True)
        if c == _CLOSE_ARRAY:
            self.pos += 1
            return count
        while True:
            if c is None:
                raise _SyntaxError("the data ends inside an array")
            self._value(in_response)
            count += 1
            if self.reader.ready:
                yield from self.reader.take()
            c = self._peek(release=True)
            if c == _CLOSE_ARRAY:
                self.pos += 1
                return count
            if c != _COMMA:
                raise _SyntaxError("expected , or ] after an array element")
            self.pos += 1
            c = self._peek(release=True)

    def _object(self) -> Generator[pa.RecordBatch, None, None]:
        """A top-level object: a response (its lists streamed) or one record (read whole)."""
        self.mark = self.pos
        line = self._line_at_mark()
        self.pos += 1
        listed: int | None = None  # records in response lists; None while not a response
        c = self._peek()
        while c != _CLOSE_OBJECT:
            if c != _QUOTE:
                raise _SyntaxError("expected a key in an object")
            key = self._key()
            if self._peek() != _COLON:
                raise _SyntaxError("expected : after a key")
            self.pos += 1
            c = self._peek()
            if key in RESPONSE_KEYS and c == _OPEN_ARRAY:
                listed = (listed or 0) + (yield from self._array(in_response=True))
            elif c is None:
                raise _SyntaxError("the data ends inside an object")
            else:
                self.pos = self._value_end()
            c = self._peek()
            if c == _COMMA:
                self.pos += 1
                c = self._peek()
            elif c != _CLOSE_OBJECT:
                raise _SyntaxError("expected , or } after a value")
        self.pos += 1
        if listed is None:
            self.reader.element(line, self.buf[self.mark : self.pos])
        elif listed == 0:
            self.reader.ctx.notice()  # an empty result page, as in _Reader._response

    def _key(self) -> str | None:
        end = self._value_end()
        try:
            key = msgspec.json.decode(self.buf[self.pos : end])
        except ValueError:
            key = None  # e.g. invalid UTF-8: not a response key; the record will say what is wrong
        self.pos = end
        return key

    def _value(self, in_response: bool) -> None:
        self.mark = self.pos
        line = self._line_at_mark()
        end = self._value_end()
        self.pos = end
        self.reader.element(line, self.buf[self.mark : end], in_response)

    def _value_end(self) -> int:
        """Offset just past the value at the cursor (trailing whitespace included)."""
        while True:
            size = _size_of_first_value(memoryview(self.buf)[self.pos :])
            if size is None:
                if self._more():
                    continue
                raise _SyntaxError("the data ends inside a value")
            end = self.pos + size
            # A number that reaches the end of the buffer may go on in the next chunk.
            if end == len(self.buf) and self.buf[self.pos] in _NUMBER_START and self._more():
                continue
            return end

    def _peek(self, release: bool = False) -> int | None:
        """The next non-blank byte (the cursor moves onto it), None at the end of the data.

        ``release``: nothing before the cursor is needed any more (between array elements and
        top-level values), so that a long run of blanks is not kept in memory.
        """
        if release:
            self.mark = self.pos
        while True:
            self.pos = _WHITESPACE.match(self.buf, self.pos).end()
            if release:  # the blanks go too: 256 MiB of newlines between elements was "a record too long"
                self.mark = self.pos
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return None

    def _more(self) -> bool:
        """Read more data, dropping what lies before the mark. False at the end of the data."""
        if self.eof:
            return False
        if len(self.buf) - self.mark > MAX_RECORD_BYTES:
            # Not a tweet record; holding it whole would let memory grow with the input.
            raise _SyntaxError(too_long_reason(len(self.buf) - self.mark, complete=False))
        # Grow with the value being read, so that a huge value is re-scanned a few times only.
        chunk = self.stream.read(max(_CHUNK, len(self.buf) - self.mark))
        if not chunk:
            self.eof = True
            return False
        keep = self.mark
        if self.line_pos < keep:
            self._line_at_mark()
        self.line_pos -= keep
        self.buf = self.buf[keep:] + chunk
        self.pos -= keep
        self.mark = 0
        return True

    def _line_at_mark(self) -> int:
        self.line += self.buf.count(b"\n", self.line_pos, self.mark)
        self.line_pos = self.mark
        return self.line


def read(stream: BinaryIO, ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    """Batches of v1.1 tweets from ``stream`` (see the reader contract in kwo.formats)."""
    reader = _Reader(ctx)
    if ctx.jsonl:  # a byte range of a JSON-lines file: its first line may be a broken record
        yield from reader.lines(record_lines(stream, ctx))
        return
    head, one_per_line = _probe(stream)
    if one_per_line:
        yield from reader.lines(record_lines(stream, ctx, head))
    else:
        # blank lines before the document count in its line numbers; those after its first line
        # (only where that line was broken) are written out again
        leading = head.pop(0) if isinstance(head[0], int) else 0
        text = b"".join(b"\n" * part if isinstance(part, int) else part for part in head)
        yield from _Document(reader, text, stream, first_line=1 + leading).batches()


register_format(Format(
    name="v1",
    description="Twitter API v1.1 tweet JSON (lines, arrays, search/premium responses, stream captures)",
    read=read,
))
