"""Reader for Twitter/X account archives: ``data/tweets.js`` and its kin.

The file is JavaScript, ``window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]``; the array after
the ``=`` is streamed element by element (:class:`_Elements`). Older archives (``YTD.tweet``) hold the tweet objects directly.
Every number is a string, text is HTML-escaped, retweets are only ``RT @...`` text, and no tweet
names its author: the owner comes from ``--account`` or from manifest.js / account.js beside
the file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import msgspec
import pyarrow as pa

from ..errors import InputError, UnknownFormatError
from ..schema import RowBuilder, distinct_mentions, parse_id, parse_twitter_date, source_label, unescape_text
from .base import MAX_RECORD_BYTES, Format, ReadContext, plausible_time, register_format
from .v1.scanner import _NUMBER_START, _size_of_first_value, _SyntaxError
from .v1.tweet import _without_lone_surrogates

# YTD data types whose elements are tweets of the archive owner.
TWEET_TYPES = {"tweet", "tweets", "deleted_tweet", "deleted_tweets", "community_tweet"}
NO_OWNER = "account archive without manifest.js or account.js beside it; pass --account HANDLE"

_CHUNK = 1 << 16
_MAX_PREFIX = 1024
_MAX_SIBLING_BYTES = 16 << 20
_RAW_LIMIT = 64 << 10
_ASSIGNMENT = re.compile(r"window\.(?:YTD\.(\w+)\.part\d+|(__THAR_CONFIG))")
# tweets.js, deleted-tweets.js, tweet-part1.js.gz, ... possibly behind a prefix such as "name__".
_TWEETS_FILE = re.compile(
    r"(.*?)(?:deleted-|community-)?tweets?(?:-part\d+)?\.js(?:\.(?:gz|bz2|zst))?", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Owner:
    author_id: str | None
    handle: str


# ---------------------------------------------------------------------------------------------
# The owner


def _load_js(path: str) -> Any:
    """The JSON value assigned in an archive .js file, or None when it is missing or malformed."""
    try:
        with open(path, "rb") as f:
            data = f.read(_MAX_SIBLING_BYTES)
        _, _, value = data.partition(b"=")
        return json.loads(value)
    except (OSError, ValueError, RecursionError):
        return None


def _owner_from_js(value: Any) -> Owner | None:
    """The owner named by a parsed manifest.js (userInfo) or account.js ([{"account": ...}])."""
    if isinstance(value, dict):
        info, name_key = value.get("userInfo"), "userName"
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        info, name_key = value[0].get("account"), "username"
    else:
        return None
    if not isinstance(info, dict) or not isinstance(info.get(name_key), str) or not info[name_key]:
        return None
    account_id = info.get("accountId")
    return Owner(account_id if isinstance(account_id, str) and account_id.isdigit() else None, info[name_key])


def _sibling_candidates(fs_path: str) -> list[str]:
    """manifest.js and account.js beside the file, also under the file's own name prefix."""
    directory, name = os.path.split(fs_path)
    m = _TWEETS_FILE.fullmatch(name)
    prefixes = [m.group(1), ""] if m and m.group(1) else [""]
    return [os.path.join(directory, p + base) for p in prefixes for base in ("manifest.js", "account.js")]


def _sibling_owner(fs_path: str | None) -> Owner | None:
    if fs_path is None:
        return None
    for candidate in _sibling_candidates(fs_path):
        if os.path.isfile(candidate) and (owner := _owner_from_js(_load_js(candidate))):
            return owner
    return None


def find_owner(ctx: ReadContext) -> Owner:
    """--account wins; a manifest beside the file supplies the account id when the handles agree."""
    found = _sibling_owner(ctx.fs_path)
    handle = (ctx.account or "").strip().lstrip("@")
    if handle:
        same = found is not None and found.handle.lower() == handle.lower()
        return Owner(found.author_id if same else None, handle)
    if found is None:
        raise InputError(ctx.path, NO_OWNER)
    return found


# ---------------------------------------------------------------------------------------------
# The assignment prefix


def _skip_assignment(stream: BinaryIO, ctx: ReadContext) -> None:
    """Consume ``window.YTD.<type>.partN =``; refuse archive files that hold no tweets."""
    prefix = bytearray()
    while not prefix.endswith(b"="):
        byte = stream.read(1)
        if not byte or len(prefix) > _MAX_PREFIX:
            raise UnknownFormatError(ctx.path, "no 'window.YTD.<type>.partN =' assignment at the start")
        prefix += byte
    text = prefix[:-1].decode("utf-8", "replace").lstrip("\ufeff").strip()
    m = _ASSIGNMENT.fullmatch(text)
    if not m:
        raise UnknownFormatError(ctx.path, f"unrecognised account archive assignment {text[:80]!r}")
    data_type = m.group(1)
    if m.group(2) or data_type == "account":
        what = "manifest" if m.group(2) else "account"
        raise UnknownFormatError(
            ctx.path,
            f"this is the archive {what} file, not tweets: ingest tweets.js (kwo reads the {what} file beside it)",
        )
    if data_type not in TWEET_TYPES:
        raise UnknownFormatError(
            ctx.path, f"account archive file with YTD.{data_type} data, not tweets (tweets.js)"
        )


# ---------------------------------------------------------------------------------------------
# Tweets


class _BrokenJson:
    """Last item of :class:`_Elements` when the JSON breaks off; no element is one of these.
    ``raw``: the data from where the element that broke starts."""

    def __init__(self, raw: bytes, what: str = "JSON syntax error"):
        self.raw = raw
        self.what = what


class _TooDeep:
    """An element nested deeper than msgspec (and Python) recurses: skipped, quarantined."""

    def __init__(self, raw: bytes):
        self.raw = raw


# Outside strings, the tokens that change the nesting depth; a string is one token.
_DEPTH_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*(?P<close>")?|[\[\]{}]', re.S)
_WHITESPACE = re.compile(rb"[ \t\r\n]*")


class _Elements:
    """The elements of the JSON array after the ``=``, as raw bytes, each located by letting
    msgspec skip over it (as the v1 reader does with documents): memory holds one element at a
    time, a run of blanks between elements is passed over without being kept, and the nesting
    depth is bounded by msgspec's recursion limit. An element nested deeper is found by counting
    brackets instead, and handed on as a _TooDeep; the array's end or a break in the JSON ends
    the iteration (the latter with a _BrokenJson).

    ijson, used before, kept every level's prefix ("item.item.item..."): 100 KB of ``[`` grew to
    24 GB."""

    def __init__(self, stream: BinaryIO, data: bytes):
        self.stream = stream
        self.buf = data
        self.pos = data.index(b"[") + 1
        self.mark = self.pos
        self.eof = False

    def __iter__(self) -> Iterator[bytes | _TooDeep | _BrokenJson]:
        try:
            c = self._peek()
            if c == b"]":
                return
            while True:
                if c is None:
                    raise _SyntaxError("the data ends inside the array")
                yield self._element()
                c = self._peek()
                if c == b"]":
                    return
                if c != b",":
                    raise _SyntaxError("expected , or ] after an element")
                self.pos += 1
                c = self._peek()
        except _SyntaxError:
            yield _BrokenJson(self.buf[self.mark : self.mark + _RAW_LIMIT])
        except _TooLong:
            yield _BrokenJson(self.buf[self.mark : self.mark + _RAW_LIMIT],
                              f"an element longer than the {MAX_RECORD_BYTES:,} bytes a tweet record can be")

    def _element(self) -> bytes | _TooDeep:
        self.mark = self.pos
        while True:
            try:
                size = _size_of_first_value(memoryview(self.buf)[self.pos :])
            except _SyntaxError as exc:
                if str(exc) != "nested too deeply":
                    raise
                return self._deep()
            if size is None or (self.pos + size == len(self.buf) and self.buf[self.pos] in _NUMBER_START):
                if self._more():
                    continue  # a number that reaches the end of the buffer may go on
                if size is None:
                    raise _SyntaxError("the data ends inside an element")
            end = self.pos + size
            self.pos = end
            return self.buf[self.mark : end]

    def _deep(self) -> _TooDeep:
        """Pass over an element too deep for msgspec by counting its brackets (strings skipped)."""
        depth, at = 0, self.pos
        while True:
            for m in _DEPTH_TOKENS.finditer(self.buf, at):
                token = m.group()
                if token[:1] == b'"':
                    if m.group("close") is None:
                        break  # the string goes on in the next chunk: scan it again from its start
                elif token in (b"[", b"{"):
                    depth += 1
                else:
                    depth -= 1
                    if depth == 0:
                        self.pos = m.end()
                        return _TooDeep(self.buf[self.mark : self.mark + _RAW_LIMIT])
                at = m.end()
            else:
                at = len(self.buf)
            shift = self.mark
            if not self._more():
                raise _SyntaxError("the data ends inside an element")
            at -= shift

    def _peek(self) -> bytes | None:
        """The next non-blank byte (the cursor moves onto it); nothing before it is kept."""
        while True:
            self.pos = _WHITESPACE.match(self.buf, self.pos).end()
            self.mark = self.pos
            if self.pos < len(self.buf):
                return self.buf[self.pos : self.pos + 1]
            if not self._more():
                return None

    def _more(self) -> bool:
        if self.eof:
            return False
        if len(self.buf) - self.mark > MAX_RECORD_BYTES:
            raise _TooLong
        chunk = self.stream.read(max(_CHUNK, len(self.buf) - self.mark))
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.mark :] + chunk
        self.pos -= self.mark
        self.mark = 0
        return True


class _TooLong(Exception):
    pass


def _first_data(stream: BinaryIO) -> bytes:
    """The bytes after the ``=``, read until the first non-blank one."""
    while chunk := stream.read(_CHUNK):
        if chunk.strip():  # blank chunks are dropped, not gathered: memory stays flat
            return chunk
    return b""


def _decode(raw: bytes) -> Any:
    """An element's JSON value; raises ValueError (the quarantine reason) when it has none."""
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        patched = _without_lone_surrogates(raw)  # half an emoji, as Twitter cut some texts
        if patched != raw:
            return _decode(patched)
        raise ValueError(f"invalid JSON: {exc}") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _str(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{key} is not a string: {value!r:.50}")


def _id(obj: dict, *keys: str) -> int | None:
    """The first id present under ``keys`` (the *_str form first); Twitter writes -1 for unknown."""
    for key in keys:
        value = obj.get(key)
        if value is None or value == "" or value == "-1":
            continue
        try:
            parsed = parse_id(value)
        except ValueError as exc:
            raise ValueError(f"{key}: {exc}") from None
        if not 0 <= parsed < 2**63:  # parse_id passes JSON integers through unchecked
            raise ValueError(f"{key}: id out of range: {value!r}")
        return parsed
    return None


def _user_id(obj: dict, *keys: str) -> str | None:
    user_id = _id(obj, *keys)
    return None if user_id is None else str(user_id)


def _mentions(tweet: dict) -> list[tuple[str | None, str | None]]:
    entities = tweet.get("entities") or {}
    if not isinstance(entities, dict):
        raise ValueError("entities is not an object")
    found = entities.get("user_mentions") or []
    if not isinstance(found, list) or not all(isinstance(m, dict) for m in found):
        raise ValueError("entities.user_mentions is not a list of objects")
    return distinct_mentions((_user_id(m, "id_str", "id"), _str(m, "screen_name")) for m in found)


def _add_tweet(builder: RowBuilder, element: Any, owner: Owner) -> None:
    """Append one array element; raises ValueError (the quarantine reason) before touching the builder."""
    tweet = element.get("tweet", element) if isinstance(element, dict) else None
    if not isinstance(tweet, dict):
        raise ValueError("element is not a tweet object")
    tweet_id = _id(tweet, "id_str", "id")
    if tweet_id is None:
        raise ValueError("tweet without id")
    created_at = _str(tweet, "created_at")
    if created_at is None:
        raise ValueError("tweet without created_at")
    created_ms = plausible_time(parse_twitter_date(created_at), created_at)
    raw_text = _str(tweet, "full_text") or _str(tweet, "text")
    builder.add(
        tweet_id,
        created_ms,
        owner.author_id,
        owner.handle,
        unescape_text(raw_text),
        in_reply_to_tweet_id=_id(tweet, "in_reply_to_status_id_str", "in_reply_to_status_id"),
        in_reply_to_user_id=_user_id(tweet, "in_reply_to_user_id_str", "in_reply_to_user_id"),
        in_reply_to_handle=_str(tweet, "in_reply_to_screen_name"),
        # Archives keep no retweeted_status: the text prefix is all there is.
        is_retweet=bool(raw_text and raw_text.startswith("RT @")),
        mentions=_mentions(tweet),
        lang=_str(tweet, "lang"),
        source=source_label(_str(tweet, "source")),
    )


def read(stream: BinaryIO, ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    _skip_assignment(stream, ctx)
    owner = find_owner(ctx)
    data = _first_data(stream)
    if not data.lstrip().startswith(b"["):
        ctx.quarantine(None, "expected a JSON array after '='", data[:_RAW_LIMIT])
        return
    builder = ctx.builder()
    for index, element in enumerate(_Elements(stream, data), 1):
        if isinstance(element, _BrokenJson):
            reason = f"{element.what} after element {index - 1}; the rest of the file is not read"
            ctx.quarantine(None, reason, element.raw)
            break
        if isinstance(element, _TooDeep):
            ctx.quarantine(None, f"element {index}: nested too deeply", element.raw)
            continue
        if len(element) > MAX_RECORD_BYTES:  # found whole (within twice the limit): its neighbours are read
            ctx.quarantine(None, f"element {index}: an element longer than the {MAX_RECORD_BYTES:,} bytes a tweet "
                           f"record can be ({len(element):,} bytes)", element[:_RAW_LIMIT])
            continue
        try:
            _add_tweet(builder, _decode(element), owner)
        except ValueError as exc:
            ctx.quarantine(None, f"element {index}: {exc}", element[:_RAW_LIMIT])
        if builder.full:
            yield builder.flush()
    if batch := builder.flush():
        yield batch


register_format(Format(
    name="archive",
    description="Twitter/X account archive data/tweets.js",
    read=read,
))
