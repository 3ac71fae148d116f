"""kwo staffing: agents needed per weekday-hour (Erlang C) against the agents seen (signatures).

The command parses options; kwo.staffing_report computes, this module prints.
"""

from __future__ import annotations

import json
import re
import sys

import click

from .report import _open_metrics, _output_target, figure_options

_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)([hms])")
_UNIT_MINUTES = {"h": 60.0, "m": 1.0, "s": 1 / 60}


def parse_minutes(text: str, option: str, *, zero_ok: bool) -> float:
    """``4m``, ``90s``, ``1h``, ``1h30m`` or a number of minutes (``4``) -> minutes."""
    s = text.strip().lower().replace(" ", "")
    example = f"{option} 4m (also 90s, 1h, 1h30m, or minutes as a number)"
    try:
        minutes = float(s)
    except ValueError:
        parts = _DURATION_RE.findall(s)
        if not s or "".join(n + u for n, u in parts) != s:
            raise click.BadParameter(f"{text!r} is not a duration; example: {example}", param_hint=option) from None
        minutes = sum(float(n) * _UNIT_MINUTES[u] for n, u in parts)
    if not (minutes == minutes and minutes < float("inf")) or minutes < 0 or (minutes == 0 and not zero_ok):
        raise click.BadParameter(f"{text!r} must be {'0 or more' if zero_ok else 'more than 0'}; example: {example}",
                                 param_hint=option)
    return minutes


def parse_target(text: str) -> float:
    s = text.strip().rstrip("%")
    try:
        value = float(s)
    except ValueError:
        value = float("nan")
    if not (0 < value < 100):
        raise click.BadParameter(f"{text!r}: the share of mentions to answer in time, a percentage above 0 and "
                                 "below 100 (100% cannot be met under Erlang C); example: --target 80",
                                 param_hint="--target")
    return value


def _table(data: dict) -> str:
    p = data["staffing_parameters"]
    out = [f"Staffing (Erlang C): {p['target_pct']:g}% of mentions answered within {p['within_minutes']:g} min, "
           f"{p['aht_minutes']:g} min handling per mention; time zone {p['tz']}; period "
           f"{p['period_start_utc']} .. {p['period_end_utc']} ({p['period_hours']:,} hours)",
           f"Model: {p['model']}.", "",
           f"{'brand':<16} {'mentions':>9} {'understaffed h':>14} {'closed/short %':>14} "
           f"{'agent-h needed':>14} {'agent-h seen':>12}"]
    for s in data["staffing_summary"]:
        pct = "–" if s["closed_or_understaffed_pct"] is None else f"{s['closed_or_understaffed_pct']:.1f}%"
        out.append(f"{s['brand']:<16} {s['mentions']:>9,} {s['understaffed_hours']:>14} {pct:>14} "
                   f"{s['agent_hours_needed']:>14,} {s['agent_hours_seen']:>12,.1f}")
    out += ["", "Most understaffed hours (agents needed - seen):",
            f"{'brand':<16} {'day':>3} {'hour':>5} {'per hour':>9} {'needed':>7} {'seen':>6} {'gap':>6} {'open':>5}"]
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    for r in data["most_understaffed"]:
        is_open = "–" if r["open"] is None else ("yes" if r["open"] else "no")
        out.append(f"{r['brand']:<16} {days[r['weekday'] - 1]:>3} {r['hour']:>02}:00 {r['mentions_per_hour']:>9.2f} "
                   f"{r['agents_needed']:>7} {r['agents_seen']:>6.2f} {r['gap']:>6.2f} {is_open:>5}")
    if not data["most_understaffed"]:
        out.append("(none: every hour had the agents the target needs)")
    return "\n".join(out) + "\n"


def register(group: click.Group) -> None:
    @group.command("staffing")
    @figure_options
    @click.option("--aht", default="4m", show_default=True, metavar="DURATION",
                  help="Average handling time of one mention: 4m, 90s, 1h30m (agent time per arriving mention).")
    @click.option("--target", default="80", show_default=True, metavar="PCT",
                  help="Share of mentions to answer within --within, in percent (above 0, below 100): 80.")
    @click.option("--within", default="60m", show_default=True, metavar="DURATION",
                  help="The answer time of the target: 60m, 2h, 30s.")
    @click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
                  help="Output format.")
    @click.option("--output", "-o", "output", type=click.Path(dir_okay=False, writable=True, path_type=str),
                  help="Write to this file instead of standard output.")
    def staffing_command(archive, brands, only_brands, only_sectors, tz, since, until, window, thread, thresholds,
                         fail_on, aht, target, within, fmt, output, engine=None, spark_master=None):
        """Agents needed per weekday and hour (Erlang C) against the agents seen replying.

        For each brand and each of the 168 weekday-hours (report time zone): the mean mentions
        arriving in that hour over the period, the fewest agents for which Erlang C answers
        --target % of them within --within when each takes --aht, the mean number of distinct
        signatures (^AB, -Sanne) under the brand's replies in that hour, whether the roster has
        it open, and the gap. docs/methodology.md states the model and its limits.

        \b
        Examples:
          kwo staffing --archive kwo16 --brands brands.csv --aht 4m --target 80 --within 60m
          kwo staffing -a kwo16 -b brands.csv --brand KPNwebcare --since 2016-10-01 -f json
        """
        from ..output import write_output
        from ..staffing_report import TABLES, staffing

        aht_min = parse_minutes(aht, "--aht", zero_ok=False)
        within_min = parse_minutes(within, "--within", zero_ok=True)
        target_pct = parse_target(target)
        target_file = _output_target(output, archive) if output else None
        # --brand/--sector narrow the roster (kwo.roster_filter), so the rows are those brands'
        metrics = _open_metrics(archive, brands, tz, since, until, window, thread, thresholds, only_brands,
                                only_sectors, tables=TABLES, engine=engine, spark_master=spark_master)
        try:
            result = staffing(metrics, aht=aht_min, target_pct=target_pct, within=within_min)
        except Exception:
            metrics.close()
            raise
        metrics.close()
        data = result.as_dict()
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n" if fmt == "json" else _table(data)
        if target_file:
            write_output(target_file, text, archives=[archive])
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
