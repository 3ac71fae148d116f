"""The canonical tweet schema (DESIGN.md section 2) and the builder readers fill it with.

Every reader produces rows through :class:`RowBuilder`, so every format lands in exactly the
same Arrow types. Two columns go beyond DESIGN.md section 2:

* ``is_retweet``: account archives and old dumps mark retweets only by an ``RT @`` text prefix,
  without the id of the original, so ``retweet_of_id`` alone cannot say "this is a retweet".
* ``inbound``: the twcs flag (True = customer, False = company), null for other formats;
  company accounts of a twcs archive are derived from it.
"""

from __future__ import annotations

import calendar
import functools
import html
import re
from collections.abc import Iterable

import pyarrow as pa

MENTION_TYPE = pa.struct([("user_id", pa.string()), ("handle", pa.string())])

TWEET_SCHEMA = pa.schema(
    [
        ("tweet_id", pa.int64()),
        ("created_at", pa.timestamp("ms", tz="UTC")),
        ("author_id", pa.string()),
        ("author_handle", pa.string()),
        ("text", pa.string()),
        ("in_reply_to_tweet_id", pa.int64()),
        ("in_reply_to_user_id", pa.string()),
        ("in_reply_to_handle", pa.string()),
        ("conversation_id", pa.int64()),
        ("retweet_of_id", pa.int64()),
        ("quote_of_id", pa.int64()),
        ("is_retweet", pa.bool_()),
        ("mentions", pa.list_(MENTION_TYPE)),
        ("lang", pa.string()),
        ("source", pa.string()),
        ("inbound", pa.bool_()),
        ("collected", pa.bool_()),
        ("source_file", pa.string()),
    ]
)

COLUMNS = TWEET_SCHEMA.names
DEFAULT_BATCH_ROWS = 65_536

# Twitter's epoch for snowflake ids (2010-11-04T01:42:54.657Z) and the first snowflake id.
TWITTER_EPOCH_MS = 1_288_834_974_657
FIRST_SNOWFLAKE_ID = 29_700_859_247


class RowBuilder:
    """Accumulates rows column by column and hands out Arrow record batches.

    Column lists are appended to directly (no dict per row): this is the hot loop of ingest.
    ``created_at`` is epoch milliseconds (int).
    """

    __slots__ = ("source_file", "batch_rows", "_cols", "_n", "_m_offsets", "_m_ids", "_m_handles")

    def __init__(self, source_file: str, batch_rows: int = DEFAULT_BATCH_ROWS):
        self.source_file = source_file
        self.batch_rows = batch_rows
        self._reset()

    def _reset(self) -> None:
        # one list per column except mentions (three flat child lists) and source_file (constant)
        self._cols: list[list] = [[] for _ in range(len(COLUMNS) - 2)]
        self._m_offsets: list[int] = [0]
        self._m_ids: list[str | None] = []
        self._m_handles: list[str | None] = []
        self._n = 0

    def __len__(self) -> int:
        return self._n

    @property
    def full(self) -> bool:
        return self._n >= self.batch_rows

    def add(
        self,
        tweet_id: int,
        created_at_ms: int,
        author_id: str | None,
        author_handle: str | None,
        text: str | None,
        in_reply_to_tweet_id: int | None = None,
        in_reply_to_user_id: str | None = None,
        in_reply_to_handle: str | None = None,
        conversation_id: int | None = None,
        retweet_of_id: int | None = None,
        quote_of_id: int | None = None,
        is_retweet: bool = False,
        mentions: list[tuple[str | None, str | None]] | None = None,
        lang: str | None = None,
        source: str | None = None,
        inbound: bool | None = None,
        collected: bool = True,
    ) -> None:
        c = self._cols
        c[0].append(tweet_id)
        c[1].append(created_at_ms)
        c[2].append(author_id)
        c[3].append(author_handle.lower() if author_handle else None)
        c[4].append(text)
        c[5].append(in_reply_to_tweet_id)
        c[6].append(in_reply_to_user_id)
        c[7].append(in_reply_to_handle.lower() if in_reply_to_handle else None)
        c[8].append(conversation_id)
        c[9].append(retweet_of_id)
        c[10].append(quote_of_id)
        c[11].append(is_retweet or retweet_of_id is not None)
        if mentions:
            ids, handles = self._m_ids, self._m_handles
            for uid, handle in mentions:
                ids.append(uid)
                handles.append(handle.lower() if handle else None)
        self._m_offsets.append(len(self._m_ids))
        c[12].append(lang)
        c[13].append(source)
        c[14].append(inbound)
        c[15].append(collected)
        self._n += 1

    def flush(self) -> pa.RecordBatch | None:
        """Return the rows gathered so far as one batch (None when empty) and start anew."""
        if not self._n:
            return None
        cols = self._cols
        types = [f.type for f in TWEET_SCHEMA]
        arrays = [pa.array(cols[i], type=types[i]) for i in range(12)]
        children = pa.StructArray.from_arrays(
            [pa.array(self._m_ids, pa.string()), pa.array(self._m_handles, pa.string())],
            fields=list(MENTION_TYPE),
        )
        arrays.append(pa.ListArray.from_arrays(pa.array(self._m_offsets, pa.int32()), children,
                                               type=types[12]))
        arrays += [pa.array(cols[i], type=types[i + 1]) for i in range(12, 16)]
        arrays.append(pa.array([self.source_file] * self._n, type=pa.string()))
        batch = pa.RecordBatch.from_arrays(arrays, schema=TWEET_SCHEMA)
        self._reset()
        return batch


def empty_table() -> pa.Table:
    return TWEET_SCHEMA.empty_table()


# ---------------------------------------------------------------------------------------------
# Field helpers shared by the readers

_MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}


def parse_twitter_date(value: str) -> int:
    """``Wed Oct 10 20:19:24 +0000 2018`` -> epoch milliseconds. Raises ValueError."""
    # Slicing instead of strptime: this runs once per tweet and strptime is ~10x slower.
    if len(value) != 30 or value[3] != " " or value[19] != " " or value[25] != " ":
        raise ValueError(f"unrecognised created_at {value!r}")
    month = _MONTHS.get(value[4:7])
    if month is None:
        raise ValueError(f"unrecognised month in created_at {value!r}")
    hh, mm, ss = int(value[11:13]), int(value[14:16]), int(value[17:19])
    sign = -1 if value[20] == "-" else 1
    offset_min = sign * (int(value[21:23]) * 60 + int(value[23:25]))
    try:
        day = _day_epoch(int(value[26:30]), month, int(value[8:10]))
    except ValueError:
        day = None
    if day is None or not (hh < 24 and mm < 60 and ss < 61):
        raise ValueError(f"out-of-range created_at {value!r}")
    secs = day + hh * 3600 + mm * 60 + ss - offset_min * 60
    return secs * 1000


@functools.lru_cache(maxsize=4096)
def _day_epoch(year: int, month: int, day: int) -> int:
    """Seconds since the epoch at the start of a UTC day; cached: dumps hold few distinct days."""
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueError(f"no day {day} in {year}-{month:02d}")
    return calendar.timegm((year, month, day, 0, 0, 0, 0, 0, 0))


_ISO_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$"
)


def parse_iso_date(value: str) -> int:
    """``2021-04-08T19:34:16.000Z`` -> epoch milliseconds (naive means UTC). Raises ValueError."""
    m = _ISO_RE.match(value)
    if not m:
        raise ValueError(f"unrecognised created_at {value!r}")
    y, mo, d, hh, mi, ss, frac, tz = m.groups()
    secs = calendar.timegm((int(y), int(mo), int(d), int(hh), int(mi), int(ss), 0, 0, 0))
    if tz and tz != "Z":
        tz = tz.replace(":", "")
        off = int(tz[1:3]) * 60 + int(tz[3:5])
        secs -= off * 60 if tz[0] == "+" else -off * 60
    ms = int((frac or "0")[:3].ljust(3, "0"))
    return secs * 1000 + ms


def snowflake_ms(tweet_id: int) -> int | None:
    """Creation time encoded in a snowflake tweet id, or None for pre-snowflake ids."""
    if tweet_id < FIRST_SNOWFLAKE_ID:
        return None
    return (tweet_id >> 22) + TWITTER_EPOCH_MS


def parse_id(value) -> int | None:
    """An id from a string (``"123"``, ``"3.0"``) or an int; None for empty. Raises ValueError.

    Floats are refused: a JSON number above 2**53 has already lost digits.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"not an id: {value!r}")
    if isinstance(value, int):
        v = value
    elif isinstance(value, str):
        s = value.strip()
        if s.endswith(".0"):
            s = s[:-2]
        if not (s.isascii() and s.isdigit()):
            raise ValueError(f"not an id: {value!r}")
        v = int(s)
    else:
        raise ValueError(f"not an id: {value!r}")
    if not 0 <= v < 2**63:
        raise ValueError(f"id out of range: {value!r}")
    return v


def unescape_text(text: str | None) -> str | None:
    """Twitter HTML-escapes ``& < >`` in tweet text; store the text as the user wrote it."""
    if text and "&" in text:
        return html.unescape(text)
    return text


_TAG_RE = re.compile(r"<[^>]*>")


def source_label(source: str | None) -> str | None:
    """``<a href="...">Twitter for iPhone</a>`` -> ``Twitter for iPhone``."""
    if source and "<" in source:
        return html.unescape(_TAG_RE.sub("", source)) or None
    return source or None


def distinct_mentions(
    pairs: Iterable[tuple[str | None, str | None]],
) -> list[tuple[str | None, str | None]]:
    """Drop repeated mentions of the same account (same id, or same handle when no id)."""
    out: list[tuple[str | None, str | None]] = []
    seen: set = set()
    for uid, handle in pairs:
        h = handle.lower() if handle else None
        key = uid or h
        if key is None or key in seen:
            continue
        seen.add(key)
        out.append((uid, h))
    return out
