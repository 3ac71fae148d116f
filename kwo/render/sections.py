"""What each report section holds: its rows and columns, shared by every output format.

A *view* is what one command prints (``kwo report`` prints them all, ``kwo answered`` a few);
a *section* is one table of it. Every format (table, json, csv, markdown) renders the same
sections with the same columns, so they carry the same numbers; only the terminal table trims
the widest one (``brands``) to the columns that fit a screen. Every view also carries the
archive's coverage and the caveats (kwo.caveats) that affect the figures it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from ..caveat_messages import grouped
from ..caveats import FIGURES, Thresholds, affects
from ..metrics.bands import THRESHOLD_WORDS, THRESHOLDS, WITHIN_FIELDS, within_field
from ..metrics.intervals import overlaps
from ..metrics.registry import METRICS, Column, Metric, metrics_shown_by
from ..metrics.results import Report
from ..roster_filter import filter_text

# Column kinds decide the formatting: int (thousands separators), pct (one decimal, %),
# minutes (one decimal), str. The metrics' columns and titles are in kwo.metrics.registry.

#: Sections that are not metrics of their own but a projection of one (section -> the metric).
DERIVED_FROM = {"proactive": "brands", "opening_hours": "brands", "answered_ranking": "brands"}


@dataclass(frozen=True)
class View:
    name: str  # the command
    title: str
    totals: tuple[str, ...]  # keys of the totals shown
    derived: tuple[str, ...] = ()  # sections of DERIVED_FROM shown after the view's metrics
    figures: tuple[str, ...] = FIGURES  # what it shows (kwo.caveats.FIGURES): its caveats are of these
    months: bool = False  # ends with the coverage's tweets per month (the whole report)

    @property
    def sections(self) -> tuple[str, ...]:
        """The list sections shown after the totals, in order: the registered metrics that name
        this command (every metric for ``report``), then the derived sections."""
        return metrics_shown_by(self.name) + self.derived

    @property
    def needs(self) -> tuple[str, ...] | None:
        """The metrics to compute for this view (None: all of them)."""
        if self.name == "report":
            return None
        wanted = set(self.sections) | {DERIVED_FROM[s] for s in self.derived}
        return tuple(n for n in METRICS if n in wanted)


class _WithMetrics(Mapping):
    """The entries of the sections that are not metrics, plus (looked up when read, so that a
    metric registered later is there too) one entry per registered metric."""

    def __init__(self, own: dict, of_metric: Callable[[Metric], object]):
        self._own, self._of = own, of_metric

    def __getitem__(self, key):
        if key in self._own:
            return self._own[key]
        if key in METRICS:
            return self._of(METRICS[key])
        raise KeyError(key)

    def __iter__(self) -> Iterator:
        yield from self._own
        yield from (n for n in METRICS if n not in self._own)

    def __len__(self) -> int:
        return sum(1 for _ in self)


TOTALS_LABELS: dict[str, tuple[str, str]] = {
    "mention_tweets": ("mention tweets", "int"),
    "mention_pairs": ("mention pairs (tweet, brand)", "int"),
    "answered": ("answered mention tweets", "int"),
    "answered_pct": ("answered %", "pct"),
    "answered_pct_ci": ("answered %, 95% interval", "ci"),
    "answered_pairs": ("answered mention pairs", "int"),
    "brands_mentioned": ("brands mentioned", "int"),
    "median_response_minutes": ("median response (min)", "minutes"),
    "p90_response_minutes": ("p90 response (min)", "minutes"),
    "mean_response_minutes": ("mean response (min)", "minutes"),
    "peak_hour": ("peak hour", "int"),
    "peak_hour_label": ("peak hour (local)", "str"),
    "peak_hour_mentions": ("mention tweets in the peak hour", "int"),
    "brand_replies": ("brand replies", "int"),
    "replies_to_mentions": ("replies to mentions", "int"),
    "proactive_replies": ("proactive replies", "int"),
    "replies_parent_missing": ("replies, parent not in archive", "int"),
    "replies_to_self": ("replies to own tweets", "int"),
    # kwo.metrics.bands: the survey's guideline thresholds, of all mention pairs
    **{within_field(k): (f"answered within {THRESHOLD_WORDS[k]} (% of pairs)", "pct") for k in THRESHOLDS},
    "question_tweets": ("question tweets (text with '?', URLs aside)", "int"),
    "questions_answered": ("questions answered", "int"),
    "questions_answered_pct": ("questions answered %", "pct"),
    "questions_answered_pct_ci": ("questions answered %, 95% interval", "ci"),
    "dm_handoff_replies": ("replies handing off to a private channel", "int"),
    "dm_handoff_pct": ("DM hand-off % of replies to mentions", "pct"),
    "median_business_response_minutes": ("median response, business hours (min)", "minutes"),
    "p90_business_response_minutes": ("p90 response, business hours (min)", "minutes"),
    "agents": ("agents (signatures, per brand)", "int"),
    "signed_replies": ("signed brand replies", "int"),
    "signed_pct": ("signed %", "pct"),
}
ALL_TOTALS = tuple(TOTALS_LABELS)

VIEWS: dict[str, View] = {
    "report": View("report", "KWO webcare report", ALL_TOTALS, ("answered_ranking",), months=True),
    "answered": View(
        "answered",
        "Answered mentions",
        ("mention_tweets", "mention_pairs", "answered", "answered_pct", "answered_pct_ci", "answered_pairs",
         "brands_mentioned", "question_tweets", "questions_answered", "questions_answered_pct",
         "questions_answered_pct_ci"),
        figures=("mention_tweets", "answered_pct", "brands"),
    ),
    "proactive": View(
        "proactive",
        "Brand replies: reactive, proactive, parent missing",
        ("brand_replies", "replies_to_mentions", "proactive_replies", "replies_parent_missing", "replies_to_self",
         "dm_handoff_replies", "dm_handoff_pct"),
        ("proactive",),
        ("proactive_replies", "brands"),
    ),
    "rush-hour": View(
        "rush-hour",
        "Rush hour",
        ("mention_tweets", "answered_pct", "peak_hour", "peak_hour_label", "peak_hour_mentions"),
        ("opening_hours",),
        ("mention_tweets", "answered_pct", "peak_hour", "hourly", "brands"),
    ),
    "response-times": View(
        "response-times",
        "Response times",
        ("mention_pairs", "answered_pairs", "median_response_minutes", "p90_response_minutes", "mean_response_minutes",
         *WITHIN_FIELDS, "median_business_response_minutes", "p90_business_response_minutes"),
        figures=("mention_tweets", "answered_pct", "response_times"),
    ),
    "brands": View("brands", "Brands", (), ("answered_ranking",), figures=("brands",)),
}

SECTION_TITLES: Mapping[str, str] = _WithMetrics({
    "totals": "Totals",
    "proactive": "Brand replies by parent",
    "opening_hours": "Mentions while closed (roster opening hours)",
    "answered_ranking": "Brands ranked by answered % (95% intervals)",
    "coverage": "Coverage",
    "caveats": "Caveats",
    "months": "Tweets per month (coverage)",
}, lambda m: m.title)

COLUMNS: Mapping[str, tuple[Column, ...]] = _WithMetrics({
    "proactive": (
        Column("handle", "handle", "str"),
        Column("name", "name", "str"),
        Column("brand_replies", "replies"),
        Column("replies_to_mentions", "to mentions"),
        Column("proactive_replies", "proactive"),
        Column("replies_parent_missing", "parent missing"),
        Column("replies_to_self", "to self"),
    ),
    "months": (
        Column("month", "month", "str"),
        Column("tweets", "collected tweets"),
        Column("mention_tweets", "mention tweets"),
        Column("answered", "answered"),
    ),
    "caveats": (
        Column("code", "code", "str"),
        Column("severity", "severity", "str"),
        Column("brand", "brand", "str"),
        Column("message", "message", "str"),
    ),
    "answered_ranking": (
        Column("rank", "rank"),
        Column("handle", "handle", "str"),
        Column("name", "name", "str"),
        Column("mentions", "mentions"),
        Column("answered_pct", "answered %", "pct"),
        Column("answered_pct_ci", "95% interval", "ci"),
        Column("overlaps_next", "overlaps next", "bool"),
    ),
    "opening_hours": (
        Column("handle", "handle", "str"),
        Column("name", "name", "str"),
        Column("hours", "hours", "str"),
        Column("tz", "tz", "str"),
        Column("mentions", "mentions"),
        Column("mentions_while_closed", "while closed"),
        Column("closed_pct", "closed %", "pct"),
    ),
}, lambda m: m.shown_columns())

#: Shorter headers for the terminal table, where width is scarce (section, key) -> header.
TABLE_HEADERS = {
    ("hourly", "label"): "hour",
    ("hourly", "mentions"): "mentions",
    ("hourly", "answered_pct"): "answ. %",
    ("hourly", "median_response_minutes"): "median min",
    ("hourly", "p90_response_minutes"): "p90 min",
    ("hourly", "mentions_while_closed"): "closed",
    ("hourly", "closed_pct"): "closed %",
    ("sectors", "mention_tweets"): "mentions",
    ("sectors", "answered_pct"): "answ. %",
    ("sectors", "answered_pairs"): "answ. pairs",
    ("sectors", "median_response_minutes"): "median min",
    ("sectors", "replies_parent_missing"): "no parent",
    ("brands", "answered_pct"): "answ. %",
    ("brands", "median_response_minutes"): "median min",
    ("brands", "p90_response_minutes"): "p90 min",
    ("brands", "replies_parent_missing"): "no parent",
    ("proactive", "replies_parent_missing"): "no parent",
    ("response_times", "answered_pct"): "% of answ.",
    ("response_times", "within_pct"): "within %",
    ("response_times", "within_answered_pct"): "within % of answ.",
}

#: The columns a terminal table narrower than its text leaves out, first to last (kwo.render.render.
#: fit_columns; "bars": the hourly bars). What a row is read by (handle, answered %) stays.
TABLE_DROP_ORDER = {
    "brands": ("closed_pct", "replies_parent_missing", "p90_response_minutes", "proactive_replies", "answered",
               "sector", "median_response_minutes", "name"),
    "sectors": ("replies_parent_missing", "proactive_replies", "answered_pairs", "mention_pairs", "brands",
                "median_response_minutes", "answered"),
    "hourly": ("bars", "p90_response_minutes", "closed_pct", "mentions_while_closed", "median_response_minutes",
               "answered"),
    "response_times": ("within_answered_pct", "answered_pct", "pct"),
    "proactive": ("name", "replies_to_self", "replies_parent_missing", "replies_to_mentions"),
    "opening_hours": ("name", "tz", "hours", "mentions"),
}

#: The brand columns the terminal table keeps (the other formats carry them all).
TABLE_BRAND_COLUMNS = (
    "handle", "name", "sector", "mentions", "answered", "answered_pct", "median_response_minutes",
    "p90_response_minutes", "proactive_replies", "replies_parent_missing", "closed_pct",
)

#: The sector columns the terminal table keeps: the questions, hand-offs and business hours are in
#: every other format (a terminal of 200 columns cannot show 18).
TABLE_SECTOR_COLUMNS = (
    "sector", "brands", "mention_tweets", "answered", "answered_pct", "answered_pct_ci", "mention_pairs",
    "answered_pairs", "median_response_minutes", "proactive_replies", "replies_parent_missing",
)


def view(name: str) -> View:
    return VIEWS[name]


def section_rows(data: dict, section: str) -> list[dict]:
    """The rows of a list section from ``Report.as_dict()`` data, projected to its columns."""
    keys = [c.key for c in COLUMNS[section]]
    if section == "proactive":
        source = [b for b in data["brands"] if b["brand_replies"]]
    elif section == "opening_hours":
        source = [b for b in data["brands"] if b["hours"]]
    elif section == "answered_ranking":
        source = answered_ranking(data["brands"])
    else:
        source = data[section]
    return [{k: row.get(k) for k in keys} for row in source]


def answered_ranking(brands: list[dict]) -> list[dict]:
    """The brands with mentions by answered % (highest first, then handle), each saying whether
    its Wilson 95% interval overlaps the next brand's: where it does, the two ranks may be noise.
    The last brand's overlaps_next is None (there is no next)."""
    ranked = sorted((b for b in brands if b["mentions"]), key=lambda b: (-b["answered_pct"], b["handle"]))
    out = []
    for i, b in enumerate(ranked):
        after = ranked[i + 1] if i + 1 < len(ranked) else None
        out.append({**b, "rank": i + 1,
                    "overlaps_next": overlaps(b["answered_pct_ci"], after["answered_pct_ci"]) if after else None})
    return out


def view_caveats(caveats: list, view_name: str) -> list:
    """The caveats (Caveat objects or their dicts) that affect what ``view_name`` shows."""
    return [c for c in caveats if affects(c, VIEWS[view_name].figures)]


def view_data(report: Report, view_name: str) -> dict:
    """The JSON-ready content of a view: parameters, coverage, the caveats that affect its
    figures, totals (the view's keys) and its sections."""
    v = VIEWS[view_name]
    full = report.as_dict()
    out: dict = {"view": v.name, "parameters": full["parameters"], "coverage": full["coverage"],
                 "caveats": view_caveats(full["caveats"], view_name)}
    if v.totals:
        out["totals"] = {k: full["totals"].get(k) for k in v.totals}
    for s in v.sections:
        if s in ("brands", "response_times"):
            out[s] = full[s]  # every column (response_times: the bucket as well as its band)
        elif s == "opening_hours" and not any(b["hours"] for b in full["brands"]):
            continue  # no roster hours: nothing to say
        else:
            out[s] = section_rows(full, s)
    if "staffing" in full and v.name == "report":  # the whole report's (kwo.staffing_report)
        out["staffing"] = full["staffing"]
    if "details" in full:  # asked for by the HTML report (Metrics.report(details=True))
        out["details"] = full["details"]
    return out


# ---------------------------------------------------------------------------------------------
# Value formatting for the human formats (table, markdown)


def fmt_value(value, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "int":
        return f"{value:,}" if isinstance(value, int) else str(value)
    if kind == "pct":
        return f"{value:,.1f}%"
    if kind == "ci":
        return f"{value[0]:,.1f}–{value[1]:,.1f}%"
    if kind == "bool":
        return "yes" if value else "no"
    if kind == "minutes":
        return f"{value:,.1f}"
    return str(value)


def parameter_lines(params: dict) -> list[tuple[str, str]]:
    """(label, value) pairs describing how the figures were computed, for the human formats."""
    mode = params["mode"]
    rule = "direct reply by the brand" if mode == "direct" else "reply by the brand later in the same conversation"
    out = [
        ("time zone", params["tz"]),
        ("answer rule", f"{mode} ({rule})"),
        ("answer window", params["window"] or "none"),
        ("period (mention time, report tz)", f"{params['since'] or 'start'} .. {params['until'] or 'end'}"),
    ]
    if params["since_utc"] or params["until_utc"]:
        out.append(("period (UTC)", f"[{params['since_utc'] or '-inf'}, {params['until_utc'] or '+inf'})"))
    out += [
        ("roster", f"{params['roster']} ({params['roster_brands']} brand{'s' if params['roster_brands'] != 1 else ''})"),
    ]
    narrowed = filter_text(params.get("brand_filter") or (), params.get("sector_filter") or ())
    if narrowed:
        out.append(("only", narrowed))
    out += [
        ("roster sha256", params["roster_sha256"] or "–"),
        ("archive", params["archive"]),
        ("archive fingerprint", params["archive_fingerprint"]),
        ("kwo version", params["kwo_version"]),
    ]
    if params.get("caveat_thresholds"):
        out.append(("caveat thresholds", threshold_text(params["caveat_thresholds"])))
    return out


def threshold_text(thresholds: dict) -> str:
    t = Thresholds(**thresholds)
    return (f"few_mentions < {t.few_mentions:,} mention tweets; threads_incomplete > {t.threads_incomplete_pct:g}% "
            f"of replies without parent; anonymised_handles > {t.anonymised_handles_pct:g}% of replies; per brand "
            f"from {t.min_brand_replies:,} replies")


# ---------------------------------------------------------------------------------------------
# Coverage and caveats for the human formats (the block before the figures)


def coverage_lines(coverage: dict | None, tz: str) -> list[tuple[str, str]]:
    """(label, text) pairs: what the archive holds, in words."""
    if not coverage:
        return []
    c = coverage
    n = f"{c['collected_tweets']:,} collected"
    if c["context_tweets"]:
        n += f" (+{c['context_tweets']:,} context)"
    span = f", {c['first_tweet']} to {c['last_tweet']} ({tz})" if c["first_tweet"] else ""
    out = [("tweets", n + span)]
    months = c["months"]
    if months:
        text = f"{len(months):,} ({months[0]['month']} to {months[-1]['month']})"
        empty = c["months_without_tweets"]
        if empty:
            text += f", {len(empty):,} without tweets: {month_runs(empty)}"
        else:
            text += ", none without tweets"
        out.append(("months", text))
    mention = f"{c['first_mention']} to {c['last_mention']}" if c["first_mention"] else "none"
    out.append(("mention tweets in the figures", mention))
    return out


def month_runs(months: list[str]) -> str:
    """["2016-04", "2016-05", "2016-07"] -> "2016-04 to 2016-05, 2016-07"."""
    runs: list[list[str]] = []
    for m in months:
        if runs and _next_month(runs[-1][-1]) == m:
            runs[-1].append(m)
        else:
            runs.append([m])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]} to {r[-1]}" for r in runs)


def _next_month(month: str) -> str:
    y, m = (int(x) for x in month.split("-"))
    return f"{y + m // 12}-{m % 12 + 1:02d}"


def shown_caveats(data: dict) -> list[dict]:
    """The view's caveats as people read them (kwo.caveat_messages.grouped): many brands of one
    code in one sentence."""
    caveats = data.get("caveats") or []
    if not caveats:
        return []
    return grouped(caveats, Thresholds(**data["parameters"]["caveat_thresholds"]))
