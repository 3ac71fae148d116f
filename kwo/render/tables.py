"""Printing an arbitrary query result (``kwo sql``) as a table, CSV or JSON on stdout."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import re
import sys
import uuid
from collections.abc import Iterable, Sequence
from typing import TextIO

FORMATS = ("table", "csv", "json")

# CSV injection (OWASP): a spreadsheet runs a cell that starts with one of these as a formula,
# =HYPERLINK(...) or a DDE payload, when someone opens the CSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_text(text: str) -> str:
    """A text cell as a spreadsheet shows it as text: prefixed with ``'`` when it would start a
    formula. A number written as text (``-3.5``) is left alone: a spreadsheet reads it as a number.

    Numbers (int, float, Decimal values) never go through here: they stay numbers in the CSV.
    """
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


_NEEDS_QUOTES = {sep: re.compile(r'["\r\n\t' + re.escape(sep) + "]") for sep in (",", ";")}


def csv_line(cells: Sequence[str], *, sep: str = ",", end: str = "\n") -> str:
    """One CSV row: RFC 4180 quoting, LF line end (or ``sep`` and ``end`` of another dialect). A
    field holding a CR is quoted too, which csv.writer with lineterminator="\\n" does not do:
    spreadsheets end a row at a bare CR, so an unquoted ``a\\r=1+1`` would start the next row
    with a live formula."""
    if len(cells) == 1 and not cells[0]:
        return '""' + end  # not a blank line
    quote = _NEEDS_QUOTES[sep]
    return sep.join('"' + c.replace('"', '""') + '"' if quote.search(c) else c for c in cells) + end


def csv_cell(value) -> str:
    """One ``kwo sql`` value as a CSV cell: numbers as numbers, text neutralised (csv_text)."""
    if isinstance(value, (int, float, decimal.Decimal)):  # bool is an int: true/false
        return _text(value)
    return csv_text(_text(value))


def _jsonable(value):
    """A scalar query value as JSON can hold it: NaN and ±Infinity (not JSON) become null, as in
    JavaScript's JSON.stringify; times as ISO text; bytes as hex."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return value


def json_text(value) -> str:
    """A query value (nested lists, structs and maps too) as JSON text, never NaN or Infinity.

    Nested values are written without recursion: DuckDB nests lists as deep as a query asks
    (600 levels made json.dumps raise RecursionError)."""
    if not isinstance(value, (list, tuple, dict)):
        return json.dumps(_jsonable(value), ensure_ascii=False, allow_nan=False)
    parts: list[str] = []
    # a stack of (closing bracket, iterator over the items, whether an item was written)
    stack: list[list] = [["", iter((value,)), False]]
    while stack:
        frame = stack[-1]
        item = next(frame[1], _END)
        if item is _END:
            parts.append(frame[0])
            stack.pop()
            continue
        if frame[2]:
            parts.append(", ")
        frame[2] = True
        if frame[0] == "}":
            key, item = item
            parts.append(json.dumps(str(key), ensure_ascii=False) + ": ")
        if isinstance(item, dict):
            parts.append("{")
            stack.append(["}", iter(item.items()), False])
        elif isinstance(item, (list, tuple)):
            parts.append("[")
            stack.append(["]", iter(item), False])
        else:
            parts.append(json.dumps(_jsonable(item), ensure_ascii=False, allow_nan=False))
    return "".join(parts)


_END = object()


def _text(value) -> str:
    """One cell as text: ids stay digits (no thousands separators), nested values as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return json_text(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


#: The terminal table shows at most this many rows (it needs them all before it can print the
#: first); csv and json stream every row.
TABLE_MAX_ROWS = 1000


def print_relation(columns: Sequence[str], rows: Iterable[Sequence], fmt: str = "table",
                   out: TextIO | None = None) -> None:
    """Print a query result as its rows come. ``fmt``: table (rich, NULL shown dim, at most
    TABLE_MAX_ROWS rows), csv, or json (an array of objects)."""
    out = out or sys.stdout
    if fmt == "json":
        names = [json.dumps(c, ensure_ascii=False) for c in _unique(columns)]
        out.write("[")
        for i, row in enumerate(rows):
            out.write((", {" if i else "{") + ", ".join(f"{n}: {json_text(v)}" for n, v in zip(names, row)) + "}")
        out.write("]\n")
    elif fmt == "csv":
        out.write(csv_line([csv_text(str(c)) for c in columns]))
        for row in rows:
            out.write(csv_line([csv_cell(v) for v in row]))
    elif fmt == "table":
        _print_table(columns, rows, out)
    else:
        raise ValueError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")


def _unique(columns: Sequence[str]) -> list[str]:
    """Column names as JSON keys: a repeated name (SELECT 1 AS a, 2 AS a) gets _1, _2, ... so that
    no value is lost to a duplicate key."""
    seen: set[str] = set()
    out = []
    for c in map(str, columns):
        name, n = c, 0
        while name in seen:
            n += 1
            name = f"{c}_{n}"
        seen.add(name)
        out.append(name)
    return out


def _print_table(columns: Sequence[str], rows: Iterable[Sequence], out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..safe_text import terminal_text

    shown: list[Sequence] = []
    more = False
    for row in rows:
        if len(shown) == TABLE_MAX_ROWS:
            more = True  # the rest is not fetched: the query stops here
            break
        shown.append(row)
    console = Console(file=out, highlight=False, soft_wrap=False)
    t = Table(show_lines=False)
    for i, c in enumerate(columns):
        numeric = bool(shown) and all(
            isinstance(r[i], (int, float, decimal.Decimal)) and not isinstance(r[i], bool)
            for r in shown if r[i] is not None
        ) and any(r[i] is not None for r in shown)
        # a column name is data too (an alias): Text, never markup
        t.add_column(terminal_text(str(c), keep=""), justify="right" if numeric else "left", overflow="fold")
    for row in shown:
        t.add_row(*(Text("NULL", style="dim") if v is None else terminal_text(_text(v)) for v in row))
    console.print(t)
    n = len(shown)
    if more:
        console.print(f"the first {n:,} rows; add a LIMIT, or use --format csv or json for every row",
                      style="dim", markup=False)
    else:
        console.print(f"{n:,} row{'s' if n != 1 else ''}", style="dim", markup=False)


__all__ = ["FORMATS", "TABLE_MAX_ROWS", "csv_cell", "csv_line", "csv_text", "json_text", "print_relation"]
