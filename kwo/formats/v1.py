"""Reader for Twitter API v1.1 tweet JSON (and the pre-2010 v1 shape).

Handles one JSON object per line (REST dumps, streaming captures with their notice lines) and JSON
documents: arrays of tweets (one line or pretty-printed), search responses
``{"statuses": [...]}``, premium search responses ``{"results": [...]}`` and single tweet objects,
also several of these concatenated. Which of the two layouts a stream has is decided by its first
lines (see :func:`_probe`), never by the file name.

Speed: tweets are decoded with msgspec straight into :class:`_Tweet`, a Struct that projects the
few fields kwo stores, one line per ``decode`` call (measured faster than joining a chunk of lines
into one array). Documents are cut into their elements by msgspec too (see :class:`_Document`),
so they take the same path. Everything unusual (notices, old tweets, wrong types) takes a slower
path that decodes to Python objects and says precisely what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Iterator
from typing import BinaryIO

import msgspec
import pyarrow as pa

from ..schema import (
    distinct_mentions,
    mentions_from_text,
    parse_twitter_date,
    source_label,
    unescape_text,
)
from . import EXCERPT_BYTES, MAX_RECORD_BYTES, ReadContext, plausible_time, record_lines, too_long_reason

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
_BOM = b"\xef\xbb\xbf"
# A first line longer than this is not read whole to decide the layout: the file is a document.
_PROBE_LIMIT = 64 << 20
_CHUNK = 1 << 20


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
# Records to rows


class _Reader:
    """Turns records (raw JSON bytes or decoded values) into rows, notices and quarantine entries."""

    def __init__(self, ctx: ReadContext):
        self.ctx = ctx
        self.builder = ctx.builder()
        self.ready: list[pa.RecordBatch] = []

    def take(self) -> list[pa.RecordBatch]:
        ready, self.ready = self.ready, []
        return ready

    def finish(self) -> list[pa.RecordBatch]:
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
        except ValueError as exc:
            if not data.strip():  # blank lines are not records
                return
            patched = _without_lone_surrogates(data)
            if patched != data:
                self.one(line, patched, in_response)
            else:
                self._quarantine(line, f"invalid JSON: {exc}", data)
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
            except msgspec.ValidationError as exc:
                self._quarantine(line, f"unexpected value in a tweet: {exc}", raw or obj)
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


def _probe(stream: BinaryIO) -> tuple[list[bytes], bool]:
    """Read the first lines; return them and whether the input is one object per line.

    JSONL when the first non-blank line is a complete JSON object. A first line that does not
    open a document (``{``/``[`` and JSON that goes on in the next lines) gets a second chance:
    the input is JSONL when the next line is an object. Such a line is the tail of a line cut by
    ``split -b``, or a broken record (invalid UTF-8, a NUL byte, nested too deeply), which must
    not turn the good lines after it into one unreadable document.
    """
    lines: list[bytes] = []
    second_chance = False
    while True:
        line = stream.readline(_PROBE_LIMIT)
        if not lines:
            line = line.removeprefix(_BOM)
        if not line:
            return lines, True
        lines.append(line)
        if line.isspace():
            continue
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


def _read_lines(reader: _Reader, lines: Iterable[tuple[int, bytes]]) -> Iterator[pa.RecordBatch]:
    one = reader.one
    for number, line in lines:
        one(number, line)
        if reader.ready:
            yield from reader.take()
    yield from reader.finish()


class _SyntaxError(Exception):
    """The document's structure is broken here; nothing after this point can be located."""


_WHITESPACE = re.compile(rb"[ \t\r\n]*")
# msgspec reports where a value ends only through this message; tests pin it (see
# test_document_values_are_located).
_TRAILING = re.compile(r"JSON is malformed: trailing characters \(byte (\d+)\)")
_TRUNCATED = "Input data was truncated"
_AT_BYTE = re.compile(r"\(byte (\d+)\)$")
_OPEN_ARRAY, _CLOSE_ARRAY, _OPEN_OBJECT, _CLOSE_OBJECT = b"[]{}"
_COMMA, _COLON, _QUOTE = b',:"'
_NUMBER_START = frozenset(b"-0123456789")


def _size_of_first_value(data: bytes | memoryview) -> int | None:
    """Length of the JSON value at the start of ``data`` with the blanks after it; None when
    ``data`` ends inside it. Raises _SyntaxError when it is not JSON."""
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
        raise _SyntaxError(message) from None
    except RecursionError:
        raise _SyntaxError("nested too deeply") from None
    return len(data)


class _Document:
    """JSON documents read in chunks. Each array element (or top-level object) is located by
    letting msgspec skip over it, then decoded on its own, so memory holds one element at a time
    and a search response's list is streamed like a top-level array.
    """

    def __init__(self, reader: _Reader, head: bytes, stream: BinaryIO):
        self.reader = reader
        self.stream = stream
        self.buf = head
        self.pos = 0  # the cursor
        self.mark = 0  # start of the value being read: kept when the buffer is refilled
        self.eof = False
        self.line_pos = 0  # self.line is the line number at buffer offset self.line_pos
        self.line = 1

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
            self.reader.one(line, self.buf[self.mark : self.pos])
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
        self.reader.one(line, self.buf[self.mark : end], in_response)

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
        yield from _read_lines(reader, record_lines(stream, ctx))
        return
    head, one_per_line = _probe(stream)
    if one_per_line:
        yield from _read_lines(reader, record_lines(stream, ctx, head))
    else:
        yield from _Document(reader, b"".join(head), stream).batches()
