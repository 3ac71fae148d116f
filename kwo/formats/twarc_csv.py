"""Reader for the CSV that twarc-csv (DocNow/twarc-csv, ``twarc2 csv``) writes from twarc2 JSON.

twarc-csv flattens each tweet of the v2 pages into one row of dotted columns (``id``,
``author.username``, ``referenced_tweets.replied_to.id``, ``entities.mentions``, ...). Each row is
one record and one collected tweet. Its columns are mapped onto the same v2 tweet fields that
:mod:`kwo.formats.v2` reads, and go through the same code (``v2._row``), so ids, times, texts,
handles and references mean what they mean for the JSON itself:

* ids from their strings; ``created_at`` ISO 8601 (from the id when empty);
* ``referenced_tweets.{replied_to,retweeted,quoted}.id`` -> in_reply_to_tweet_id, retweet_of_id,
  quote_of_id; ``in_reply_to_user_id`` and ``in_reply_to_username``; ``conversation_id``;
* ``author_id`` and ``author.username``; ``lang``; ``source``;
* ``entities.mentions``: a JSON list of ``"@username"`` (twarc-csv's default), or of mention
  objects with ``id`` and ``username`` (``--no-process-entities``), or the Python list text that
  ``--no-json-encode-lists`` writes;
* rows written with ``--json-encode-text`` or ``--json-encode-all``, whose texts are JSON strings
  (known by the id, which is then quoted): decoded, line breaks and carriage returns kept.

What the CSV cannot carry (docs: README "What ingest reads"):

* the user ids of mentions: twarc-csv keeps the ``@username`` only (so mentions match brands by
  handle, as for twcs);
* the ``RT @user:`` text and entities of a retweet: twarc-csv replaces them with the retweeted
  tweet's (its default ``--merge-retweets``). Retweets are never mentions, so no figure changes;
* context tweets: the referenced tweets of ``includes.tweets`` are not rows (unless
  ``--inline-referenced-tweets``, which writes them as rows that cannot be told apart from the
  collected tweets: they are read as collected);
* carriage returns in texts, which twarc-csv removes, and a literal backslash-n, which it cannot
  tell apart from the ``\\n`` it writes for a line break (read as a line break); with
  ``--json-encode-text`` both are kept.

Lines are split as in :mod:`kwo.formats.twcs` (a stray CR inside a field, lines cut at
``MAX_LINE_BYTES``, invalid UTF-8): a row that cannot be read is quarantined with its line.
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple

import pyarrow as pa

from ..errors import UnknownFormatError
from .base import Format, ReadContext, register_format
from .reasons import csv_record, invalid_utf8
from .twcs import MAX_LINE_BYTES, _line_separator, _LineTooLong, _PhysicalLines, _RecordLines
from .v2 import _NO_USERS, Entities, Mention, Tweet, User, _BadRecord, _row

_CHUNK = 1 << 20

#: The columns without which figures would be wrong without a word (twarc-csv --output-columns
#: can leave any out): a missing one is an error naming it.
REQUIRED_COLUMNS = ("id", "created_at", "author_id", "author.username", "text",
                    "referenced_tweets.replied_to.id", "referenced_tweets.retweeted.id", "entities.mentions")
#: Columns read when present (null otherwise).
OPTIONAL_COLUMNS = ("conversation_id", "referenced_tweets.quoted.id", "in_reply_to_user_id", "in_reply_to_username",
                    "lang", "source")
#: Column names that only twarc-csv's header has (content detection, kwo.formats.detect).
MARKER_PREFIXES = ("referenced_tweets.", "author.", "entities.", "public_metrics.", "__twarc.")


def is_twarc_csv_header(columns: set[str]) -> bool:
    """Whether a CSV header's column names are twarc-csv's (twcs has ``tweet_id``, not ``id``)."""
    return {"id", "text"} <= columns and any(c.startswith(MARKER_PREFIXES) for c in columns)


class _Columns(NamedTuple):
    width: int
    index: dict[str, int]  # column name -> position, for the required and optional columns found


def _header(rows: Iterator[list[str]], lines: _RecordLines, ctx: ReadContext) -> _Columns:
    try:
        fields = next(f for f in rows if f)
    except StopIteration:
        raise UnknownFormatError(ctx.path, "empty file: no twarc-csv header line") from None
    except _LineTooLong:
        raise UnknownFormatError(ctx.path, f"twarc-csv header line longer than {MAX_LINE_BYTES} bytes") from None
    except csv.Error:
        raise UnknownFormatError(ctx.path, f"unreadable twarc-csv header line: {csv_record()}") from None
    lines.next_record()
    index: dict[str, int] = {}
    for i, name in enumerate(f.strip() for f in fields):
        if name in REQUIRED_COLUMNS or name in OPTIONAL_COLUMNS:
            index.setdefault(name, i)
    missing = [c for c in REQUIRED_COLUMNS if c not in index]
    if missing:
        raise UnknownFormatError(
            ctx.path,
            f"twarc-csv header lacks column(s) {', '.join(missing)}, which the figures need "
            f"(write the CSV without --output-columns, or include them)",
        )
    return _Columns(len(fields), index)


def _text(value: str) -> str:
    # twarc-csv writes a line break as the two characters \n (and drops carriage returns).
    return value.replace("\\n", "\n")


def _mentions(value: str) -> list[Mention] | None:
    """The mentions of an ``entities.mentions`` cell; raises ValueError (the quarantine reason)."""
    value = value.strip()
    if not value:
        return None
    try:
        items = json.loads(value)
    except ValueError:
        items = _python_list(value)
    if not isinstance(items, list):
        raise ValueError(f"entities.mentions is not a list of mentions: {value[:80]!r}")
    out = []
    for item in items:
        if isinstance(item, str) and item.startswith("@") and len(item) > 1:
            out.append(Mention(None, item[1:]))
        elif isinstance(item, dict) and isinstance(item.get("username"), str) and item["username"]:
            uid = item.get("id")
            out.append(Mention(uid if isinstance(uid, str) and uid else None, item["username"]))
        else:
            raise ValueError(f"entities.mentions holds {str(item)[:80]!r}, not an @username or a mention object")
    return out


def _python_list(value: str):
    """The list that ``--no-json-encode-lists`` writes (Python's repr of a list of strings)."""
    if not value.startswith("["):
        raise ValueError(f"entities.mentions is not a list of mentions: {value[:80]!r}")
    try:
        return ast.literal_eval(value)  # literals only: nothing is run
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        raise ValueError(f"entities.mentions is not a list of mentions: {value[:80]!r}") from None


def _json_fields(fields: list[str]) -> list[str]:
    """The values of a row written with --json-encode-text or --json-encode-all, where every text
    is a JSON string (line breaks and carriage returns kept, as JSON escapes)."""
    out = []
    for value in fields:
        if value.startswith('"'):
            try:
                decoded = json.loads(value)
            except ValueError:
                raise ValueError(f"a field is not the JSON string it starts as: {value[:80]!r}") from None
            if isinstance(decoded, str):
                value = decoded
        out.append(value)
    return out


def _tweet(fields: list[str], cols: _Columns) -> Tweet:
    """The v2 tweet a row stands for; raises ValueError (the quarantine reason)."""
    if len(fields) != cols.width:
        raise ValueError(f"{len(fields)} fields where the header has {cols.width}")
    # Ids are digits, so an id that starts with a quote says the row's texts are JSON-encoded.
    json_encoded = fields[cols.index["id"]].startswith('"')
    if json_encoded:
        fields = _json_fields(fields)

    def get(name: str) -> str | None:
        i = cols.index.get(name)
        value = fields[i].strip() if i is not None else ""
        return value or None

    refs = [Tweet(id=ref, type=kind) for kind in ("replied_to", "retweeted", "quoted")
            if (ref := get(f"referenced_tweets.{kind}.id")) is not None]
    author_id = get("author_id")
    reply_user = get("in_reply_to_user_id")
    mentions = _mentions(fields[cols.index["entities.mentions"]])
    text = fields[cols.index["text"]]
    return Tweet(
        id=get("id"),
        created_at=get("created_at"),
        text=text if json_encoded else _text(text),
        author_id=author_id,
        conversation_id=get("conversation_id"),
        in_reply_to_user_id=reply_user,
        referenced_tweets=refs or None,
        entities=Entities(mentions) if mentions is not None else None,
        lang=get("lang"),
        source=get("source"),
        author=User(author_id, get("author.username")),
        in_reply_to_user=User(reply_user, get("in_reply_to_username")),
    )


def read(stream: BinaryIO, ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    head = stream.read(_CHUNK)
    sep = _line_separator(head)
    lines = _RecordLines(_PhysicalLines(stream, head, sep), sep)
    rows = csv.reader(lines)
    cols = _header(rows, lines, ctx)
    builder = ctx.builder()
    while True:
        try:
            fields = next(rows)
        except StopIteration:
            break
        except _LineTooLong:
            ctx.quarantine(lines.start, f"line longer than {MAX_LINE_BYTES} bytes", lines.raw_record())
        except csv.Error:
            ctx.quarantine(lines.start, csv_record(), lines.raw_record())
        else:
            if fields:  # a blank line is no record
                _record(builder, lines.restore(fields), cols, lines, ctx)
        lines.next_record()
        if builder.full:
            yield builder.flush()
    if batch := builder.flush():
        yield batch


def _record(builder, fields: list[str], cols: _Columns, lines: _RecordLines, ctx: ReadContext) -> None:
    if lines.undecodable:
        ctx.quarantine(lines.start, invalid_utf8(lines.raw_record()), lines.raw_record())
        return
    try:
        row = _row(_tweet(fields, cols), _NO_USERS, True)
    except (ValueError, _BadRecord) as exc:
        ctx.quarantine(lines.start, str(exc), lines.raw_record())
        return
    builder.add(*row)


register_format(Format(
    name="twarc-csv",
    description="CSV written by twarc-csv (twarc2 csv) from twarc2 JSON",
    read=read,
))
