"""The report as CSV: one plain table per file, no comment lines, so that a spreadsheet or
``pandas.read_csv`` opens it as it is.

The tables of a view (:func:`csv_tables`): ``parameters`` (name, value: the parameters, the
coverage and the caveat headline), ``totals`` (metric, value), one per list section of the view
(``brands``, ``hourly``, ...), ``caveats`` (every caveat) and, for ``kwo report``,
``coverage_months``. One CSV holds one of them (``--section NAME``; the default is the view's
main table, :func:`default_section`); ``-o DIR/`` writes them all plus ``parameters.json``.

Every table whose rows carry figures (``totals``, ``brands``, ``sectors``, ``hourly``, ...) ends
with a column ``caveats``: the codes of the caveats that apply to that row, ``;``-separated
(:func:`row_caveats`), so that one table on its own never drops them.

Every cell goes through :func:`kwo.render.tables.csv_text` (formula neutralisation) and every row
through :func:`kwo.render.tables.csv_line`; ``excel-nl`` changes only the separator, the decimal
mark, the byte order mark and the line ends.
"""

from __future__ import annotations

import json
from typing import TextIO

from ..caveat_messages import headline
from ..caveats import FIGURES, affects
from ..metrics.bands import WITHIN_FIELDS
from .sections import COLUMNS, VIEWS
from .tables import csv_line, csv_text

#: --csv-dialect: name -> (separator, decimal mark, line end, byte order mark).
DIALECTS = {
    "rfc4180": (",", ".", "\n", ""),
    # What Excel with Dutch (or German, French...) regional settings opens in columns: a
    # semicolon list separator, a decimal comma, and a BOM so that it reads UTF-8.
    "excel-nl": (";", ",", "\r\n", "\ufeff"),
}


#: The figures (kwo.caveats.FIGURES) of each table's rows: an archive-wide caveat that affects one
#: of them applies to every row. A table not named here (a metric registered later) gets every
#: archive-wide caveat of the view: a caveat is never dropped for want of an entry.
TABLE_FIGURES: dict[str, tuple[str, ...]] = {
    "brands": ("brands",),
    "sectors": ("brands",),
    "proactive": ("proactive_replies", "brands"),
    "opening_hours": ("brands",),
    "hourly": ("hourly",),
    "weekday_hourly": ("hourly",),
    "response_times": ("response_times",),
    "coverage_months": ("months",),
}

#: The figure of each row of ``totals`` (by its metric); an unnamed one gets every caveat.
TOTALS_FIGURES: dict[str, tuple[str, ...]] = {
    "mention_tweets": ("mention_tweets",), "mention_pairs": ("mention_tweets",),
    "brands_mentioned": ("mention_tweets",),
    "answered": ("answered_pct",), "answered_pct": ("answered_pct",), "answered_pairs": ("answered_pct",),
    "median_response_minutes": ("response_times",), "p90_response_minutes": ("response_times",),
    "mean_response_minutes": ("response_times",),
    "peak_hour": ("peak_hour",), "peak_hour_label": ("peak_hour",), "peak_hour_mentions": ("peak_hour",),
    "brand_replies": ("proactive_replies",), "replies_to_mentions": ("proactive_replies",),
    "proactive_replies": ("proactive_replies",), "replies_parent_missing": ("proactive_replies",),
    "replies_to_self": ("proactive_replies",),
    **{f: ("answered_pct", "response_times") for f in WITHIN_FIELDS},
}


def row_caveats(caveats: list[dict], figures: tuple[str, ...], handle: str | None = None) -> str:
    """The ``caveats`` cell of one row: the codes (in the report's order, each once, ``;``-separated)
    of the archive-wide caveats that affect ``figures`` and, for a brand's row, the caveats about
    that brand (``handle``)."""
    codes = [c["code"] for c in caveats
             if (c["brand"] is None and affects(c, figures)) or (handle is not None and c["brand"] == handle)]
    return ";".join(dict.fromkeys(codes))


def default_section(view: str) -> str:
    """The table ``--format csv`` writes without --section: the per-brand table for ``report``
    (what an analyst opens in a spreadsheet first), else the view's first list section."""
    sections = VIEWS[view].sections
    return "brands" if "brands" in sections else sections[0]


def csv_tables(data: dict) -> dict[str, tuple[list[str], list[list]]]:
    """Every table of the view: name -> (column names, rows of JSON values), in report order."""
    tables: dict[str, tuple[list[str], list[list]]] = {}
    params = [[k, json.dumps(v) if isinstance(v, dict) else " ".join(v) if isinstance(v, list) else v]
              for k, v in data["parameters"].items()]
    cov = data.get("coverage")
    if cov:
        for key in ("first_tweet", "last_tweet", "first_mention", "last_mention", "collected_tweets",
                    "context_tweets"):
            params.append([f"coverage_{key}", cov[key]])
        params.append(["coverage_months_without_tweets", " ".join(cov["months_without_tweets"])])
    caveats = data.get("caveats") or []
    params.append(["caveats", headline(caveats)])
    tables["parameters"] = (["name", "value"], params)
    every = tuple(FIGURES)
    if "totals" in data:
        tables["totals"] = (["metric", "value", "caveats"],
                            [[k, v, row_caveats(caveats, TOTALS_FIGURES.get(k, every))]
                             for k, v in data["totals"].items()])
    for section in (s for s in VIEWS[data["view"]].sections if s in data):
        rows = data[section]
        # brands and response_times: every field of the JSON (the bucket as well as its band)
        keys = list(rows[0]) if section in ("brands", "response_times") and rows else [c.key for c in COLUMNS[section]]
        figures = TABLE_FIGURES.get(section, every)
        tables[section] = (keys + ["caveats"],
                           [[row.get(k) for k in keys] + [row_caveats(caveats, figures, row.get("handle"))]
                            for row in rows])
    keys = [c.key for c in COLUMNS["caveats"]]
    tables["caveats"] = (keys, [[c.get(k) for k in keys] for c in caveats])
    if VIEWS[data["view"]].months and data.get("coverage"):
        keys = [c.key for c in COLUMNS["months"]]
        months_cell = row_caveats(caveats, TABLE_FIGURES["coverage_months"])
        tables["coverage_months"] = (keys + ["caveats"],
                                     [[m.get(k) for k in keys] + [months_cell] for m in data["coverage"]["months"]])
    return tables


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


__all__ = ["DIALECTS", "TABLE_FIGURES", "TOTALS_FIGURES", "csv_tables", "default_section", "parameters_json",
           "render_csv", "row_caveats", "section_names", "write_table"]
