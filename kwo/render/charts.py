"""The report's charts (matplotlib), as SVG or PNG bytes that are the same on every run.

Each chart is drawn from the data of :func:`kwo.report.sections.view_data` (with ``details`` for
``response-times-by-sector``), so a chart and the tables beside it carry the same numbers. The
HTML report inlines :func:`inline_svg` (its caveats are beside the charts in the page);
``kwo chart NAME --output FILE.svg|.png`` writes :func:`render_chart` for slides, with the
caveats that affect the chart as a footnote, so that a slide carries them too.

Deterministic output: matplotlib's SVG ids are hashes salted with ``svg.hashsalt`` (random
unless set) and its files carry a creation date unless the metadata says otherwise; both are
fixed here, and the fonts are the DejaVu fonts that ship inside matplotlib, so the bytes depend
only on the data and the matplotlib version. ``text.parse_math`` is off: a ``$`` in a brand or
sector name is text, not TeX.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..safe_text import svg_text
from .chart_style import (
    ACCENT,
    ANSWERED,
    BUCKET_COLORS,
    HEAT_COLORS,
    INK,
    LIGHT,
    MUTED,
    RC,
    UNANSWERED,
    WEEKDAYS,
    bucket_label,
    duration_unit,
    hour_axis,
    hourly,
    month_ticks,
    note,
    percent,
    thousands,
    trend_lines,
    wrap_to,
)

WIDTH = 9.0  # inches; the HTML scales the SVG to its column, PNGs are WIDTH x PNG_DPI pixels wide
PNG_DPI = 200

_NO_METADATA = {"svg": {"Date": None, "Creator": None, "Format": None, "Type": None},
                "png": {"Software": None}}


@dataclass(frozen=True)
class Chart:
    name: str
    title: str  # what the chart shows (the standalone chart's title, the HTML figure's caption)
    draw: Callable  # draw(fig, data) -> None
    height: float  # inches; may depend on the data (see _height)
    local_time: bool  # drawn over hours, weekdays or months of the report time zone
    width: float = WIDTH  # inches; the HTML shows the narrow ones two abreast
    figures: tuple[str, ...] = ()  # what it shows (kwo.caveats.FIGURES): its caveats are of these


CHARTS: dict[str, Chart] = {}


def _chart(name: str, title: str, height: float, *, local_time: bool = True, width: float = WIDTH,
           figures: tuple[str, ...] = ()):
    def register(fn):
        CHARTS[name] = Chart(name, title, fn, height, local_time, width, figures)
        return fn

    return register


def chart_names() -> list[str]:
    return list(CHARTS)


# ---------------------------------------------------------------------------------------------
# Rendering


def figure(name: str, data: dict, *, title: bool = True, caveats: bool = True, narrow: bool = False):
    """The chart ``name`` as a matplotlib Figure (no pyplot: no global state is touched);
    ``caveats``: the caveats of ``data`` that affect the chart as a footnote; ``narrow``: its
    form for a phone (kwo.render.charts_narrow)."""
    import matplotlib

    from .charts_narrow import NARROW, SMALL

    chart = _get(name)
    width = _width(chart, narrow)
    notes = chart_caveats(name, data) if caveats else []
    note_size = SMALL if narrow else 7.5
    footnote = _footnote(notes, width, note_size)
    heading = chart_title(name, data, narrow=narrow) if title else ""
    height = NARROW[name][1](data) if narrow else _height(chart, data)
    height += (0.16 * (footnote.count("\n") + 1) + 0.1 if footnote else 0) + 0.21 * heading.count("\n")
    with matplotlib.rc_context(RC):
        from matplotlib.figure import Figure

        fig = Figure(figsize=(width, height), layout="constrained")
        (NARROW[name][0] if narrow else chart.draw)(fig, data)
        if heading:
            fig.suptitle(heading, x=0.01, ha="left", fontsize=TITLE_SIZE, fontweight="bold", color=INK,
                         linespacing=1.15)
        if footnote:
            warning = any(c["severity"] == "warning" for c in notes)
            fig.supxlabel(footnote, x=0.01, ha="left", fontsize=note_size, color=ACCENT if warning else MUTED,
                          linespacing=1.3)
    return fig


#: The standalone chart's title, in points (bold).
TITLE_SIZE = 12


def chart_title(name: str, data: dict, *, narrow: bool = False) -> str:
    """The standalone chart's title (with the time zone of a chart over local hours), wrapped
    to the chart's width: a narrow chart's title takes two lines rather than being cut."""
    chart = _get(name)
    text = chart.title + (_title_suffix(data) if chart.local_time else "")
    # the title starts at 1% of the width and keeps 2% free on the right
    return "\n".join(wrap_to(text, _width(chart, narrow) * 72 * 0.97, TITLE_SIZE, bold=True))


def _width(chart: Chart, narrow: bool) -> float:
    from .charts_narrow import NARROW_WIDTH

    return NARROW_WIDTH if narrow else chart.width


def chart_caveats(name: str, data: dict) -> list[dict]:
    """The caveats of ``data`` (grouped as people read them) that affect chart ``name``."""
    from ..caveats import affects
    from .sections import shown_caveats

    return [c for c in shown_caveats(data) if affects(c, _get(name).figures)]


def _footnote(caveats: list[dict], width: float, size: float = 7.5) -> str:
    """``Caveat (warning) threads_incomplete: ...`` per caveat, wrapped to the chart's width."""
    from ..caveat_messages import EFFECTS, named_brands

    lines = []
    for c in caveats:
        who = f" ({named_brands(c['brands'])})" if c.get("brands") else ""
        text = f"Caveat ({c['severity']}) {c['code']}{who}: {EFFECTS[c['code']]}."
        lines.extend(wrap_to(text, width * 72 * 0.97, size, indent="    "))
    if caveats:
        lines.append("kwo report --format json gives each caveat in full.")
    return "\n".join(lines)


def render_chart(name: str, data: dict, fmt: str = "svg", *, title: bool = True, text_as_paths: bool = True,
                 caveats: bool = True, narrow: bool = False) -> bytes:
    """The chart as SVG or PNG bytes. ``text_as_paths`` draws SVG text as glyph outlines (the
    same look in every viewer); off, it stays text in the page's fonts (for inline HTML).
    ``caveats``: a footnote with the caveats that affect the chart (off for the HTML report,
    which shows them beside the chart). ``narrow``: the form for a phone (its id ends in
    ``-narrow``)."""
    import matplotlib

    if fmt not in ("svg", "png"):
        raise ValueError(f"chart format must be svg or png, not {fmt!r}")
    fig = figure(name, data, title=title, caveats=caveats, narrow=narrow)
    key = f"{name}-narrow" if narrow else name
    rc = dict(RC, **{"svg.hashsalt": f"kwo-{key}", "svg.fonttype": "path" if text_as_paths else "none"})
    rc["svg.id"] = f"kwo-chart-{key}"
    buf = io.BytesIO()
    with matplotlib.rc_context(rc):
        fig.savefig(buf, format=fmt, dpi=PNG_DPI if fmt == "png" else 72, metadata=_NO_METADATA[fmt])
    return buf.getvalue()


_PROLOG_RE = re.compile(r"\A<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?", re.S)
_SIZE_RE = re.compile(r'\s(width|height)="[\d.]+pt"')


def inline_svg(name: str, data: dict, *, narrow: bool = False) -> str:
    """The chart as an ``<svg>`` element to put inside HTML: no XML prolog or DOCTYPE (the DTD
    reference is a URL), no fixed size (CSS sizes it from the viewBox), text as text, and
    matplotlib's ``*{...}`` style rule scoped to this chart. ``narrow``: the form for a phone,
    with the class ``chart narrow`` (the wide one has ``chart wide``)."""
    svg = render_chart(name, data, "svg", title=False, text_as_paths=False, caveats=False,
                       narrow=narrow).decode("utf-8")
    svg = _PROLOG_RE.sub("", svg)
    head, sep, rest = svg.partition(">")
    head = _SIZE_RE.sub("", head)
    label = _escape_attr(CHARTS[name].title)
    form, key = ("narrow", f"{name}-narrow") if narrow else ("wide", name)
    svg = f'{head} class="chart {form}" role="img" aria-label="{label}"{sep}{rest}'
    return svg.replace("<style type=\"text/css\">*{", f"<style type=\"text/css\">#kwo-chart-{key} *{{", 1).strip()


def _escape_attr(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def _get(name: str) -> Chart:
    try:
        return CHARTS[name]
    except KeyError:
        raise ValueError(f"unknown chart {name!r} (available: {', '.join(CHARTS)})") from None


def _height(chart: Chart, data: dict) -> float:
    if chart.name == "response-times-by-sector":
        sectors = {r["sector"] for r in (data.get("details") or {}).get("sector_response_times", [])}
        return 1.6 + 0.32 * (len(sectors) + 1)
    return chart.height


def _title_suffix(data: dict) -> str:
    tz = data.get("parameters", {}).get("tz")
    return f" ({tz})" if tz else ""


# ---------------------------------------------------------------------------------------------
# The charts


@_chart("rush-hour", "Mention tweets per hour of the day, answered and not", 3.4,
        figures=("mention_tweets", "answered_pct", "peak_hour", "hourly"))
def _rush_hour(fig, data: dict) -> None:
    ax = fig.add_subplot()
    rows = hourly(data)
    if not any(r["mentions"] for r in rows):
        note(ax, "no mention tweets in this period")
        return
    hours = list(range(24))
    answered = [r["answered"] for r in rows]
    unanswered = [r["mentions"] - r["answered"] for r in rows]
    ax.bar(hours, answered, width=0.72, color=ANSWERED, label="answered")
    ax.bar(hours, unanswered, width=0.72, bottom=answered, color=UNANSWERED, label="not answered")
    hour_axis(ax)
    thousands(ax)
    ax.set_ylabel("mention tweets")
    peak = data.get("totals", {}).get("peak_hour")
    if peak is not None:
        top = rows[peak]["mentions"]
        # Centred over the bar, except near the ends, where it leans inwards: it never reaches
        # the axis of answered % on the right nor the first hours' labels.
        ha = "left" if peak <= 1 else "right" if peak >= 22 else "center"
        x = {"left": peak - 0.36, "right": peak + 0.36, "center": peak}[ha]
        ax.annotate(f"peak {top:,}", (x, top), xytext=(0, 4), textcoords="offset points", ha=ha,
                    va="bottom", color=ACCENT, fontsize=8.5, fontweight="bold")
        ax.set_ylim(0, max(r["mentions"] for r in rows) * 1.12)
    pct = ax.twinx()
    pct.plot(hours, [r.get("answered_pct") for r in rows], color=ACCENT, linewidth=1.6, marker="o", markersize=3,
             label="answered %")
    pct.set_ylim(0, 105)
    percent(pct)
    pct.grid(False)
    pct.spines["right"].set_visible(False)
    pct.set_ylabel("answered %", color=ACCENT)
    pct.tick_params(axis="y", colors=ACCENT)
    handles = ax.get_legend_handles_labels()[0] + pct.get_legend_handles_labels()[0]
    # above the plot, where no bar, line or peak label can be
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, fontsize=8.5,
              borderaxespad=0.3)


@_chart("response-by-hour", "Median response time by hour of arrival", 2.7, width=WIDTH / 2,
        figures=("response_times", "hourly"))
def _response_by_hour(fig, data: dict) -> None:
    ax = fig.add_subplot()
    rows = hourly(data)
    medians = [r.get("median_response_minutes") for r in rows]
    known = [m for m in medians if m is not None]
    if not any(r["mentions"] for r in rows):
        note(ax, "no mention tweets in this period")
        return
    if not known:
        note(ax, "no answered mentions in this period")
        return
    scale, unit = duration_unit(known)
    ax.bar(range(24), [(m or 0) / scale for m in medians], width=0.72, color=ANSWERED)
    hour_axis(ax, step=3)
    ax.set_ylabel(f"median ({unit})")


@_chart("closed-by-hour", "Mentions arriving while the brand is closed", 2.7, width=WIDTH / 2,
        figures=("hourly", "brands"))
def _closed_by_hour(fig, data: dict) -> None:
    ax = fig.add_subplot()
    rows = hourly(data)
    shares = [r.get("closed_pct") for r in rows]
    if not any(r["mentions"] for r in rows):
        note(ax, "no mention tweets in this period")
        return
    if all(s is None for s in shares):
        note(ax, "the roster gives no opening hours")
        return
    ax.bar(range(24), [s or 0 for s in shares], width=0.72, color=MUTED)
    hour_axis(ax, step=3)
    ax.set_ylim(0, 105)
    percent(ax)
    ax.set_ylabel("share of mentions")


@_chart("heatmap", "Mention tweets per weekday and hour", 2.9, figures=("mention_tweets", "hourly"))
def _heatmap(fig, data: dict) -> None:
    import numpy as np
    from matplotlib.colors import LinearSegmentedColormap

    ax = fig.add_subplot()
    grid = np.zeros((7, 24))
    for r in data.get("weekday_hourly", []):
        grid[r["weekday"] - 1, r["hour"]] = r["mentions"]
    if not grid.any():
        note(ax, "no mention tweets in this period")
        return
    cmap = LinearSegmentedColormap.from_list("kwo", HEAT_COLORS)
    mesh = ax.pcolormesh(grid, cmap=cmap, vmin=0, edgecolors="white", linewidth=1.0)
    ax.set_xticks([h + 0.5 for h in range(24)], [f"{h:02d}" for h in range(24)])
    ax.set_yticks([d + 0.5 for d in range(7)], WEEKDAYS)
    ax.invert_yaxis()
    ax.set_xlabel("hour of the day (local time)")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = fig.colorbar(mesh, ax=ax, fraction=0.025, pad=0.01)
    bar.outline.set_visible(False)
    bar.ax.tick_params(size=0, colors=MUTED)
    thousands(bar.ax)
    bar.set_label("mention tweets", color=MUTED)


@_chart("response-times", "Response time of the mention pairs", 3.0, local_time=False,
        figures=("answered_pct", "response_times"))
def _response_times(fig, data: dict) -> None:
    ax = fig.add_subplot()
    rows = data.get("response_times", [])
    total = sum(r["count"] for r in rows)
    if not total:
        note(ax, "no mention pairs in this period")
        return
    y = list(range(len(rows)))
    pcts = [r["pct"] or 0 for r in rows]
    ax.barh(y, pcts, height=0.68, color=BUCKET_COLORS[: len(rows)])
    ax.set_yticks(y, [bucket_label(r["bucket"]) for r in rows])
    ax.invert_yaxis()
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    top = max(pcts)
    ax.set_xlim(0, top * 1.22)
    percent(ax, "x", top)
    ax.set_xlabel("share of mention pairs")
    for yi, r in zip(y, rows):
        ax.text((r["pct"] or 0) + top * 0.01, yi, f"{r['count']:,}  ({(r['pct'] or 0):.1f}%)", va="center",
                fontsize=8, color=INK)


@_chart("response-times-by-sector", "Response time per sector (share of the sector's mention pairs)", 3.0,
        local_time=False, figures=("answered_pct", "response_times", "brands"))
def _response_times_by_sector(fig, data: dict) -> None:
    ax = fig.add_subplot()
    details = data.get("details")
    if not details:
        note(ax, "not computed (Metrics.report(details=True))")
        return
    by_sector: dict[str, list[dict]] = {}
    for r in details["sector_response_times"]:
        by_sector.setdefault(r["sector"], []).append(r)
    overall = data.get("response_times", [])
    rows = []
    if overall and sum(r["count"] for r in overall):
        rows.append(("all sectors", [r["pct"] or 0 for r in overall], [r["bucket"] for r in overall]))
    for sector, buckets in by_sector.items():
        # A sector name is data: XML 1.0 forbids its control characters even escaped.
        rows.append((svg_text(sector), [b["pct"] or 0 for b in buckets], [b["bucket"] for b in buckets]))
    if not rows:
        note(ax, "no mention pairs in this period")
        return
    buckets = rows[0][2]
    y = list(range(len(rows)))
    left = [0.0] * len(rows)
    for i, bucket in enumerate(buckets):
        widths = [r[1][i] for r in rows]
        ax.barh(y, widths, left=left, height=0.7, color=BUCKET_COLORS[i], label=bucket_label(bucket),
                edgecolor="white", linewidth=0.6)
        for yi, (x0, w) in enumerate(zip(left, widths)):
            if w >= 7:
                dark = i < 4
                ax.text(x0 + w / 2, yi, f"{w:.0f}%", ha="center", va="center", fontsize=7.5,
                        color="white" if dark else INK)
        left = [a + b for a, b in zip(left, widths)]
    ax.set_yticks(y, [r[0] for r in rows])
    if rows[0][0] == "all sectors":
        ax.get_yticklabels()[0].set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    percent(ax, "x")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4, fontsize=8, handlelength=1.2,
              columnspacing=1.0, borderaxespad=0.3)


@_chart("trend", "Trend: answered % per month, the five most mentioned brands", 2.8,
        figures=("answered_pct", "brands"))
def _trend(fig, data: dict) -> None:
    trend_lines(fig.add_subplot(), data, most=18, ncols=5, fontsize=8.5)


@_chart("months", "Tweets per month: collected tweets and mention tweets", 2.8,
        figures=("mention_tweets", "months"))
def _months(fig, data: dict) -> None:
    ax = fig.add_subplot()
    coverage = data.get("coverage")
    if not coverage:
        note(ax, "not computed (Metrics.report() gives every report its coverage)")
        return
    months = coverage["months"]
    if not months:
        note(ax, "the archive holds no tweets")
        return
    x = list(range(len(months)))
    ax.bar(x, [m["tweets"] for m in months], width=0.8, color=LIGHT, label="collected tweets")
    ax.bar(x, [m["mention_tweets"] for m in months], width=0.5, color=ANSWERED, label="mention tweets")
    ticks, labels = month_ticks([m["month"] for m in months], most=18)
    ax.set_xticks(ticks, labels)
    ax.set_xlim(-0.6, len(months) - 0.4)
    thousands(ax)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=8.5, borderaxespad=0.3)


@_chart("staffing", "Agents needed (Erlang C) and agents seen, per weekday and hour", 5.2,
        figures=("mention_tweets", "hourly"))
def _staffing(fig, data: dict) -> None:
    from .staffing_chart import draw_staffing  # its own module (issue 20)

    draw_staffing(fig, data)


__all__ = ["CHARTS", "chart_caveats", "chart_title", "chart_names", "figure", "inline_svg", "render_chart"]
