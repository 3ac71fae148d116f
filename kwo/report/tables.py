"""Printing an arbitrary query result (``kwo sql``) as a table, CSV or JSON on stdout."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
import sys
import uuid
from collections.abc import Sequence
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


_NEEDS_QUOTES = re.compile(r'[,"\r\n\t]')


def csv_line(cells: Sequence[str]) -> str:
    """One CSV row: RFC 4180 quoting, LF line end. A field holding a CR is quoted too, which
    csv.writer with lineterminator="\\n" does not do: spreadsheets end a row at a bare CR, so an
    unquoted ``a\\r=1+1`` would start the next row with a live formula."""
    if len(cells) == 1 and not cells[0]:
        return '""\n'  # not a blank line
    return ",".join('"' + c.replace('"', '""') + '"' if _NEEDS_QUOTES.search(c) else c for c in cells) + "\n"


def csv_cell(value) -> str:
    """One ``kwo sql`` value as a CSV cell: numbers as numbers, text neutralised (csv_text)."""
    if isinstance(value, (int, float, decimal.Decimal)):  # bool is an int: true/false
        return _text(value)
    return csv_text(_text(value))


def _jsonable(value):
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _text(value) -> str:
    """One cell as text: ids stay digits (no thousands separators), nested values as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(_jsonable(value), ensure_ascii=False)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def print_relation(columns: Sequence[str], rows: Sequence[Sequence], fmt: str = "table",
                   out: TextIO | None = None) -> None:
    """Print a query result. ``fmt``: table (rich, NULL shown dim), csv, or json (an array of objects)."""
    out = out or sys.stdout
    if fmt == "json":
        json.dump([{c: _jsonable(v) for c, v in zip(columns, row)} for row in rows], out, ensure_ascii=False)
        out.write("\n")
    elif fmt == "csv":
        out.write(csv_line([csv_text(str(c)) for c in columns]))
        for row in rows:
            out.write(csv_line([csv_cell(v) for v in row]))
    elif fmt == "table":
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        from ..safe_text import terminal_text

        console = Console(file=out, highlight=False, soft_wrap=False)
        t = Table(show_lines=False)
        for i, c in enumerate(columns):
            numeric = bool(rows) and all(
                isinstance(r[i], (int, float, decimal.Decimal)) and not isinstance(r[i], bool)
                for r in rows if r[i] is not None
            ) and any(r[i] is not None for r in rows)
            # a column name is data too (an alias): Text, never markup
            t.add_column(terminal_text(str(c), keep=""), justify="right" if numeric else "left", overflow="fold")
        for row in rows:
            t.add_row(*(Text("NULL", style="dim") if v is None else terminal_text(_text(v)) for v in row))
        console.print(t)
        n = len(rows)
        console.print(f"{n:,} row{'s' if n != 1 else ''}", style="dim")
    else:
        raise ValueError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")


__all__ = ["FORMATS", "csv_cell", "csv_line", "csv_text", "print_relation"]
