"""Where the first JSON value of a buffer ends: msgspec locates it when its error text can be
relied on (checked once), else kwo's own byte scanner does."""

from __future__ import annotations

import re

import msgspec

from ..reasons import invalid_json
from .tweet import _LONE_SURROGATE, _skip_value, _without_lone_surrogates


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
