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

# A restrained palette: one blue for answered, greys for the rest, one accent.
INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#e4e7eb"
ANSWERED = "#1d4e89"
UNANSWERED = "#c9d1da"
ACCENT = "#c2571a"
LIGHT = "#b7cbe2"
#: Response-time buckets: fast is dark, slow is light; unanswered is grey.
BUCKET_COLORS = ("#0b3558", "#1d5b8c", "#3b7db3", "#6b9fcb", "#9cc0df", "#c8dcee", "#e6eff8", "#d5d5d5")
HEAT_COLORS = ("#f4f7fb", "#c8dcee", "#7eaad3", "#2f6ca6", "#0b3558")

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

WIDTH = 9.0  # inches; the HTML scales the SVG to its column, PNGs are WIDTH x PNG_DPI pixels wide
PNG_DPI = 200

_RC = {
    "svg.hashsalt": "kwo",
    "svg.fonttype": "path",
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.edgecolor": GRID,
    "axes.labelcolor": MUTED,
    "axes.titlecolor": INK,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.major.size": 0,
    "ytick.major.size": 0,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}
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


def figure(name: str, data: dict, *, title: bool = True, caveats: bool = True):
    """The chart ``name`` as a matplotlib Figure (no pyplot: no global state is touched);
    ``caveats``: the caveats of ``data`` that affect the chart as a footnote."""
    import matplotlib

    chart = _get(name)
    notes = chart_caveats(name, data) if caveats else []
    footnote = _footnote(notes, chart.width)
    height = _height(chart, data) + (0.16 * (footnote.count("\n") + 1) + 0.1 if footnote else 0)
    with matplotlib.rc_context(_RC):
        from matplotlib.figure import Figure

        fig = Figure(figsize=(chart.width, height), layout="constrained")
        chart.draw(fig, data)
        if title:
            suffix = _title_suffix(data) if chart.local_time else ""
            fig.suptitle(chart.title + suffix, x=0.01, ha="left", fontsize=12, fontweight="bold",
                         color=INK)
        if footnote:
            warning = any(c["severity"] == "warning" for c in notes)
            fig.supxlabel(footnote, x=0.01, ha="left", fontsize=7.5, color=ACCENT if warning else MUTED,
                          linespacing=1.3)
    return fig


def chart_caveats(name: str, data: dict) -> list[dict]:
    """The caveats of ``data`` (grouped as people read them) that affect chart ``name``."""
    from ..caveats import affects
    from .sections import shown_caveats

    return [c for c in shown_caveats(data) if affects(c, _get(name).figures)]


def _footnote(caveats: list[dict], width: float) -> str:
    """``Caveat (warning) threads_incomplete: ...`` per caveat, wrapped to the chart's width."""
    import textwrap

    from ..caveat_messages import EFFECTS, named_brands

    chars = int(width * 72 / (7.5 * 0.55))  # 7.5 pt DejaVu Sans: about 0.55 em a character
    lines = []
    for c in caveats:
        who = f" ({named_brands(c['brands'])})" if c.get("brands") else ""
        text = f"Caveat ({c['severity']}) {c['code']}{who}: {EFFECTS[c['code']]}."
        lines.extend(textwrap.wrap(text, chars, subsequent_indent="    "))
    if caveats:
        lines.append("kwo report --format json gives each caveat in full.")
    return "\n".join(lines)


def render_chart(name: str, data: dict, fmt: str = "svg", *, title: bool = True, text_as_paths: bool = True,
                 caveats: bool = True) -> bytes:
    """The chart as SVG or PNG bytes. ``text_as_paths`` draws SVG text as glyph outlines (the
    same look in every viewer); off, it stays text in the page's fonts (for inline HTML).
    ``caveats``: a footnote with the caveats that affect the chart (off for the HTML report,
    which shows them beside the chart)."""
    import matplotlib

    if fmt not in ("svg", "png"):
        raise ValueError(f"chart format must be svg or png, not {fmt!r}")
    fig = figure(name, data, title=title, caveats=caveats)
    rc = dict(_RC, **{"svg.hashsalt": f"kwo-{name}", "svg.fonttype": "path" if text_as_paths else "none"})
    rc["svg.id"] = f"kwo-chart-{name}"
    buf = io.BytesIO()
    with matplotlib.rc_context(rc):
        fig.savefig(buf, format=fmt, dpi=PNG_DPI if fmt == "png" else 72, metadata=_NO_METADATA[fmt])
    return buf.getvalue()


_PROLOG_RE = re.compile(r"\A<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?", re.S)
_SIZE_RE = re.compile(r'\s(width|height)="[\d.]+pt"')


def inline_svg(name: str, data: dict) -> str:
    """The chart as an ``<svg>`` element to put inside HTML: no XML prolog or DOCTYPE (the DTD
    reference is a URL), no fixed size (CSS sizes it from the viewBox), text as text, and
    matplotlib's ``*{...}`` style rule scoped to this chart."""
    svg = render_chart(name, data, "svg", title=False, text_as_paths=False, caveats=False).decode("utf-8")
    svg = _PROLOG_RE.sub("", svg)
    head, sep, rest = svg.partition(">")
    head = _SIZE_RE.sub("", head)
    label = _escape_attr(CHARTS[name].title)
    svg = f'{head} class="chart" role="img" aria-label="{label}"{sep}{rest}'
    return svg.replace("<style type=\"text/css\">*{", f"<style type=\"text/css\">#kwo-chart-{name} *{{", 1).strip()


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
# Helpers


def _thousands(ax, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(nbins=5, integer=True))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))


def _percent(ax, axis: str = "y", top: float = 100) -> None:
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MultipleLocator(25 if top >= 50 else 10))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}%"))


def _hour_axis(ax, step: int = 1) -> None:
    ax.set_xticks(range(0, 24, step), [f"{h:02d}" for h in range(0, 24, step)])
    ax.set_xlim(-0.6, 23.6)
    ax.set_xlabel("hour of the day (local time)")


def _note(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=MUTED, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _hourly(data: dict) -> list[dict]:
    rows = {r["hour"]: r for r in data.get("hourly", [])}
    return [rows.get(h, {"hour": h, "mentions": 0, "answered": 0}) for h in range(24)]


def _duration_unit(values: list[float]) -> tuple[float, str]:
    top = max(values, default=0)
    return (60.0, "hours") if top > 180 else (1.0, "minutes")


# ---------------------------------------------------------------------------------------------
# The charts


@_chart("rush-hour", "Mention tweets per hour of the day, answered and not", 3.4,
        figures=("mention_tweets", "answered_pct", "peak_hour", "hourly"))
def _rush_hour(fig, data: dict) -> None:
    ax = fig.add_subplot()
    rows = _hourly(data)
    if not any(r["mentions"] for r in rows):
        _note(ax, "no mention tweets in this period")
        return
    hours = list(range(24))
    answered = [r["answered"] for r in rows]
    unanswered = [r["mentions"] - r["answered"] for r in rows]
    ax.bar(hours, answered, width=0.72, color=ANSWERED, label="answered")
    ax.bar(hours, unanswered, width=0.72, bottom=answered, color=UNANSWERED, label="not answered")
    _hour_axis(ax)
    _thousands(ax)
    ax.set_ylabel("mention tweets")
    peak = data.get("totals", {}).get("peak_hour")
    if peak is not None:
        top = rows[peak]["mentions"]
        ax.annotate(f"peak {top:,}", (peak, top), xytext=(0, 4), textcoords="offset points", ha="center",
                    va="bottom", color=ACCENT, fontsize=8.5, fontweight="bold")
        ax.set_ylim(0, max(r["mentions"] for r in rows) * 1.12)
    pct = ax.twinx()
    pct.plot(hours, [r.get("answered_pct") for r in rows], color=ACCENT, linewidth=1.6, marker="o", markersize=3,
             label="answered %")
    pct.set_ylim(0, 105)
    _percent(pct)
    pct.grid(False)
    pct.spines["right"].set_visible(False)
    pct.set_ylabel("answered %", color=ACCENT)
    pct.tick_params(axis="y", colors=ACCENT)
    handles = ax.get_legend_handles_labels()[0] + pct.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper left", ncols=3, fontsize=8.5)


@_chart("response-by-hour", "Median response time by hour of arrival", 2.7, width=WIDTH / 2,
        figures=("response_times", "hourly"))
def _response_by_hour(fig, data: dict) -> None:
    ax = fig.add_subplot()
    rows = _hourly(data)
    medians = [r.get("median_response_minutes") for r in rows]
    known = [m for m in medians if m is not None]
    if not known:
        _note(ax, "no answered mentions in this period")
        return
    scale, unit = _duration_unit(known)
    ax.bar(range(24), [(m or 0) / scale for m in medians], width=0.72, color=ANSWERED)
    _hour_axis(ax, step=3)
    ax.set_ylabel(f"median ({unit})")


@_chart("closed-by-hour", "Mentions arriving while the brand is closed", 2.7, width=WIDTH / 2,
        figures=("hourly", "brands"))
def _closed_by_hour(fig, data: dict) -> None:
    ax = fig.add_subplot()
    rows = _hourly(data)
    shares = [r.get("closed_pct") for r in rows]
    if all(s is None for s in shares):
        _note(ax, "the roster gives no opening hours")
        return
    ax.bar(range(24), [s or 0 for s in shares], width=0.72, color=MUTED)
    _hour_axis(ax, step=3)
    ax.set_ylim(0, 105)
    _percent(ax)
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
        _note(ax, "no mention tweets in this period")
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
    _thousands(bar.ax)
    bar.set_label("mention tweets", color=MUTED)


@_chart("response-times", "Response time of the mention pairs", 3.0, local_time=False,
        figures=("answered_pct", "response_times"))
def _response_times(fig, data: dict) -> None:
    ax = fig.add_subplot()
    rows = data.get("response_times", [])
    total = sum(r["count"] for r in rows)
    if not total:
        _note(ax, "no mention pairs in this period")
        return
    y = list(range(len(rows)))
    pcts = [r["pct"] or 0 for r in rows]
    ax.barh(y, pcts, height=0.68, color=BUCKET_COLORS[: len(rows)])
    ax.set_yticks(y, [_bucket_label(r["bucket"]) for r in rows])
    ax.invert_yaxis()
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    top = max(pcts)
    ax.set_xlim(0, top * 1.22)
    _percent(ax, "x", top)
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
        _note(ax, "not computed (Metrics.report(details=True))")
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
        _note(ax, "no mention pairs in this period")
        return
    buckets = rows[0][2]
    y = list(range(len(rows)))
    left = [0.0] * len(rows)
    for i, bucket in enumerate(buckets):
        widths = [r[1][i] for r in rows]
        ax.barh(y, widths, left=left, height=0.7, color=BUCKET_COLORS[i], label=_bucket_label(bucket),
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
    _percent(ax, "x")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(buckets), fontsize=8, handlelength=1.2,
              columnspacing=1.0, borderaxespad=0.3)


@_chart("months", "Tweets per month: collected tweets and mention tweets", 2.8,
        figures=("mention_tweets", "months"))
def _months(fig, data: dict) -> None:
    ax = fig.add_subplot()
    coverage = data.get("coverage")
    if not coverage:
        _note(ax, "not computed (Metrics.report() gives every report its coverage)")
        return
    months = coverage["months"]
    if not months:
        _note(ax, "the archive holds no tweets")
        return
    x = list(range(len(months)))
    ax.bar(x, [m["tweets"] for m in months], width=0.8, color=LIGHT, label="collected tweets")
    ax.bar(x, [m["mention_tweets"] for m in months], width=0.5, color=ANSWERED, label="mention tweets")
    step = max(1, -(-len(months) // 18))  # at most 18 labels
    labels = [_month_label(m["month"], first=i == 0) for i, m in enumerate(months)]
    ax.set_xticks(x[::step], labels[::step])
    ax.set_xlim(-0.6, len(months) - 0.4)
    _thousands(ax)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=8.5, borderaxespad=0.3)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _month_label(month: str, *, first: bool = False) -> str:
    year, mm = month.split("-")
    name = _MONTHS[int(mm) - 1]
    return f"{name}\n{year}" if mm == "01" or first else name


def _bucket_label(bucket: str) -> str:
    return bucket.replace("<=", "≤ ").replace(">", "> ")


@_chart("staffing", "Agents needed (Erlang C) and agents seen, per weekday and hour", 5.2,
        figures=("mention_tweets", "hourly"))
def _staffing(fig, data: dict) -> None:
    from .staffing_chart import draw_staffing  # its own module (issue 20)

    draw_staffing(fig, data, heat_colors=HEAT_COLORS, muted=MUTED, weekdays=WEEKDAYS, note=_note)


__all__ = ["CHARTS", "chart_caveats", "chart_names", "figure", "inline_svg", "render_chart"]
