"""Reader for Twitter/X account archives: ``data/tweets.js`` and its kin.

The file is JavaScript, ``window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]``; the array after
the ``=`` is streamed with ijson. Older archives (``YTD.tweet``) hold the tweet objects directly.
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

import ijson
import pyarrow as pa

from ..errors import InputError, UnknownFormatError
from ..schema import RowBuilder, distinct_mentions, parse_id, parse_twitter_date, source_label, unescape_text
from . import MAX_RECORD_BYTES, ReadContext, plausible_time

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
    """Last item of :func:`_elements` when the JSON breaks off; no JSON value is one of these."""

    def __init__(self, message: str, what: str = "JSON syntax error"):
        self.message = message
        self.what = what


def _elements(stream: BinaryIO, data: bytes) -> Iterator[Any]:
    """The array's elements as they complete, then a _BrokenJson if the JSON is broken."""
    elements = ijson.sendable_list()
    parser = ijson.items_coro(elements, "item")
    pending = 0  # bytes sent since an element last completed
    try:
        while data:
            parser.send(data)
            pending = 0 if elements else pending + len(data)
            yield from elements
            elements.clear()
            if pending > MAX_RECORD_BYTES:
                # ijson holds the element being built: stop before memory grows with the input.
                yield _BrokenJson(f"over {pending:,} bytes without the element ending",
                                  f"an element longer than the {MAX_RECORD_BYTES:,} bytes a tweet record can be")
                return
            data = stream.read(_CHUNK)
        parser.close()
    except ijson.JSONError as exc:
        yield from elements  # those completed before the error are sound
        yield _BrokenJson(str(exc))


def _first_data(stream: BinaryIO) -> bytes:
    """The bytes after the ``=``, read until the first non-blank one."""
    while chunk := stream.read(_CHUNK):
        if chunk.strip():  # blank chunks are dropped, not gathered: memory stays flat
            return chunk
    return b""


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


def _encode(element: Any) -> str:
    """An element as JSON text for the quarantine (ijson builds any depth; json.dumps recurses)."""
    try:
        return json.dumps(element, ensure_ascii=False, default=str)
    except RecursionError:
        return "(too deeply nested to show)"


def read(stream: BinaryIO, ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    _skip_assignment(stream, ctx)
    owner = find_owner(ctx)
    data = _first_data(stream)
    if not data.lstrip().startswith(b"["):
        ctx.quarantine(None, "expected a JSON array after '='", data[:_RAW_LIMIT])
        return
    builder = ctx.builder()
    for index, element in enumerate(_elements(stream, data), 1):
        if isinstance(element, _BrokenJson):
            reason = f"{element.what} after element {index - 1}; the rest of the file is not read"
            ctx.quarantine(None, reason, element.message)
            break
        try:
            _add_tweet(builder, element, owner)
        except ValueError as exc:
            ctx.quarantine(None, f"element {index}: {exc}", _encode(element))
        if builder.full:
            yield builder.flush()
    if batch := builder.flush():
        yield batch
