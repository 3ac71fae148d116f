"""Printing an arbitrary query result (``kwo sql``) as a table, CSV or JSON on stdout."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import sys
import uuid
from collections.abc import Sequence
from typing import TextIO

FORMATS = ("table", "csv", "json")


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
        w = csv.writer(out, lineterminator="\n")
        w.writerow(columns)
        for row in rows:
            w.writerow([_text(v) for v in row])
    elif fmt == "table":
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        console = Console(file=out, highlight=False, soft_wrap=False)
        t = Table(show_lines=False)
        for i, c in enumerate(columns):
            numeric = bool(rows) and all(
                isinstance(r[i], (int, float, decimal.Decimal)) and not isinstance(r[i], bool)
                for r in rows if r[i] is not None
            ) and any(r[i] is not None for r in rows)
            t.add_column(str(c), justify="right" if numeric else "left", overflow="fold")
        for row in rows:
            t.add_row(*(Text("NULL", style="dim") if v is None else Text(_text(v)) for v in row))
        console.print(t)
        n = len(rows)
        console.print(f"{n:,} row{'s' if n != 1 else ''}", style="dim")
    else:
        raise ValueError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")


__all__ = ["FORMATS", "print_relation"]
