"""The report as CSV: one plain table per file, no comment lines, so that a spreadsheet or
``pandas.read_csv`` opens it as it is.

The tables of a view (:func:`csv_tables`): ``parameters`` (name, value: the parameters, the
coverage and the caveat headline), ``totals`` (metric, value), one per list section of the view
(``brands``, ``hourly``, ...), ``caveats`` (every caveat) and, for ``kwo report``,
``coverage_months``. One CSV holds one of them (``--section NAME``; the default is the view's
main table, :func:`default_section`); ``-o DIR/`` writes them all plus ``parameters.json``.

Every cell goes through :func:`kwo.render.tables.csv_text` (formula neutralisation) and every row
through :func:`kwo.render.tables.csv_line`; ``excel-nl`` changes only the separator, the decimal
mark, the byte order mark and the line ends.
"""

from __future__ import annotations

import json
from typing import TextIO

from ..caveat_messages import headline
from .sections import COLUMNS, VIEWS
from .tables import csv_line, csv_text

#: --csv-dialect: name -> (separator, decimal mark, line end, byte order mark).
DIALECTS = {
    "rfc4180": (",", ".", "\n", ""),
    # What Excel with Dutch (or German, French...) regional settings opens in columns: a
    # semicolon list separator, a decimal comma, and a BOM so that it reads UTF-8.
    "excel-nl": (";", ",", "\r\n", "\ufeff"),
}


def default_section(view: str) -> str:
    """The table ``--format csv`` writes without --section: the per-brand table for ``report``
    (what an analyst opens in a spreadsheet first), else the view's first list section."""
    sections = VIEWS[view].sections
    return "brands" if "brands" in sections else sections[0]


def csv_tables(data: dict) -> dict[str, tuple[list[str], list[list]]]:
    """Every table of the view: name -> (column names, rows of JSON values), in report order."""
    tables: dict[str, tuple[list[str], list[list]]] = {}
    params = [[k, json.dumps(v) if isinstance(v, dict) else v] for k, v in data["parameters"].items()]
    cov = data.get("coverage")
    if cov:
        for key in ("first_tweet", "last_tweet", "first_mention", "last_mention", "collected_tweets",
                    "context_tweets"):
            params.append([f"coverage_{key}", cov[key]])
        params.append(["coverage_months_without_tweets", " ".join(cov["months_without_tweets"])])
    params.append(["caveats", headline(data.get("caveats") or [])])
    tables["parameters"] = (["name", "value"], params)
    if "totals" in data:
        tables["totals"] = (["metric", "value"], [[k, v] for k, v in _flat(data["totals"]).items()])
    for section in (s for s in VIEWS[data["view"]].sections if s in data):
        rows = [_flat(row) for row in data[section]]
        keys = list(rows[0]) if section == "brands" and rows else _flat_keys([c.key for c in COLUMNS[section]])
        tables[section] = (keys, [[row.get(k) for k in keys] for row in rows])
    keys = [c.key for c in COLUMNS["caveats"]]
    tables["caveats"] = (keys, [[c.get(k) for k in keys] for c in data.get("caveats") or []])
    if VIEWS[data["view"]].months and data.get("coverage"):
        keys = [c.key for c in COLUMNS["months"]]
        tables["coverage_months"] = (keys, [[m.get(k) for k in keys] for m in data["coverage"]["months"]])
    return tables


#: Values that are intervals [low, high] (kwo.metrics.intervals): two numeric CSV columns each.
INTERVAL_KEYS = ("answered_pct_ci", "questions_answered_pct_ci")


def _flat(row: dict) -> dict:
    """``row`` with each interval as two numbers, KEY_low and KEY_high: a spreadsheet reads numbers."""
    if not any(k in row for k in INTERVAL_KEYS):
        return row
    out = {}
    for key, value in row.items():
        if key in INTERVAL_KEYS:
            out[f"{key}_low"], out[f"{key}_high"] = value if value is not None else (None, None)
        else:
            out[key] = value
    return out


def _flat_keys(keys: list[str]) -> list[str]:
    return [k for key in keys for k in ((f"{key}_low", f"{key}_high") if key in INTERVAL_KEYS else (key,))]


def section_names(data: dict) -> list[str]:
    return list(csv_tables(data))


def render_csv(data: dict, out: TextIO, *, section: str | None = None, dialect: str = "rfc4180") -> None:
    """One table of the view as CSV (``section``; default :func:`default_section`)."""
    tables = csv_tables(data)
    name = section or default_section(data["view"])
    if name not in tables:
        raise ValueError(f"--section {name!r}: kwo {data['view']} has the tables {', '.join(tables)}")
    write_table(out, *tables[name], dialect=dialect)


def write_table(out: TextIO, keys: list[str], rows: list[list], *, dialect: str = "rfc4180") -> None:
    sep, decimal, end, bom = DIALECTS[dialect]
    out.write(bom)
    out.write(csv_line(keys, sep=sep, end=end))
    for row in rows:
        out.write(csv_line([csv_value(v, decimal) for v in row], sep=sep, end=end))


def csv_value(value, decimal: str = ".") -> str:
    """A JSON value as a CSV cell: numbers stay numbers (with the dialect's decimal mark), text
    is neutralised (csv_text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(value).replace(".", decimal)  # a number, negative or not, stays a number
    return csv_text(str(value))


def parameters_json(data: dict) -> str:
    """``parameters.json`` of ``-o DIR/``: what the tables were computed with, and their caveats."""
    keep = {k: data[k] for k in ("view", "parameters", "coverage", "caveats") if k in data}
    return json.dumps(keep, indent=2, ensure_ascii=False) + "\n"


__all__ = ["DIALECTS", "csv_tables", "default_section", "parameters_json", "render_csv", "section_names",
           "write_table"]
