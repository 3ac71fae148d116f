"""The charts' narrow forms, for a phone (kwo.render.html shows them below 760 px of width).

A wide chart scaled down to a 400-pixel screen shrinks its 9-point labels to 5 pixels. Each
narrow form is drawn :data:`NARROW_WIDTH` inches wide instead, so that shown across a phone
(about 370 px) a point is 1.4 pixels and the smallest text (8 pt) 11 pixels or more; the 24
hours run down the page as horizontal bars, the weekday x hour grid turns on its side (hours
down, weekdays across), and the months keep a tick every few months with their years.
Each takes the data of the wide chart and shows the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable

from ..safe_text import svg_text
from .chart_style import (
    ACCENT,
    ANSWERED,
    BUCKET_COLORS,
    HEAT_COLORS,
    INK,
    LIGHT,
    MUTED,
    UNANSWERED,
    WEEKDAYS,
    bucket_label,
    duration_unit,
    hourly,
    month_ticks,
    note,
    percent,
    thousands,
    trend_lines,
)

#: Inches: 259 pt, shown about 370 px wide on a 400-pixel phone.
NARROW_WIDTH = 3.6
#: The smallest text of a narrow form, in points.
SMALL = 8.0

#: name -> (draw(fig, data), height(data) in inches)
NARROW: dict[str, tuple[Callable, Callable[[dict], float]]] = {}


def _narrow(name: str, height: Callable[[dict], float] | float):
    def register(fn):
        NARROW[name] = (fn, height if callable(height) else (lambda _data: height))
        return fn

    return register


def _hour_rows(ax) -> None:
    """The 24 hours as rows, 00 at the top, each labelled."""
    ax.set_yticks(range(24), [f"{h:02d}" for h in range(24)])
    ax.set_ylim(23.6, -0.6)
    ax.set_ylabel("hour of the day (local time)")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)


@_narrow("rush-hour", 6.2)
def _rush_hour(fig, data: dict) -> None:
    ax = fig.add_subplot()
    rows = hourly(data)
    if not any(r["mentions"] for r in rows):
        note(ax, "no mention tweets in this period")
        return
    hours = list(range(24))
    answered = [r["answered"] for r in rows]
    ax.barh(hours, answered, height=0.72, color=ANSWERED, label="answered")
    ax.barh(hours, [r["mentions"] - r["answered"] for r in rows], height=0.72, left=answered, color=UNANSWERED,
            label="not answered")
    _hour_rows(ax)
    top = max(r["mentions"] for r in rows)
    ax.set_xlim(0, top * 1.32)  # room for the answered % after the longest bar
    thousands(ax, "x", nbins=3)
    ax.set_xlabel("mention tweets")
    peak = data.get("totals", {}).get("peak_hour")
    for r in rows:
        pct = r.get("answered_pct")
        if r["mentions"] and pct is not None:
            is_peak = r["hour"] == peak
            ax.text(r["mentions"] + top * 0.02, r["hour"], f"{pct:.0f}%" + (" peak" if is_peak else ""),
                    va="center", fontsize=SMALL, color=ACCENT if is_peak else INK,
                    fontweight="bold" if is_peak else "normal")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=SMALL, borderaxespad=0.3,
              title="answered % after each bar", title_fontsize=SMALL, alignment="left")


@_narrow("response-by-hour", 4.8)
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
    ax.barh(range(24), [(m or 0) / scale for m in medians], height=0.72, color=ANSWERED)
    _hour_rows(ax)
    ax.set_xlabel(f"median response ({unit})")


@_narrow("closed-by-hour", 4.8)
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
    ax.barh(range(24), [s or 0 for s in shares], height=0.72, color=MUTED)
    _hour_rows(ax)
    ax.set_xlim(0, 100)
    percent(ax, "x")
    ax.set_xlabel("share of mentions while closed")


@_narrow("heatmap", 6.6)
def _heatmap(fig, data: dict) -> None:
    import numpy as np
    from matplotlib.colors import LinearSegmentedColormap

    ax = fig.add_subplot()
    grid = np.zeros((24, 7))
    for r in data.get("weekday_hourly", []):
        grid[r["hour"], r["weekday"] - 1] = r["mentions"]
    if not grid.any():
        note(ax, "no mention tweets in this period")
        return
    cmap = LinearSegmentedColormap.from_list("kwo", HEAT_COLORS)
    mesh = ax.pcolormesh(grid, cmap=cmap, vmin=0, edgecolors="white", linewidth=0.8)
    ax.set_xticks([d + 0.5 for d in range(7)], WEEKDAYS)
    ax.xaxis.tick_top()
    ax.set_yticks([h + 0.5 for h in range(24)], [f"{h:02d}" for h in range(24)])
    ax.invert_yaxis()
    ax.set_ylabel("hour of the day (local time)")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = fig.colorbar(mesh, ax=ax, orientation="horizontal", fraction=0.04, pad=0.02, aspect=30)
    bar.outline.set_visible(False)
    bar.ax.tick_params(size=0, colors=MUTED, labelsize=SMALL)
    thousands(bar.ax, "x", nbins=4)
    bar.set_label("mention tweets", color=MUTED)


@_narrow("response-times", lambda data: 1.2 + 0.3 * max(1, len(data.get("response_times", []))))
def _response_times(fig, data: dict) -> None:
    ax = fig.add_subplot()
    rows = data.get("response_times", [])
    if not sum(r["count"] for r in rows):
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
    ax.set_xlim(0, top * 1.45)
    percent(ax, "x", top)
    ax.set_xlabel("share of mention pairs")
    for yi, r in zip(y, rows):
        ax.text((r["pct"] or 0) + top * 0.02, yi, f"{(r['pct'] or 0):.1f}%", va="center", fontsize=SMALL,
                color=INK)


def _sector_rows(data: dict) -> int:
    details = data.get("details") or {}
    return len({r["sector"] for r in details.get("sector_response_times", [])}) + 1


@_narrow("response-times-by-sector", lambda data: 2.1 + 0.3 * _sector_rows(data))
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
        # a long name is cut: beside bars 3.6 in wide it would leave the bars no room at all
        name = svg_text(sector)
        rows.append((name if len(name) <= 16 else name[:15] + "…", [b["pct"] or 0 for b in buckets],
                     [b["bucket"] for b in buckets]))
    if not rows:
        note(ax, "no mention pairs in this period")
        return
    buckets = rows[0][2]
    y = list(range(len(rows)))
    left = [0.0] * len(rows)
    for i, bucket in enumerate(buckets):
        widths = [r[1][i] for r in rows]
        ax.barh(y, widths, left=left, height=0.7, color=BUCKET_COLORS[i], label=bucket_label(bucket),
                edgecolor="white", linewidth=0.5)
        for yi, (x0, w) in enumerate(zip(left, widths)):
            if w >= 16:  # room for "23%" at 8 pt in a bar 259 pt wide at most
                ax.text(x0 + w / 2, yi, f"{w:.0f}%", ha="center", va="center", fontsize=SMALL,
                        color="white" if i < 4 else INK)
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
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=SMALL, handlelength=1.0,
              columnspacing=0.8, borderaxespad=0.3)


@_narrow("trend", 3.4)
def _trend(fig, data: dict) -> None:
    trend_lines(fig.add_subplot(), data, most=5, ncols=2, fontsize=SMALL)


@_narrow("months", 3.0)
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
    ticks, labels = month_ticks([m["month"] for m in months], most=5)
    ax.set_xticks(ticks, labels)
    ax.set_xlim(-0.6, len(months) - 0.4)
    thousands(ax, nbins=4)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=SMALL, borderaxespad=0.3)


@_narrow("staffing", 7.4)
def _staffing(fig, data: dict) -> None:
    from .staffing_chart import draw_staffing  # its own module (issue 20)

    draw_staffing(fig, data, narrow=True, small=SMALL)


__all__ = ["NARROW", "NARROW_WIDTH", "SMALL"]
