"""What every chart of kwo.render.charts shares: the palette, matplotlib's settings, the estimate
of a text's width, and the small helpers of axes (thousands, percentages, hours, notes).

The wide forms (kwo.render.charts) and the narrow forms for phones (kwo.render.charts_narrow)
both draw with these, so the two look alike.
"""

from __future__ import annotations

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
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: Text widths are measured with the font the charts draw with (DejaVu Sans, which ships inside
#: matplotlib), so titles wrap and labels are placed where they fit, whatever the machine.
FONT = "DejaVu Sans"

RC = {
    "svg.hashsalt": "kwo",
    "svg.fonttype": "path",
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
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


def text_width_pt(text: str, size: float, *, bold: bool = False) -> float:
    """The width of one line of ``text`` at ``size`` points in the charts' font."""
    from matplotlib.textpath import text_to_path

    width, _height, _descent = text_to_path.get_text_width_height_descent(text, _font(size, bold), ismath=False)
    return width


def wrap_to(text: str, width_pt: float, size: float, *, bold: bool = False, indent: str = "") -> list[str]:
    """``text`` wrapped at spaces into lines that fit ``width_pt`` points at ``size`` points (a
    word longer than the width stays whole on its own line)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else (indent if lines else "") + word
        if line and text_width_pt(candidate, size, bold=bold) > width_pt:
            lines.append(line)
            line = indent + word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def _font(size: float, bold: bool):
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")


def thousands(ax, axis: str = "y", nbins: int = 5) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(nbins=nbins, integer=True))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))


def percent(ax, axis: str = "y", top: float = 100) -> None:
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MultipleLocator(25 if top >= 50 else 10))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}%"))


def hour_axis(ax, step: int = 1) -> None:
    ax.set_xticks(range(0, 24, step), [f"{h:02d}" for h in range(0, 24, step)])
    ax.set_xlim(-0.6, 23.6)
    ax.set_xlabel("hour of the day (local time)")


def note(ax, text: str) -> None:
    """An empty chart's one sentence, in the middle of its axes."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=MUTED, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def hourly(data: dict) -> list[dict]:
    """The 24 rows of the hourly section, an hour without mentions as zeros."""
    rows = {r["hour"]: r for r in data.get("hourly", [])}
    return [rows.get(h, {"hour": h, "mentions": 0, "answered": 0}) for h in range(24)]


def has_mentions(data: dict) -> bool:
    return any(r["mentions"] for r in hourly(data))


def duration_unit(values: list[float]) -> tuple[float, str]:
    top = max(values, default=0)
    return (60.0, "hours") if top > 180 else (1.0, "minutes")


def bucket_label(bucket: str) -> str:
    """A response-time bucket as the band it is ("<=1 h" holds the answers after 30 min up to an
    hour: "30 min to 1 h"), as every other format words it (kwo.metrics.bands)."""
    from ..metrics.bands import BANDS

    return next((b.band for b in BANDS if b.bucket == bucket), bucket)


def month_ticks(months: list[str], most: int) -> tuple[list[int], list[str]]:
    """Which of ``months`` (``YYYY-MM``, consecutive) get a tick, and their labels: at most
    ``most`` ticks, a step of 1, 2, 3, 4, 6 or 12 months that starts in January (so the ticks
    fall on the same months every year), and the year under every tick whose year differs from
    the tick before it (the first tick too): no year goes by unnamed."""
    n = len(months)
    step = next((s for s in (1, 2, 3, 4, 6, 12) if -(-n // s) <= most), None)
    if step is None:  # more than `most` years: every k-th January
        step = 12 * -(-n // (12 * most))
    first_month = int(months[0][5:7]) if months else 1
    ticks = [i for i in range(n) if (first_month - 1 + i) % step == 0] or [0]
    labels, year_before = [], None
    for i in ticks:
        year, mm = months[i].split("-")
        name = MONTHS[int(mm) - 1]
        labels.append(f"{name}\n{year}" if year != year_before else name)
        year_before = year
    return ticks, labels


#: Line colours of the trend chart (its brands: the most mentioned ones).
TREND_COLOURS = (ANSWERED, ACCENT, "#3f8f5a", "#8a4fa3", MUTED)


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (YYYY-MM): a month without mentions keeps its place."""
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def trend_lines(ax, data: dict, *, most: int, ncols: int, fontsize: float) -> None:
    """The trend chart: answered % per month of the most mentioned brands, one line each (the
    wide and the narrow form differ in ticks and legend only)."""
    rows = data.get("monthly") or []
    if not rows:
        note(ax, "no mention tweets in the period")
        return
    months = month_range(min(r["month"] for r in rows), max(r["month"] for r in rows))
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["handle"]] = totals.get(r["handle"], 0) + r["mentions"]
    top = sorted(totals, key=lambda h: (-totals[h], h))[:len(TREND_COLOURS)]
    at = {m: i for i, m in enumerate(months)}
    for handle, colour in zip(top, TREND_COLOURS):
        mine = [r for r in rows if r["handle"] == handle]
        ax.plot([at[r["month"]] for r in mine], [r["answered_pct"] for r in mine], color=colour, linewidth=1.5,
                marker="o", markersize=3, label=f"@{handle}")
    ticks, labels = month_ticks(months, most=most)
    ax.set_xticks(ticks, labels)
    ax.set_xlim(-0.5, len(months) - 0.5)
    ax.set_ylim(0, 100)
    percent(ax)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=min(ncols, len(top)), fontsize=fontsize,
              borderaxespad=0.3)
