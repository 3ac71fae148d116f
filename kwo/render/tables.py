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


#: The largest integer a JSON reader that uses doubles (JavaScript, jq) reads exactly.
JSON_SAFE_INT = 2**53 - 1
#: DuckDB's integer types: a column of one of these named ``id`` or ``*_id`` is written as strings.
_INT_TYPES = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                        "UBIGINT", "UHUGEINT"})


def is_id_column(name: str, type_name: str) -> bool:
    """Whether ``kwo sql --format json`` writes the column's values as strings: an integer column
    named ``id`` or ending in ``_id`` (tweet_id, author_id, ...), so that every value of an id
    column has one JSON type, whatever its size."""
    lowered = str(name).lower()
    return type_name in _INT_TYPES and (lowered == "id" or lowered.endswith("_id"))


def _jsonable(value):
    """A scalar query value as JSON can hold it: NaN and ±Infinity (not JSON) become null, as in
    JavaScript's JSON.stringify; times as ISO text; bytes as hex; an integer beyond 2^53 as a
    string (a reader with doubles would round it: 972473092814589952 became ...590000)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if -JSON_SAFE_INT <= value <= JSON_SAFE_INT else str(value)
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


#: The terminal table shows at most this many rows by default (it needs them all before it can
#: print the first; kwo sql --max-rows); csv and json stream every row.
TABLE_MAX_ROWS = 1000


def print_relation(columns: Sequence[str], rows: Iterable[Sequence], fmt: str = "table",
                   out: TextIO | None = None, *, types: Sequence[str] = (), max_rows: int = TABLE_MAX_ROWS) -> None:
    """Print a query result as its rows come. ``fmt``: table (rich, NULL shown dim, at most
    ``max_rows`` rows, 0 for all), csv, or json (an array of objects; the columns that
    :func:`is_id_column` names by their ``types`` as strings)."""
    out = out or sys.stdout
    if fmt == "json":
        names = [json.dumps(c, ensure_ascii=False) for c in _unique(columns)]
        ids = [is_id_column(c, t) for c, t in zip(columns, types)] or [False] * len(columns)
        out.write("[")
        for i, row in enumerate(rows):
            cells = (json.dumps(str(v)) if is_id and v is not None else json_text(v)
                     for is_id, v in zip(ids, row))
            out.write((", {" if i else "{") + ", ".join(f"{n}: {c}" for n, c in zip(names, cells)) + "}")
        out.write("]\n")
    elif fmt == "csv":
        out.write(csv_line([csv_text(str(c)) for c in columns]))
        for row in rows:
            out.write(csv_line([csv_cell(v) for v in row]))
    elif fmt == "table":
        _print_table(columns, rows, out, max_rows)
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


#: A column of the terminal table gets at least this many characters (or its widest cell, when
#: less); a result whose columns cannot all have that is printed one record at a time instead.
MIN_COLUMN_CHARS = 10


def _print_table(columns: Sequence[str], rows: Iterable[Sequence], out: TextIO, max_rows: int) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..safe_text import terminal_text

    shown: list[Sequence] = []
    more = False
    for row in rows:
        if max_rows and len(shown) == max_rows:
            more = True  # the rest is not fetched: the query stops here
            break
        shown.append(row)
    console = Console(file=out, highlight=False, soft_wrap=False)
    # a column name is data too (an alias): Text, never markup
    headers = [terminal_text(str(c), keep="") for c in columns]
    cells = [[Text("NULL", style="dim") if v is None else terminal_text(_text(v)) for v in row] for row in shown]
    widest = [max([h.cell_len, *(r[i].cell_len for r in cells)]) for i, h in enumerate(headers)]
    needed = sum(min(w, MIN_COLUMN_CHARS) for w in widest) + 3 * len(headers) + 1
    if needed > console.width and len(headers) > 1:
        _print_records(console, headers, cells)
    else:
        t = Table(show_lines=False)
        for i, h in enumerate(headers):
            numeric = bool(shown) and all(
                isinstance(r[i], (int, float, decimal.Decimal)) and not isinstance(r[i], bool)
                for r in shown if r[i] is not None
            ) and any(r[i] is not None for r in shown)
            t.add_column(h, justify="right" if numeric else "left", overflow="fold")
        for row in cells:
            t.add_row(*row)
        console.print(t)
    n = len(shown)
    if more:
        console.print(f"the first {n:,} rows: --max-rows 0 shows all, --format csv or json streams them",
                      style="dim", markup=False)
    else:
        console.print(f"{n:,} row{'s' if n != 1 else ''}", style="dim", markup=False)


def _print_records(console, headers: list, cells: list[list]) -> None:
    """Each row as a block of ``column  value`` lines (psql's expanded display), for results with
    more columns than the terminal has room for: no column is squeezed to a few characters."""
    from rich.rule import Rule
    from rich.table import Table

    name_width = min(24, max(h.cell_len for h in headers))
    for i, row in enumerate(cells, 1):
        console.print(Rule(f"row {i:,}", align="left", style="dim"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(width=name_width, overflow="fold", style="bold")
        grid.add_column(overflow="fold")
        for h, v in zip(headers, row):
            grid.add_row(h, v)
        console.print(grid)


__all__ = ["FORMATS", "JSON_SAFE_INT", "TABLE_MAX_ROWS", "csv_cell", "csv_line", "csv_text", "is_id_column", "json_text", "print_relation"]
