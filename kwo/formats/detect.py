"""Format detection by content (never by file name)."""

from __future__ import annotations

import json
import re

from . import BUILTIN
from .base import REGISTRY
from .twarc_csv import is_twarc_csv_header

# Keys that only one of the JSON dialects uses. v2 tweets carry author_id / edit_history_tweet_ids
# / referenced_tweets; v1.1 tweets carry id_str and a user object.
_V2_HINTS = re.compile(
    rb'"(__twarc|author_id|edit_history_tweet_ids|referenced_tweets|includes|conversation_id|tweet_count)"'
)
_V1_HINTS = re.compile(
    rb'"(id_str|in_reply_to_status_id|screen_name|statuses|results|retweeted_status|user_mentions|'
    rb"delete|scrub_geo|friends|limit|warning|event|direct_message)\"\s*:"
)
_V1_NOTICE_KEYS = {"delete", "limit", "scrub_geo", "warning", "friends", "friends_str", "event",
                   "direct_message", "status_withheld", "user_withheld", "disconnect", "control"}
_V2_KEYS = {"data", "includes", "meta", "errors", "__twarc", "matching_rules", "author",
            "author_id", "edit_history_tweet_ids", "referenced_tweets"}
_TWCS_COLUMNS = {"tweet_id", "author_id", "inbound", "created_at", "text"}


def _classify_object(obj: dict) -> str | None:
    keys = set(obj)
    if "id_str" in keys or "user" in keys or keys & {"statuses", "results"} or keys & _V1_NOTICE_KEYS:
        return "v1"
    if keys & _V2_KEYS:
        return "v2"
    if {"id", "action"} <= keys or {"start", "end", "tweet_count"} <= keys:
        return "v2"  # compliance events, counts
    if {"id", "text", "created_at"} <= keys:
        # v1.1 pre-2010 tweets have numeric ids and a user object; v2 ids are strings.
        return "v2" if isinstance(obj.get("id"), str) else "v1"
    return None


def detect(head: bytes) -> str | None:
    """Name of the format of a stream starting with ``head`` (decompressed), or None.

    The rules of the formats kwo ships decide first; when none fits, each other registered format
    with a ``detect`` function is asked, in the order they registered."""
    found = _detect_builtin(head)
    if found is None:
        for fmt in REGISTRY.values():
            if fmt.name not in BUILTIN and fmt.detect is not None and fmt.detect(head):
                return fmt.name
    return found


def _detect_builtin(head: bytes) -> str | None:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not text:
        return None
    if text.startswith(b"window.") or text.startswith(b"window "):
        return "archive"
    first = text[:1]
    if first in (b"{", b"["):
        line = text.split(b"\n", 1)[0].strip()
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python recurses
            obj = None
        if isinstance(obj, dict):
            found = _classify_object(obj)
            if found:
                return found
        if isinstance(obj, list):
            for item in obj:
                if isinstance(item, dict) and (found := _classify_object(item)):
                    return found
        # A pretty-printed document: decide by the keys that appear near the start.
        v2 = _V2_HINTS.search(text)
        v1 = _V1_HINTS.search(text)
        if v1 and (not v2 or v1.start() < v2.start()):
            return "v1"
        if v2:
            return "v2"
        return None
    header = text.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace")
    columns = {c.strip().strip('"').lower() for c in header.split(",")}
    if is_twarc_csv_header(columns):  # before twcs: both have author_id, created_at and text
        return "twarc-csv"
    if _TWCS_COLUMNS <= columns:
        return "twcs"
    return None
