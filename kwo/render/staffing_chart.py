"""The staffing heatmap of the HTML report (issue 20): agents needed against agents seen, weekday x
hour, summed over the brands (kwo.staffing_report.report_section). kwo.render.charts registers
the wide form as the chart "staffing", kwo.render.charts_narrow the narrow one (hours down,
weekdays across, the two grids side by side); both on one colour scale, so they compare."""

from __future__ import annotations

from .chart_style import HEAT_COLORS, MUTED, WEEKDAYS, note


def _grids(data: dict):
    import numpy as np

    needed, seen = np.zeros((7, 24)), np.zeros((7, 24))
    for r in (data.get("staffing") or {}).get("weekly") or []:
        needed[r["weekday"] - 1, r["hour"]] = r["agents_needed"] or 0
        seen[r["weekday"] - 1, r["hour"]] = r["agents_seen"] or 0
    return needed, seen


def draw_staffing(fig, data: dict, *, narrow: bool = False, small: float = 8.0) -> None:
    from matplotlib.colors import LinearSegmentedColormap

    needed, seen = _grids(data)
    if not needed.any() and not seen.any():  # one empty axis: two would collapse the layout
        note(fig.add_subplot(), "no mentions and no signed replies in this period")
        return
    axes = fig.subplots(1, 2, sharey=True) if narrow else fig.subplots(2, 1, sharex=True)
    cmap = LinearSegmentedColormap.from_list("kwo", HEAT_COLORS)
    top = max(float(needed.max()), float(seen.max()), 1.0)  # one colour scale for both
    for ax, grid, label in ((axes[0], needed, "needed"), (axes[1], seen, "seen (signatures)")):
        shown = grid.T if narrow else grid
        mesh = ax.pcolormesh(shown, cmap=cmap, vmin=0, vmax=top, edgecolors="white", linewidth=0.8)
        if narrow:
            ax.set_xticks([d + 0.5 for d in range(7)], [w[0] for w in WEEKDAYS], fontsize=small)
            ax.xaxis.tick_top()
        else:
            ax.set_yticks([d + 0.5 for d in range(7)], WEEKDAYS)
        ax.invert_yaxis()
        ax.set_title(f"agents {label}", loc="left", fontsize=small if narrow else 9.5, color=MUTED)
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
    if narrow:
        axes[0].set_yticks([h + 0.5 for h in range(24)], [f"{h:02d}" for h in range(24)], fontsize=small)
        axes[0].set_ylabel("hour of the day (local time)")
        bar = fig.colorbar(mesh, ax=list(axes), orientation="horizontal", fraction=0.04, pad=0.02, aspect=30)
    else:
        axes[1].set_xticks([h + 0.5 for h in range(24)], [f"{h:02d}" for h in range(24)])
        axes[1].set_xlabel("hour of the day (local time)")
        bar = fig.colorbar(mesh, ax=list(axes), fraction=0.025, pad=0.01)
    bar.outline.set_visible(False)
    bar.ax.tick_params(size=0, colors=MUTED, labelsize=small if narrow else None)
    bar.set_label("agents (sum over the brands)", color=MUTED)
