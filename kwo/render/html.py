"""The HTML report: one self-contained file with inline SVG charts, to mail around and open offline.

``render(data, out)`` takes the data of :func:`kwo.report.sections.view_data` (with ``details``
when the report was built with ``details=True``: response times per sector and example tweets;
without them those parts say they were not computed) and writes one HTML document:

- the coverage and the caveats (kwo.caveats) as a banner at the top, and each caveat again as a
  short note beside the figures it affects (headline figures, sections, brand rows);

- no network reference of any kind: the charts are inline ``<svg>``, the style sheet and the few
  lines of script (sorting the brand table, opening folded tables for print) are inline, and no
  attribute names a URL (tests/test_html_report.py states the exact rule it checks);
- everything taken from the data (tweet text, brand and sector names, file paths) is escaped:
  the template engine (jinja2) escapes by default, the embedded JSON escapes ``<``, ``>`` and
  ``&``, and matplotlib escapes the text inside the SVG;
- the figures are machine-readable: every headline figure and table cell carries its exact value
  in ``data-value``/``data-sort``, and the whole data is embedded as
  ``<script type="application/json" id="kwo-data">`` (the same object as ``--format json``).

Nothing in it depends on the clock, so the same archive and options give the same bytes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TextIO

from ..caveat_messages import EFFECTS, headline, named_brands
from ..caveats import affects
from ..metrics import WEEKDAYS
from .sections import (
    COLUMNS,
    SECTION_TITLES,
    TOTALS_LABELS,
    VIEWS,
    coverage_lines,
    fmt_value,
    parameter_lines,
    shown_caveats,
)

#: Sections with a part of their own in the page; any other section of a view is a plain table.
_OWN_PARTS = ("hourly", "weekday_hourly", "response_times", "sectors", "brands")
#: Per brand and month or ISO week: thousands of rows (100 brands x 52 weeks made the page 4 MB
#: and stalled a browser); the HTML shows them as the trend chart, the other formats as tables.
_CHART_ONLY = ("monthly", "weekly")
#: Plain tables folded under a summary: one row per agent of every brand runs to hundreds of rows.
_FOLDED = ("brand_agents",)
#: Columns a phone (under 760 px) leaves out, so that the handle and answered % stay in view.
_PHONE_HIDDEN = {"answered_ranking": ("name",)}

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every {{ value }} is escaped unless marked safe (only the charts are)
        finalize=_visible_controls,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = lambda v: fmt_value(v, "int")
    env.filters["pct"] = lambda v: fmt_value(v, "pct")
    env.filters["duration"] = fmt_duration
    env.filters["sortkey"] = _sort_key
    return env


def _visible_controls(value):
    """Every text the template shows, with its control characters made visible (kwo.safe_text):
    escaping cannot make an ESC or a NUL harmless, and XML (the inline SVG) forbids them."""
    from markupsafe import Markup

    from ..safe_text import visible

    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value, keep="\n\t")
    return value


def render(data: dict, out: TextIO) -> None:
    out.write(render_html(data))


def render_html(data: dict) -> str:
    from markupsafe import Markup

    from . import charts

    context = page_context(data)
    # Each chart twice: its wide form and its narrow form for phones; the style sheet shows one.
    context["charts"] = {
        name: Markup(charts.inline_svg(name, data) + "\n" + charts.inline_svg(name, data, narrow=True))
        for name in context["chart_names"]
    }
    return _environment().get_template("report.html.j2").render(**context)


def fmt_duration(minutes: float | None) -> str:
    """Response times for reading: 6.8 min, 3.2 h, 2.1 d (one decimal); the exact minutes stay in
    the data attributes and the JSON."""
    if minutes is None:
        return "–"
    if minutes < 60:
        return f"{minutes:,.1f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:,.1f} h"
    return f"{minutes / 1440:,.1f} d"


def _sort_key(value) -> str:
    """A data-sort attribute value: empty for None (sorted last), else the exact value."""
    if value is None:
        return ""
    return str(value)


def page_context(data: dict) -> dict:
    """What the template shows, computed from the data (no formatting of figures here)."""
    view = VIEWS[data["view"]]
    params = data["parameters"]
    totals = data.get("totals", {})
    details = data.get("details")
    brands = data.get("brands")
    hourly = data.get("hourly")

    chart_names = []
    if hourly is not None:
        chart_names += ["rush-hour", "response-by-hour", "closed-by-hour"]
    if data.get("weekday_hourly") is not None:
        chart_names.append("heatmap")
    if data.get("response_times") is not None:
        chart_names.append("response-times")
        if details:
            chart_names.append("response-times-by-sector")
    if data.get("monthly") is not None:
        chart_names.append("trend")
    if data.get("coverage"):
        chart_names.append("months")
    if data.get("staffing"):
        chart_names.append("staffing")

    # With opening hours in the roster: the share of the pairs of those brands that arrived while
    # the brand was closed (the brands table carries the counts per brand).
    closed = None
    source = brands if brands is not None else data.get("opening_hours")
    if source:
        with_hours = [b for b in source if b.get("hours")]
        pairs = sum(b["mentions"] for b in with_hours)
        if with_hours:
            n_closed = sum(b["mentions_while_closed"] or 0 for b in with_hours)
            closed = {"brands": len(with_hours), "pairs": pairs, "closed": n_closed,
                      "pct": 100.0 * n_closed / pairs if pairs else None}

    peak = None
    if totals.get("peak_hour") is not None and hourly:
        day_total = sum(h["mentions"] for h in hourly)
        start, _, end = totals["peak_hour_label"].partition("-")
        peak = {"label": totals["peak_hour_label"], "start": start, "end": end, "mentions": totals["peak_hour_mentions"],
                "pct": 100.0 * totals["peak_hour_mentions"] / day_total if day_total else None}

    period = _period(params, data.get("coverage"))
    shown = shown_caveats(data)
    for i, c in enumerate(shown, 1):
        c["anchor"] = f"caveat-{i}"
        c["effect"] = EFFECTS[c["code"]]
        c["named"] = named_brands(c["brands"]) if c["brands"] else ""
    all_totals = [
        {"key": key, "label": TOTALS_LABELS[key][0], "value": value, "shown": _cell(value, TOTALS_LABELS[key][1], key)}
        for key, value in totals.items()
    ]
    tables = [_table(section, data[section]) for section in view.sections
              if section in data and section not in _OWN_PARTS + _CHART_ONLY]
    weekday_matrix = []
    if data.get("weekday_hourly") is not None:
        cells = {(r["weekday"], r["hour"]): r for r in data["weekday_hourly"]}
        weekday_matrix = [(h, [cells.get((d, h), {"weekday": d, "mentions": 0}) for d in range(1, 8)])
                          for h in range(24)]
    return {
        "data": data,
        "weekday_names": WEEKDAYS,
        "weekday_matrix": weekday_matrix,
        "view": view,
        "title": view.title,
        "params": params,
        "parameter_lines": parameter_lines(params),
        "totals": totals,
        "kpis": _kpis(totals, shown),
        "all_totals": all_totals,
        "tables": tables,
        "details": details,
        "coverage": data.get("coverage"),
        "coverage_lines": coverage_lines(data.get("coverage"), params["tz"]),
        "caveats": shown,
        "caveats_headline": headline(data.get("caveats") or []),
        "caveat_notes": {part: [c for c in shown if affects(c, figures)] for part, figures in _PART_FIGURES.items()},
        "brand_caveats": _brand_caveats(data.get("caveats") or []),
        "period": period,
        "peak": peak,
        "closed": closed,
        "chart_names": chart_names,
        "chart_titles": {name: _chart_title(name) for name in chart_names},
        "hourly": hourly,
        "brands": brands,
        "sectors": data.get("sectors"),
        "staffing": data.get("staffing"),
        "response_times": data.get("response_times"),
        "opening_hours": data.get("opening_hours"),
        "brands_have_hours": bool(brands) and any(b.get("hours") for b in brands),
    }


#: The figures (kwo.caveats.FIGURES) each part of the page shows: a caveat of them is noted there.
_PART_FIGURES = {
    "rush-hour": ("peak_hour", "hourly"),
    "weekday-hour": ("hourly",),
    "response-times": ("response_times",),
    "sectors": ("brands",),
    "brands": ("brands",),
    "proactive": ("proactive_replies", "brands"),
    "opening-hours": ("brands",),
    "coverage": ("months",),
}
#: ... and each headline figure.
_KPI_FIGURES = {
    "mention_tweets": ("mention_tweets",), "mention_pairs": ("mention_tweets",), "answered_pct": ("answered_pct",),
    "proactive_replies": ("proactive_replies",), "peak_hour": ("peak_hour",),
    "median_response_minutes": ("response_times",), "p90_response_minutes": ("response_times",),
    "brands_mentioned": ("mention_tweets",),
}


def _brand_caveats(caveats: list[dict]) -> dict[str, list[dict]]:
    """handle -> the caveats about that brand (each one, not grouped), for the brand table."""
    out: dict[str, list[dict]] = {}
    for c in caveats:
        if c["brand"] is not None:
            out.setdefault(c["brand"], []).append(c)
    return out


def _cell(value, kind: str, key: str) -> str:
    if kind == "minutes" or key.endswith("_minutes"):
        return fmt_duration(value)
    return fmt_value(value, kind)


def _table(section: str, rows: list[dict]) -> dict:
    """A section without a part of its own (proactive, opening_hours) as a plain table."""
    cols = COLUMNS[section]
    return {
        "id": section.replace("_", "-"),
        "title": SECTION_TITLES[section],
        "columns": [{"key": c.key, "header": c.header, "cls": _cell_class(section, c)} for c in cols],
        "rows": [[{"key": c.key, "value": r.get(c.key), "shown": _cell(r.get(c.key), c.kind, c.key),
                   "cls": _cell_class(section, c)} for c in cols] for r in rows],
        "folded": section in _FOLDED and len(rows) > 10,
    }


def _cell_class(section: str, column) -> str:
    """The class of a plain table's cells: numbers align right; some columns a phone leaves out."""
    return " ".join(c for c, on in (("num", column.kind != "str"),
                                    ("phone-hide", column.key in _PHONE_HIDDEN.get(section, ()))) if on)


def _chart_title(name: str) -> str:
    from .charts import CHARTS

    return CHARTS[name].title


# Headline figures: (key, label, kind) in the order shown; the first four are the KWO ones.
_KPIS = (
    ("mention_tweets", "mention tweets", "int"),
    ("answered_pct", "answered", "pct"),
    ("proactive_replies", "proactive replies", "int"),
    ("peak_hour_label", "peak hour", "str"),
    ("median_response_minutes", "median response", "duration"),
    ("p90_response_minutes", "p90 response", "duration"),
    ("mention_pairs", "mention pairs (tweet, brand)", "int"),
    ("brands_mentioned", "brands mentioned", "int"),
)


def _kpis(totals: dict, caveats: list[dict]) -> list[dict]:
    out = []
    for key, label, kind in _KPIS:
        if key not in totals:
            continue
        value = totals[key]
        shown = fmt_duration(value) if kind == "duration" else fmt_value(value, kind)
        note = None
        if key == "answered_pct" and "answered" in totals:
            note = f"{fmt_value(totals['answered'], 'int')} answered"
        elif key == "peak_hour_label" and totals.get("peak_hour_mentions") is not None:
            note = f"{fmt_value(totals['peak_hour_mentions'], 'int')} mention tweets"
        elif key == "proactive_replies" and "brand_replies" in totals:
            note = f"of {fmt_value(totals['brand_replies'], 'int')} brand replies"
        # the hour's number, not its label, is the figure (peak_hour in the JSON)
        raw_key, raw = ("peak_hour", totals.get("peak_hour")) if key == "peak_hour_label" else (key, value)
        # each code once, linking to its first caveat (the archive-wide one comes before the brands')
        about: list[dict] = []
        for c in caveats:
            if affects(c, _KPI_FIGURES.get(raw_key, ())) and all(a["code"] != c["code"] for a in about):
                about.append(c)
        out.append({"key": raw_key, "label": label, "value": raw, "shown": shown, "note": note,
                    "primary": len(out) < 4, "caveats": about})
    return out


def _period(params: dict, coverage: dict | None) -> str:
    """The period the figures cover, in words."""
    if params.get("since") or params.get("until"):
        return f"{params.get('since') or 'start'} to {params.get('until') or 'end'}"
    if coverage and coverage["first_mention"]:
        return f"{coverage['first_mention'][:10]} to {coverage['last_mention'][:10]}"
    return "the whole archive"


__all__ = ["fmt_duration", "page_context", "render", "render_html"]
