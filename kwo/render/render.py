"""Renderers: a report view as a terminal table (rich), JSON or Markdown (CSV: kwo.render.csv_tables).

Each renderer takes the data of :func:`kwo.report.sections.view_data` and a text stream.
"""

from __future__ import annotations

import io
import json
from typing import TextIO

from ..caveat_messages import headline
from ..safe_text import markdown_text, terminal_text
from .csv_tables import render_csv
from .sections import (
    COLUMNS,
    SECTION_TITLES,
    TABLE_BRAND_COLUMNS,
    TABLE_DROP_ORDER,
    TABLE_HEADERS,
    TOTALS_LABELS,
    VIEWS,
    coverage_lines,
    fmt_value,
    parameter_lines,
    shown_caveats,
)

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NO_CAVEAT = "No check found a figure that this archive cannot support (the thresholds are in the parameters)."
GROUPED_NOTE = "(the caveats of one code about more than 3 brands are one line here; --format json lists each)"


def _list_sections(data: dict) -> list[str]:
    return [s for s in VIEWS[data["view"]].sections if s in data]


# ---------------------------------------------------------------------------------------------
# JSON


def render_json(data: dict, out: TextIO) -> None:
    out.write(json.dumps(data, indent=2, ensure_ascii=False))
    out.write("\n")


# ---------------------------------------------------------------------------------------------
# Markdown


def render_markdown(data: dict, out: TextIO) -> None:
    view = VIEWS[data["view"]]
    out.write(f"# {view.title}\n\n")
    for label, value in parameter_lines(data["parameters"]):
        out.write(f"- **{label}**: {_md_escape(str(value))}\n")
    _md_coverage_and_caveats(data, out)
    if "totals" in data:
        out.write(f"\n## {SECTION_TITLES['totals']}\n\n| metric | value |\n|---|---:|\n")
        for key, value in data["totals"].items():
            label, kind = TOTALS_LABELS[key]
            out.write(f"| {label} | {fmt_value(value, kind)} |\n")
    for section in _list_sections(data):
        out.write(f"\n## {SECTION_TITLES[section]}\n\n")
        if section == "weekday_hourly":
            headers, rows, kinds = _weekday_matrix(data[section])
        else:
            cols = COLUMNS[section]
            headers = [c.header for c in cols]
            kinds = [c.kind for c in cols]
            rows = [[row.get(c.key) for c in cols] for row in data[section]]
        out.write("| " + " | ".join(headers) + " |\n")
        out.write("|" + "|".join("---" if k == "str" else "---:" for k in kinds) + "|\n")
        for row in rows:
            out.write("| " + " | ".join(_md_escape(fmt_value(v, k)) for v, k in zip(row, kinds)) + " |\n")
        if not rows:
            out.write("\n_(none)_\n")
    if VIEWS[data["view"]].months and data.get("coverage"):
        cols = COLUMNS["months"]
        out.write(f"\n## {SECTION_TITLES['months']}\n\n")
        out.write("| " + " | ".join(c.header for c in cols) + " |\n")
        out.write("|" + "|".join("---" if c.kind == "str" else "---:" for c in cols) + "|\n")
        for row in data["coverage"]["months"]:
            out.write("| " + " | ".join(_md_escape(fmt_value(row[c.key], c.kind)) for c in cols) + " |\n")


def _md_coverage_and_caveats(data: dict, out: TextIO) -> None:
    """The block before the figures: what the archive holds, and what it cannot support."""
    lines = coverage_lines(data.get("coverage"), data["parameters"]["tz"])
    if lines:
        out.write(f"\n## {SECTION_TITLES['coverage']}\n\n")
        for label, value in lines:
            out.write(f"- **{label}**: {_md_escape(value)}\n")
    caveats = data.get("caveats") or []
    out.write(f"\n## {SECTION_TITLES['caveats']}: {headline(caveats)}\n\n")
    shown = shown_caveats(data)
    for c in shown:
        out.write(f"- **{c['severity']}** `{c['code']}`: {_md_escape(c['message'])}\n")
    if not caveats:
        out.write(f"{NO_CAVEAT}\n")
    if len(shown) < len(caveats):
        out.write(f"\n_{GROUPED_NOTE}_\n")


def _md_escape(text: str) -> str:
    return markdown_text(text)


def _weekday_matrix(rows: list[dict]) -> tuple[list[str], list[list], list[str]]:
    """24 rows (hours) x 7 weekday columns + total: fits a screen, unlike 7 x 24."""
    counts = {(r["weekday"], r["hour"]): r["mentions"] for r in rows}
    headers = ["hour", *_WEEKDAYS, "total"]
    kinds = ["str"] + ["int"] * 8
    matrix = []
    for h in range(24):
        cells = [counts.get((d, h), 0) for d in range(1, 8)]
        matrix.append([f"{h:02d}", *cells, sum(cells)])
    return headers, matrix, kinds


# ---------------------------------------------------------------------------------------------
# Terminal table (rich)


def render_table(data: dict, out: TextIO, *, color: bool | None = None, width: int | None = None) -> None:
    from rich.console import Console

    is_tty = hasattr(out, "isatty") and out.isatty()
    # Off a terminal, render into a buffer and strip rich's padding: files and pipes get plain,
    # diff-friendly text.
    target = out if is_tty else io.StringIO()
    console = Console(
        file=target,
        force_terminal=color if color is not None else None,
        no_color=not (color if color is not None else is_tty),
        width=width or (None if is_tty else 140),
        highlight=False,
    )
    _table_body(console, data)
    if target is not out:
        out.write("\n".join(line.rstrip() for line in target.getvalue().split("\n")))


def _table_body(console, data: dict) -> None:
    from rich.table import Table
    from rich.text import Text

    view = VIEWS[data["view"]]
    # Every cell is a Text: rich would parse markup in a str (a brand named "[/bold]" crashed
    # the report, "[link=...]" made a link) and pass the data's escape sequences to the terminal.
    params = Table(title=view.title, show_header=False, box=None, title_justify="left", title_style="bold")
    params.add_column(style="dim")
    params.add_column()
    for label, value in parameter_lines(data["parameters"]):
        params.add_row(label, terminal_text(value))
    console.print(params)
    _table_coverage_and_caveats(console, data)

    if "totals" in data:
        t = Table(title=SECTION_TITLES["totals"], title_justify="left")
        t.add_column("metric")
        t.add_column("value", justify="right")
        for key, value in data["totals"].items():
            label, kind = TOTALS_LABELS[key]
            t.add_row(label, terminal_text(fmt_value(value, kind)))
        console.print()
        console.print(t)

    for section in _list_sections(data):
        rows = data[section]
        t = Table(title=SECTION_TITLES[section], title_justify="left")
        left_out: list[str] = []
        if section == "weekday_hourly":
            headers, matrix, kinds = _weekday_matrix(rows)
            for h, k in zip(headers, kinds):
                t.add_column(h, justify="left" if k == "str" else "right")
            for r in matrix:
                t.add_row(*(terminal_text(fmt_value(v, k)) for v, k in zip(r, kinds)))
        else:
            cols, bars, left_out = fit_columns(section, _table_columns(section, rows), rows, console.width)
            for c in cols:
                header = TABLE_HEADERS.get((section, c.key), c.header)
                t.add_column(header, justify="left" if c.kind == "str" else "right",
                             no_wrap=c.kind != "str" or c.key in NO_WRAP, overflow="fold",
                             min_width=min(len(header), 8))
            if bars:
                t.add_column("", justify="left", no_wrap=True)
                peak = max((r["mentions"] for r in rows), default=0)
            for r in rows:
                cells = [terminal_text(fmt_value(r.get(c.key), c.kind)) for c in cols]
                if bars:
                    n = round(16 * r["mentions"] / peak) if peak else 0
                    cells.append(Text("█" * n, style="cyan"))
                t.add_row(*cells)
        console.print()
        console.print(t)
        if not rows:
            console.print("  (none)")
        if section == "brands" and rows:
            console.print(
                "  (--format json, csv or markdown add: replies, to mentions, to self, hours, tz, while closed)",
                style="dim",
            )
        if left_out and rows:
            console.print(Text(f"  (left out at this width: {', '.join(left_out)}; a wider terminal, or --format "
                               "json, csv or markdown, shows them)", style="dim"))
    if VIEWS[data["view"]].months and data.get("coverage"):
        t = Table(title=SECTION_TITLES["months"], title_justify="left")
        for c in COLUMNS["months"]:
            t.add_column(c.header, justify="left" if c.kind == "str" else "right")
        for row in data["coverage"]["months"]:
            t.add_row(*(fmt_value(row[c.key], c.kind) for c in COLUMNS["months"]))
        console.print()
        console.print(t)


def _table_coverage_and_caveats(console, data: dict) -> None:
    """The block before the figures: coverage lines, then one line per (grouped) caveat. Every
    text goes in as rich Text, never as markup: the data stays inert."""
    from rich.table import Table
    from rich.text import Text

    lines = coverage_lines(data.get("coverage"), data["parameters"]["tz"])
    if lines:
        t = Table(title=SECTION_TITLES["coverage"], show_header=False, box=None, title_justify="left",
                  title_style="bold")
        t.add_column(style="dim", no_wrap=True)
        t.add_column()
        for label, value in lines:
            t.add_row(Text(label), Text(value))
        console.print()
        console.print(t)
    caveats = data.get("caveats") or []
    t = Table(title=Text(f"{SECTION_TITLES['caveats']}: {headline(caveats)}"), show_header=False, box=None,
              title_justify="left", title_style="bold")
    t.add_column(no_wrap=True)
    t.add_column()
    shown = shown_caveats(data)
    for c in shown:
        style = "bold yellow" if c["severity"] == "warning" else "dim"
        t.add_row(Text(c["severity"], style=style), Text(f"{c['code']}: {c['message']}"))
    if not caveats:
        t.add_row(Text(""), Text(NO_CAVEAT))
    console.print()
    console.print(t)
    if len(shown) < len(caveats):
        console.print(Text(f"  {GROUPED_NOTE}", style="dim"))


#: Text columns that never wrap (short, and what a row is read by).
NO_WRAP = ("label", "handle", "bucket", "band")
#: The widest a text column counts when fitting a table (wider text wraps within it).
TEXT_WIDTH = 20
BARS = "bars"  # the hourly table's bar column, in TABLE_DROP_ORDER


def fit_columns(section: str, cols: tuple, rows: list[dict], width: int) -> tuple[tuple, bool, list[str]]:
    """The columns of ``section`` that fit ``width`` terminal columns without squeezing any:
    dropped in the order of TABLE_DROP_ORDER (a section not named there: from the right, never its
    first column). Returns (the columns kept, whether the hourly bars are kept, the headers left
    out)."""
    bars = section == "hourly"

    def need(c) -> int:
        header = TABLE_HEADERS.get((section, c.key), c.header)
        cells = [len(fmt_value(r.get(c.key), c.kind)) for r in rows]
        text = max([len(header), *cells])
        return (min(text, TEXT_WIDTH) if c.kind == "str" and c.key not in NO_WRAP else text) + 3

    kept = list(cols)
    order = list(TABLE_DROP_ORDER.get(section, ())) or [c.key for c in reversed(cols[1:])]
    left_out: list[str] = []
    for key in [None, *order]:
        if key == BARS:
            bars = False
        elif key is not None:
            drop = [c for c in kept if c.key == key]
            if not drop or len(kept) <= 2:
                continue
            kept.remove(drop[0])
            left_out.append(TABLE_HEADERS.get((section, key), drop[0].header))
        if sum(need(c) for c in kept) + (19 if bars else 0) + 1 <= width:
            break
    if bars is False and section == "hourly" and rows:
        left_out.insert(0, "bars")
    return tuple(kept), bars, left_out


def _table_columns(section: str, rows: list[dict]):
    cols = COLUMNS[section]
    if section == "brands":
        cols = tuple(c for c in cols if c.key in TABLE_BRAND_COLUMNS)
    elif section == "hourly":
        cols = tuple(c for c in cols if c.key != "hour")  # the label says it
    if not any(r.get("closed_pct") is not None for r in rows):  # no roster hours: nothing to show
        cols = tuple(c for c in cols if c.key not in ("closed_pct", "mentions_while_closed"))
    return cols


RENDERERS = {
    "table": render_table,
    "json": render_json,
    "csv": render_csv,
    "markdown": render_markdown,
}
