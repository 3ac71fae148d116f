"""The fast path for API v1.1 JSON lines: DuckDB ``read_json`` straight into staged rows.

The Python reader (:mod:`kwo.formats.v1`) costs about 14 us a line in per-row Python; DuckDB's
``read_json`` with an explicit projection parses the same lines on every core in native code.
This module reads whole v1.1 JSON-lines files (plain or gzipped, several at once) into one DuckDB
table of staged rows (the columns of :data:`kwo.schema.TWEET_SCHEMA` plus ``_seq``) in the
connection the ingest merges with, so the rows never pass through Python or a staging file.

Exactness comes first: a file the fast path reads gives exactly the rows, ``_seq`` order and
accounting the Python reader gives. Every value is computed in SQL only where the SQL is the
same function as the Python reader's on the values allowed through (ids as plain digit strings,
created_at in Twitter's fixed layout, ASCII screen names, ...); the two values whose Python
rules are not worth copying are computed in Python on the few distinct inputs that need them:
the ``source`` label (on the distinct raw sources) and ``html.unescape`` of texts with a ``&``.

**When the fast path declines a file.** It declines (and the Python reader reads the file as
before, so quarantine entries keep their file, line, reason and raw text) when

* DuckDB cannot read it: invalid JSON or UTF-8 (lone surrogate escapes included), a truncated
  last line, a line that is not an object, duplicate keys, a UTF-8 BOM, a wrong nested type;
* any line is neither a tweet nor a stream notice as the Python reader sees it (no ``id_str``
  and no notice key with a non-null value: v2 records, search responses, unknown objects,
  ``null``, pre-2010 tweets without ``id_str``);
* any tweet, or tweet embedded in it, is not in the common shape: every ``*_str`` id a JSON
  string of 1-19 digits (tweet ids in 1..2**63-1), a numeric id only beside its ``*_str`` and then
  an integer, ``created_at`` exactly ``Www Mmm dd hh:mm:ss +hhmm yyyy`` with a real date and a
  time from March 2006 to a day from now, every string field a JSON string, screen names ASCII,
  ``entities`` present (else mentions would come from the text), no ``NUL`` character in a text,
  nesting no deeper than a retweet of a quote (or a quote of a quote).

Anything the Python reader would quarantine, patch or leave out is outside the common shape, so
the fast path never stores a row the Python reader would not, nor misses one it would.

Some differences cannot be seen through DuckDB's projection; no Twitter API writes them, and they
are the known limits of this fast path: DuckDB's JSON parser accepts ``NaN``/``Infinity``,
trailing commas, numbers beyond the double range and nesting deeper than msgspec's recursion
limit in fields kwo does not read (the Python reader quarantines such a line); a line over
MAX_RECORD_BYTES is seen only through its long texts (over 1 MiB: declined); and a key with a
``null`` value reads as absent (``{"delete": {...}, "data": null}`` is a notice here, a v2
record to the Python reader). Embedded tweets (retweeted/quoted status) are decoded by the
Python reader's own code from the JSON DuckDB gives for them, so everything in them is exact.

The fast path is off by default for now: ``KWO_FAST_PATH=1`` turns it on, ``0`` (the default)
sends every input through the Python reader; the tests compare the two. Measured on a loaded
2-core machine it is not yet faster end to end than the Python reader (the SQL checks of the
common shape cost as much as DuckDB's parse; see the ingest report in benchmarks/), and the
limits above make one stored count differ on inputs no API writes; so it stays opt-in until both
are settled.
"""

from __future__ import annotations

import html
import os
import time

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ..schema import source_label
from . import CLOCK_SKEW_MS, EARLIEST_TWEET_MS
from .v1 import NOTICE_KEYS, V2_KEYS

#: Environment switch: "0" sends every input through the Python reader.
ENV_SWITCH = "KWO_FAST_PATH"

# _seq of a fast row: file index << FILE_SHIFT | line number * ROWS_PER_LINE + position of the
# row within its line (the collected tweet first, then its embedded tweets in the order the
# Python reader adds them). Only the order matters to the merge ("first staged wins").
ROWS_PER_LINE = 8

# DuckDB's limit on one line (it does not enforce it on every line: long texts are checked
# separately, see kwo_text_ok).
MAX_LINE_BYTES = 16 << 20

# ---------------------------------------------------------------------------------------------
# The projection. String fields are JSON so that their JSON type can be checked (a VARCHAR
# column would silently turn a number or an object into text); numeric ids are VARCHAR (their
# text is checked to be an integer).

_MENTION = "STRUCT(id_str JSON, id VARCHAR, screen_name JSON)"
_ENTITIES = f"STRUCT(user_mentions {_MENTION}[])"
_USER = "STRUCT(id_str JSON, id VARCHAR, screen_name JSON)"
_TWEET_FIELDS = {
    "id_str": "JSON",
    "id": "VARCHAR",
    "created_at": "VARCHAR",
    "user": _USER,
    "text": "JSON",
    "full_text": "JSON",
    "extended_tweet": f"STRUCT(full_text JSON, entities {_ENTITIES})",
    "entities": _ENTITIES,
    "in_reply_to_status_id_str": "JSON",
    "in_reply_to_status_id": "VARCHAR",
    "in_reply_to_user_id_str": "JSON",
    "in_reply_to_user_id": "VARCHAR",
    "in_reply_to_screen_name": "JSON",
    "quoted_status_id_str": "JSON",
    "lang": "JSON",
    "source": "JSON",
}


# Embedded tweets (retweeted_status, quoted_status) are read as JSON text and turned into context
# rows by the Python reader's own code (few lines carry them; see FastReader._embedded).
_EXTRA_KEYS = sorted(NOTICE_KEYS | V2_KEYS)


def columns() -> dict[str, str]:
    cols = {**_TWEET_FIELDS, "retweeted_status": "JSON", "quoted_status": "JSON"}
    for key in _EXTRA_KEYS:
        cols.setdefault(key, "JSON")
    return cols


# ---------------------------------------------------------------------------------------------
# SQL for one tweet struct (or the top-level columns): its values and whether it is in the
# common shape. ``p`` is a prefix such as ``r.retweeted_status.``.

_MACROS = r"""
CREATE OR REPLACE TEMP MACRO kwo_str_ok(x) AS (x IS NULL OR starts_with(x::VARCHAR, '"'));
-- the value of a JSON string; without a backslash it is the text between the quotes
CREATE OR REPLACE TEMP MACRO kwo_str(x) AS (
    CASE WHEN contains(x::VARCHAR, '\') THEN x ->> '$'
    ELSE substr(x::VARCHAR, 2, length(x::VARCHAR) - 2) END);
-- a number msgspec takes as int | float | str (or a string): castable to an integer; bools,
-- objects, arrays, floats, NaN and numbers beyond the double range are not
CREATE OR REPLACE TEMP MACRO kwo_num_ok(x) AS (x IS NULL OR TRY_CAST(x AS BIGINT) IS NOT NULL);
-- a JSON string of 1-19 ASCII digits
CREATE OR REPLACE TEMP MACRO kwo_digits(x) AS (regexp_full_match(x::VARCHAR, '"[0-9]{1,19}"'));
CREATE OR REPLACE TEMP MACRO kwo_tid(x) AS (
    CASE WHEN kwo_digits(x) THEN TRY_CAST(substr(x::VARCHAR, 2, strlen(x::VARCHAR) - 2) AS BIGINT) END);
CREATE OR REPLACE TEMP MACRO kwo_tid_ok(x) AS (kwo_tid(x) > 0);
-- a user id: its *_str when that is a digit string; absent when both are absent
CREATE OR REPLACE TEMP MACRO kwo_uid_ok(s, n) AS (
    kwo_num_ok(n) AND CASE WHEN s IS NULL THEN n IS NULL ELSE regexp_full_match(s::VARCHAR, '"[0-9]+"') END);
-- a tweet id that may be absent (in_reply_to_status_id): valid *_str, or neither
CREATE OR REPLACE TEMP MACRO kwo_opt_tid_ok(s, n) AS (
    kwo_num_ok(n) AND CASE WHEN s IS NULL OR s::VARCHAR = '""' THEN n IS NULL ELSE kwo_tid_ok(s) END);
-- an ASCII screen name, written without escapes (lower() is then Python's str.lower())
CREATE OR REPLACE TEMP MACRO kwo_handle_ok(x) AS (
    x IS NULL OR (kwo_str_ok(x) AND NOT contains(x::VARCHAR, '\') AND strlen(x::VARCHAR) = length(x::VARCHAR)));
CREATE OR REPLACE TEMP MACRO kwo_handle(x) AS (lower(nullif(kwo_str(x), '')));
-- a JSON string without NUL, and not so long that its line could pass MAX_RECORD_BYTES
CREATE OR REPLACE TEMP MACRO kwo_text_ok(x) AS (
    x IS NULL OR (starts_with(x::VARCHAR, '"') AND NOT contains(x::VARCHAR, '\u0000')
                  AND strlen(x::VARCHAR) < 1048576));
-- epoch ms of a created_at in Twitter's layout (kwo.schema.parse_twitter_date); NULL when DuckDB's
-- strptime refuses it (a day the month lacks, a leap second, a wrong weekday name, ...)
CREATE OR REPLACE TEMP MACRO kwo_date_ms(c) AS (
    CASE WHEN regexp_full_match(c, '(Mon|Tue|Wed|Thu|Fri|Sat|Sun) '
          '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{2} '
          '[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4} [0-9]{4}')
    THEN epoch_ms(try_strptime(c, '%a %b %d %H:%M:%S %z %Y')) END);
"""


def _mentions_sql(p: str) -> tuple[str, str]:
    """(value, ok) of a tweet's mentions: extended_tweet.entities when present, else entities;
    each account once (same user id, or same lowercase handle when there is no id), in order."""
    ents = (f"(CASE WHEN {p}extended_tweet IS NOT NULL AND {p}extended_tweet.entities IS NOT NULL "
            f"THEN {p}extended_tweet.entities ELSE {p}entities END)")
    ms = f"coalesce({ents}.user_mentions, [])"
    keyed = (f"list_transform({ms}, lambda m: {{'user_id': kwo_str(m.id_str), "
             f"'handle': kwo_handle(m.screen_name), 'k': coalesce(kwo_str(m.id_str), kwo_handle(m.screen_name))}})")
    value = (f"list_transform(list_filter({keyed}, lambda x, i: x.k IS NOT NULL AND "
             f"list_position(list_transform({keyed}, lambda y: y.k), x.k) = i), "
             f"lambda x: {{'user_id': x.user_id, 'handle': x.handle}})")
    ok = (f"({ents} IS NOT NULL AND coalesce(list_bool_and(list_transform({ms}, lambda m: m IS NOT NULL "
          f"AND kwo_uid_ok(m.id_str, m.id) AND kwo_handle_ok(m.screen_name))), true))")
    return value, ok


def _tweet_sql() -> tuple[dict[str, str], str]:
    """Column expressions of a line's collected row, and its common-shape predicate.

    retweet_of_id and quote_of_id from the embedded tweets are filled in by FastReader._embedded.
    """
    ext = "r.extended_tweet"
    text = f"coalesce(nullif(kwo_str({ext}.full_text), ''), nullif(kwo_str(r.full_text), ''), kwo_str(r.text))"
    mentions, mentions_ok = _mentions_sql("r.")
    values = {
        "tweet_id": "kwo_tid(r.id_str)",
        "created_ms": "kwo_date_ms(r.created_at)",
        "author_id": "kwo_str(r.user.id_str)",
        "author_handle": "kwo_handle(r.user.screen_name)",
        "text": text,
        "in_reply_to_tweet_id": "kwo_tid(r.in_reply_to_status_id_str)",
        "in_reply_to_user_id": "kwo_str(r.in_reply_to_user_id_str)",
        "in_reply_to_handle": "kwo_handle(r.in_reply_to_screen_name)",
        "retweet_of_id": "NULL::BIGINT",
        "quote_of_id": "kwo_tid(r.quoted_status_id_str)",
        "mentions": mentions,
        "lang": "kwo_str(r.lang)",
        "source_raw": "kwo_str(r.source)",
    }
    ok = " AND ".join([
        "kwo_tid_ok(r.id_str)", "kwo_num_ok(r.id)",
        f"kwo_date_ms(r.created_at) BETWEEN {EARLIEST_TWEET_MS} AND $latest_ms",
        "(r.user IS NULL OR (kwo_uid_ok(r.user.id_str, r.user.id) AND kwo_handle_ok(r.user.screen_name)))",
        "kwo_text_ok(r.text)", "kwo_text_ok(r.full_text)", f"kwo_text_ok({ext}.full_text)",
        "kwo_opt_tid_ok(r.in_reply_to_status_id_str, r.in_reply_to_status_id)",
        "kwo_uid_ok(r.in_reply_to_user_id_str, r.in_reply_to_user_id)",
        "kwo_handle_ok(r.in_reply_to_screen_name)",
        "(r.quoted_status_id_str IS NULL OR r.quoted_status_id_str::VARCHAR = '\"\"' "
        "OR kwo_tid_ok(r.quoted_status_id_str))",
        "kwo_str_ok(r.lang)", "kwo_str_ok(r.source)",
        mentions_ok,
    ])
    return values, ok


def _is_notice_sql() -> str:
    notice = " OR ".join(f'r."{k}" IS NOT NULL' for k in sorted(NOTICE_KEYS))
    v2 = " AND ".join(f'r."{k}" IS NULL' for k in sorted(V2_KEYS))
    return f"(r.id_str IS NULL AND ({notice}) AND {v2})"


ROW_COLUMNS = ["tweet_id", "created_ms", "author_id", "author_handle", "text", "in_reply_to_tweet_id",
               "in_reply_to_user_id", "in_reply_to_handle", "retweet_of_id", "quote_of_id", "mentions",
               "lang", "source_raw"]


def lines_sql() -> str:
    """One row per line: its kind (0 tweet, 2 notice, 3 outside the common shape), the values of
    its collected row and its embedded tweets as JSON text."""
    values, ok = _tweet_sql()
    # Lines that give no row keep no values: a file of bad lines costs little memory to decline.
    parts = [f"CASE WHEN r.id_str IS NOT NULL THEN {expr} END AS {name}" for name, expr in values.items()]
    kind = (f"CASE WHEN r.id_str IS NOT NULL THEN (CASE WHEN {ok} THEN 0 ELSE 3 END) "
            f"WHEN {_is_notice_sql()} THEN 2 ELSE 3 END")
    return (f"SELECT f.idx, {kind} AS kind, {', '.join(parts)}, "
            "CASE WHEN r.id_str IS NOT NULL THEN r.retweeted_status END AS rt, "
            "CASE WHEN r.id_str IS NOT NULL THEN r.quoted_status END AS qt "
            "FROM read_json($paths, format = 'newline_delimited', columns = $columns, filename = true, "
            f"maximum_object_size = {MAX_LINE_BYTES}) r JOIN kwo_fast_files f ON f.filename = r.filename")


# ---------------------------------------------------------------------------------------------
# Running it


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "0") == "1"


def eligible_path(path: str) -> bool:
    """read_json takes its paths as glob patterns: a name with a glob character is left to the
    Python reader."""
    return path != "-" and not any(c in path for c in "*?[]{}")


class _Declined(Exception):
    """A line the fast path cannot read exactly: its file goes to the Python reader."""


def _context_of(reader, quote_of: int | None, rt: str | None, qt: str | None) -> tuple[int | None, int | None]:
    """Add the context rows of one line's embedded tweets to ``reader`` as the Python reader
    does; return the line's retweet_of_id and quote_of_id. Raises _Declined where the Python
    reader would quarantine the line."""
    from .v1 import _decode_tweet, _id, _Tweet

    try:
        outer = _Tweet(retweeted_status=None if rt is None else _decode_tweet(rt),
                       quoted_status=None if qt is None else _decode_tweet(qt))
        retweet_of = None if outer.retweeted_status is None else _id(
            outer.retweeted_status.id_str, outer.retweeted_status.id, "retweeted_status.id")
        if quote_of is None and outer.quoted_status is not None:
            quote_of = _id(outer.quoted_status.id_str, outer.quoted_status.id, "quoted_status.id")
    except (ValueError, RecursionError):  # msgspec.ValidationError too: the line is quarantined
        raise _Declined from None
    reader._add_context(outer)
    return retweet_of, quote_of


class FastReader:
    """Reads v1.1 JSON-lines files into staged rows in ``con`` (see :meth:`finish`).

    ``con`` should be a database file (the merge's, in the staging folder) so that DuckDB can
    move the tables of a large input to disk under its memory limit.
    """

    VIEW = "fast_rows"

    def __init__(self, con: duckdb.DuckDBPyConnection, file_shift: int):
        self.con = con
        self.file_shift = file_shift
        self.paths: dict[int, str] = {}
        self._rows = 0  # lines in kwo_lines
        self._embedded_table = False
        con.execute(_MACROS)
        con.execute("SET TimeZone = 'UTC'")

    def _register(self, name: str, table: pa.Table) -> None:
        """Copy an Arrow table into a table (a registered view would pin the Python object)."""
        self.con.register(name + "_arrow", table)
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_arrow")
        self.con.unregister(name + "_arrow")

    def read(self, files: list[tuple[int, str]]) -> dict[int, tuple[int, int]]:
        """Read ``files`` ((input index, path); distinct paths) in one scan. Returns (records,
        notices) per file read; a file missing from the result is declined and none of its rows
        are kept. Raises duckdb.Error when DuckDB cannot read one of them (the caller retries
        them one by one)."""
        con = self.con
        self._register("kwo_fast_files", pa.table({"idx": pa.array([i for i, _ in files], pa.int64()),
                                                   "filename": [p for _, p in files]}))
        con.execute("SET preserve_insertion_order = true")  # rowid order is line order
        latest = int(time.time() * 1000) + CLOCK_SKEW_MS
        params = {"paths": [p for _, p in files], "columns": columns(), "latest_ms": latest}
        # Lines are kept where they land (rows of declined files are left out by finish's view):
        # copying a whole file's rows once more costs as much as a third of reading them.
        first = self._rows == 0
        con.execute(("CREATE TABLE kwo_lines AS " if first else "INSERT INTO kwo_lines ") + lines_sql(), params)
        start, self._rows = self._rows, con.execute("SELECT count(*) FROM kwo_lines").fetchone()[0]
        counts = con.execute(
            "SELECT idx, count(*), count(*) FILTER (WHERE kind = 2), bool_or(kind = 3) "
            "FROM kwo_lines WHERE rowid >= $start GROUP BY idx", {"start": start}).fetchall()
        kept = {idx: (records, notices) for idx, records, notices, bad in counts if not bad}
        seen = {c[0] for c in counts}
        kept.update({idx: (0, 0) for idx, _ in files if idx not in seen})  # blank lines only
        batches, seqs, ids, declined = self._embedded(kept, dict(files), start)
        for idx in declined:
            del kept[idx]
        self._keep(kept, batches, seqs, ids)
        self.paths.update({i: p for i, p in files if i in kept})
        return kept

    def _embedded(self, kept: dict[int, tuple[int, int]], paths: dict[int, str], start: int):
        """Context rows of the kept files' lines that embed tweets, made by the Python reader's own
        code (kwo.formats.v1._Reader._add_context), in its order. Returns (their batches, their
        _seq, (_seq, retweet_of_id, quote_of_id) of the lines, the files to decline)."""
        from . import ReadContext
        from .v1 import _Reader

        readers = {idx: _Reader(ReadContext(path=paths[idx])) for idx in kept}
        batches: list[pa.RecordBatch] = []
        seqs: list[int] = []
        ids: list[tuple[int, int | None, int | None]] = []
        declined: set[int] = set()
        cur = self.con.execute("SELECT idx, rowid, quote_of_id, rt, qt FROM kwo_lines WHERE rowid >= $start "
                               "AND kind = 0 AND (rt IS NOT NULL OR qt IS NOT NULL) ORDER BY rowid",
                               {"start": start})
        while rows := cur.fetchmany(4096):
            for idx, rowid, quote_of, rt, qt in rows:
                if idx not in readers or idx in declined:
                    continue
                reader = readers[idx]
                before = len(reader.builder) + sum(b.num_rows for b in reader.ready)
                try:
                    retweet_of, quote_of = _context_of(reader, quote_of, rt, qt)
                except _Declined:
                    declined.add(idx)
                    continue
                added = len(reader.builder) + sum(b.num_rows for b in reader.ready) - before
                if added >= ROWS_PER_LINE:  # nested deeper than any tweet Twitter writes
                    declined.add(idx)
                    continue
                seq = (idx << self.file_shift) | (rowid * ROWS_PER_LINE)
                seqs.extend(range(seq + 1, seq + 1 + added))
                ids.append((seq, retweet_of, quote_of))
                batches.extend(reader.take())
        for reader in readers.values():
            batches.extend(reader.finish())
        return batches, seqs, ids, declined

    def _keep(self, kept: dict[int, tuple[int, int]], batches: list[pa.RecordBatch], seqs: list[int],
              ids: list[tuple[int, int | None, int | None]]) -> None:
        """Add what Python computed for the kept files: the retweet/quote ids of lines that embed
        tweets, and their context rows."""
        con = self.con
        if not kept:
            return
        if not self._embedded_table:
            con.execute("CREATE OR REPLACE TABLE kwo_fast_embedded AS SELECT * FROM "
                        f"{_staged_schema_sql()} WHERE false")
            self._embedded_table = True
        ids = [i for i in ids if (i[0] >> self.file_shift) in kept]
        if ids:
            self._register("kwo_ids", pa.table({"row": pa.array([_rowid(i[0], self.file_shift) for i in ids], pa.int64()),
                                                "rt": pa.array([i[1] for i in ids], pa.int64()),
                                                "qt": pa.array([i[2] for i in ids], pa.int64())}))
            con.execute("UPDATE kwo_lines SET retweet_of_id = i.rt, quote_of_id = i.qt "
                        "FROM kwo_ids i WHERE kwo_lines.rowid = i.row")
        if seqs:
            files = pa.array(list(kept), pa.int64())
            table = pa.Table.from_batches(batches).append_column("_seq", pa.array(seqs, pa.int64()))
            table = table.filter(pc.is_in(pc.shift_right(table["_seq"], self.file_shift), files))
            self._register("kwo_ctx", table)
            con.execute("INSERT INTO kwo_fast_embedded SELECT * FROM kwo_ctx")

    def finish(self) -> str | None:
        """Create the view ``fast_rows`` (TWEET_SCHEMA columns + _seq) over everything read, with
        the values computed in Python; returns its name, or None when no file was read."""
        if not self.paths:
            return None
        con = self.con
        raws = [r[0] for r in con.execute("SELECT DISTINCT source_raw FROM kwo_lines WHERE kind = 0").fetchall()]
        self._register("kwo_fast_sources", pa.table({
            "raw": pa.array(raws, pa.string()), "label": pa.array([source_label(r) for r in raws], pa.string())}))
        self._unescape_texts()
        self._register("kwo_fast_paths", pa.table({"idx": pa.array(list(self.paths), pa.int64()),
                                                   "source_file": list(self.paths.values())}))
        con.execute(f"""
            CREATE OR REPLACE TEMP VIEW {self.VIEW} AS
            SELECT r.tweet_id, epoch_ms(r.created_ms)::TIMESTAMPTZ AS created_at, r.author_id,
                   r.author_handle, r.text, r.in_reply_to_tweet_id, r.in_reply_to_user_id,
                   r.in_reply_to_handle, NULL::BIGINT AS conversation_id, r.retweet_of_id,
                   r.quote_of_id, r.retweet_of_id IS NOT NULL AS is_retweet, r.mentions, r.lang,
                   s.label AS source, NULL::BOOLEAN AS inbound, true AS collected, p.source_file,
                   (r.idx << {self.file_shift}) | (r.rowid * {ROWS_PER_LINE}) AS _seq
            FROM kwo_lines r JOIN kwo_fast_paths p ON p.idx = r.idx
            LEFT JOIN kwo_fast_sources s ON s.raw = r.source_raw
            WHERE r.kind = 0
            UNION ALL BY NAME
            SELECT * FROM kwo_fast_embedded
        """)
        return self.VIEW

    def _unescape_texts(self) -> None:
        """Twitter HTML-escapes & < > in texts: html.unescape (as kwo.schema.unescape_text) in
        Python on the texts that hold a '&'."""
        con = self.con
        rows = con.execute("SELECT rowid, text FROM kwo_lines WHERE kind = 0 AND contains(text, '&')").fetchall()
        if not rows:
            return
        self._register("kwo_texts", pa.table({"row": pa.array([r[0] for r in rows], pa.int64()),
                                              "text": pa.array([html.unescape(r[1]) for r in rows], pa.string())}))
        con.execute("UPDATE kwo_lines SET text = t.text FROM kwo_texts t WHERE kwo_lines.rowid = t.row")


def _rowid(seq: int, file_shift: int) -> int:
    return (seq & ((1 << file_shift) - 1)) // ROWS_PER_LINE


def _staged_schema_sql() -> str:
    """An empty relation in TWEET_SCHEMA + _seq, as DuckDB reads the staging Parquet."""
    from ..schema import TWEET_SCHEMA

    cols = []
    for f in TWEET_SCHEMA:
        sql_type = {"tweet_id": "BIGINT"}.get(f.name)
        cols.append(f"NULL::{sql_type or _duck_type(f.type)} AS {f.name}")
    return "(SELECT " + ", ".join(cols) + ", NULL::BIGINT AS _seq)"


def _duck_type(t: pa.DataType) -> str:
    if pa.types.is_int64(t):
        return "BIGINT"
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ"
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_list(t):
        return "STRUCT(user_id VARCHAR, handle VARCHAR)[]"
    return "VARCHAR"
