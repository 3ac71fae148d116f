"""Why a record cannot be read, in kwo's own words.

A quarantine reason is what a user reads in ``ARCHIVE/quarantine/`` and in ``--strict`` errors,
and what scripts and tests match. It must not change when a library's new release rewords its
messages, so these functions look at the bytes (or the decoded value) themselves and say what is
wrong. They use exception types and positions, never a library's message text. They run only on
records that already failed, so they may be slow.

Byte positions count from 1 within the record (the line, the array element, the CSV record).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from msgspec import inspect as mi

#: A UTF-8 byte-order mark. At the start of a file or of a line where a record starts it is not
#: data: every reader skips it (docs/robustness.md, "Byte-order marks").
BOM = b"\xef\xbb\xbf"


def invalid_utf8(data: bytes) -> str:
    """Where ``data`` stops being UTF-8 (it must not be)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"invalid UTF-8 at byte {exc.start + 1}"
    return "invalid UTF-8"


def invalid_json(data: bytes | str) -> str:
    """Why ``data``, which should hold one JSON value, is not valid JSON."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return invalid_utf8(data)
    else:
        text = data
    body = text.strip(" \t\r\n")
    if not body:
        return "empty record: no JSON value"
    lead = len(text) - len(text.lstrip(" \t\r\n"))
    try:
        _, end = _STRICT.raw_decode(body)
    except _Constant as exc:
        return f"invalid JSON: {exc.what}"
    except json.JSONDecodeError as exc:
        if exc.pos >= len(body):
            return "invalid JSON: the record ends inside a value (cut short?)"
        return f"invalid JSON at byte {_byte(text, lead + exc.pos)}: unexpected {_char(body[exc.pos])}"
    except RecursionError:
        return "invalid JSON: nested too deeply"
    if end < len(body):
        second = end + len(body[end:]) - len(body[end:].lstrip(" \t\r\n"))
        return f"invalid JSON at byte {_byte(text, lead + second)}: a second value after the first"
    if _SURROGATE_ESCAPE.search(body):
        return "invalid JSON: a \\u escape of an unpaired UTF-16 surrogate in a string"
    return "invalid JSON"  # valid to Python's json, refused by the fast decoder: nothing more to say


def wrong_type(value: Any, typ: type) -> str:
    """Which field of the decoded ``value`` does not have the type kwo reads it as (``typ``, a
    msgspec Struct); used after msgspec.convert refused ``value``."""
    found = _mismatch(value, mi.type_info(typ), "")
    return found or "a field has a value of the wrong type"


def csv_record() -> str:
    """A CSV record the csv module cannot split into fields (its text says more, but in its own
    words, which change between Python versions)."""
    return "malformed CSV record: a quote is not closed, or stray characters follow a closing quote"


class _Constant(ValueError):
    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


def _refuse_constant(name: str):
    raise _Constant(f"{name} is not a JSON number")


def _finite(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):
        raise _Constant(f"the number {literal[:40]} is too large")
    return value


# Python's json reads NaN, Infinity and 1e999 (as inf), which kwo's decoder refuses.
_STRICT = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _byte(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass")) + 1


def _char(c: str) -> str:
    if c < " " or c == "\x7f":
        return f"control character U+{ord(c):04X}"
    return f"character {c!r}"


_KINDS = (
    (bool, "true or false"),  # before int: a bool is an int to Python
    (str, "text"),
    (int, "an integer"),
    (float, "a number"),
    (list, "an array"),
    (dict, "an object"),
    (type(None), "null"),
)


def _kind(value: Any) -> str:
    for cls, name in _KINDS:
        if isinstance(value, cls):
            return name
    return type(value).__name__


def _accepts(t: mi.Type, value: Any) -> bool:
    """Whether ``t`` takes a value of ``value``'s JSON kind (not yet its contents)."""
    if isinstance(t, mi.AnyType):
        return True
    if isinstance(value, bool):
        return isinstance(t, mi.BoolType)
    if isinstance(value, int):
        return isinstance(t, (mi.IntType, mi.FloatType))
    if isinstance(value, float):
        return isinstance(t, mi.FloatType)
    if isinstance(value, str):
        return isinstance(t, mi.StrType)
    if isinstance(value, list):
        return isinstance(t, (mi.ListType, mi.TupleType, mi.VarTupleType))
    if isinstance(value, dict):
        return isinstance(t, (mi.StructType, mi.DictType))
    return value is None and isinstance(t, mi.NoneType)


def _expected(t: mi.Type) -> str:
    members = t.types if isinstance(t, mi.UnionType) else (t,)
    names = []
    for m in members:
        name = {mi.BoolType: "true or false", mi.StrType: "text", mi.IntType: "an integer",
                mi.FloatType: "a number", mi.NoneType: "null", mi.ListType: "an array",
                mi.StructType: "an object", mi.DictType: "an object"}.get(type(m), "another value")
        if name not in names:
            names.append(name)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _mismatch(value: Any, t: mi.Type, path: str) -> str | None:
    members = t.types if isinstance(t, mi.UnionType) else (t,)
    match = next((m for m in members if _accepts(m, value)), None)
    if match is None:
        where = f"field {path}" if path else "the record"
        return f"{where} is {_kind(value)}, not {_expected(t)}"
    if isinstance(match, mi.StructType) and isinstance(value, dict):
        for f in match.fields:
            if f.encode_name in value:
                sub = f"{path}.{f.encode_name}" if path else f.encode_name
                if found := _mismatch(value[f.encode_name], f.type, sub):
                    return found
    elif isinstance(match, mi.ListType) and isinstance(value, list):
        for i, item in enumerate(value):
            if found := _mismatch(item, match.item_type, f"{path}[{i}]"):
                return found
    return None

