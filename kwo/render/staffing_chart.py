"""The staffing heatmap of the HTML report (issue 20): agents needed against agents seen, weekday x
hour, summed over the brands (kwo.staffing_report.report_section). kwo.render.charts registers it
as the chart "staffing" and passes its colours, so this module does not import that one."""

from __future__ import annotations

from collections.abc import Callable, Sequence


def draw_staffing(fig, data: dict, *, heat_colors: Sequence[str], muted: str, weekdays: Sequence[str],
                  note: Callable) -> None:
    import numpy as np
    from matplotlib.colors import LinearSegmentedColormap

    weekly = (data.get("staffing") or {}).get("weekly") or []
    needed, seen = np.zeros((7, 24)), np.zeros((7, 24))
    for r in weekly:
        needed[r["weekday"] - 1, r["hour"]] = r["agents_needed"] or 0
        seen[r["weekday"] - 1, r["hour"]] = r["agents_seen"] or 0
    axes = fig.subplots(2, 1, sharex=True)
    if not needed.any() and not seen.any():
        note(axes[0], "no mentions and no signed replies in this period")
        return
    cmap = LinearSegmentedColormap.from_list("kwo", heat_colors)
    top = max(float(needed.max()), float(seen.max()), 1.0)  # one colour scale for both: comparable
    for ax, grid, label in ((axes[0], needed, "agents needed"), (axes[1], seen, "agents seen (signatures)")):
        mesh = ax.pcolormesh(grid, cmap=cmap, vmin=0, vmax=top, edgecolors="white", linewidth=1.0)
        ax.set_yticks([d + 0.5 for d in range(7)], weekdays)
        ax.invert_yaxis()
        ax.set_title(label, loc="left", fontsize=9.5, color=muted)
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
    axes[1].set_xticks([h + 0.5 for h in range(24)], [f"{h:02d}" for h in range(24)])
    axes[1].set_xlabel("hour of the day (local time)")
    bar = fig.colorbar(mesh, ax=list(axes), fraction=0.025, pad=0.01)
    bar.outline.set_visible(False)
    bar.ax.tick_params(size=0, colors=muted)
    bar.set_label("agents (sum over the brands)", color=muted)
