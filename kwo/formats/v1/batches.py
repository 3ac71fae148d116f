"""Runs of plain v1.1 tweets turned into one record batch column by column (3-4x less Python per
tweet than row by row), exactly as the per-row path would, or not at all."""

from __future__ import annotations

import functools
import html
import time

import pyarrow as pa
import pyarrow.compute as pc

from ...schema import (
    MENTION_TYPE,
    TWEET_SCHEMA,
    distinct_mentions,
    source_label,
)
from ..base import (
    CLOCK_SKEW_MS,
    EARLIEST_TWEET_MS,
)
from ..text_mentions import mentions_from_text
from .tweet import _SOURCES, _UNSEEN, _id, _remember, _Tweet, _user_id

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
