"""Caveats: what an archive cannot support, stated beside the figures it affects.

kwo's figures equal an independent count on complete archives; real archives are rarely
complete. A caveat names a figure a reader should not take at face value on this archive, why,
and what would make it measurable:

==================  ========  ==========================================================
code                severity  raised when
==================  ========  ==========================================================
owner_only_archive  warning   every collected tweet is by one account (an account archive)
threads_incomplete  warning   more than 10% of the brand replies answer a tweet that is not in
                              the archive (overall, and per brand with at least 10 replies)
brand_silent        warning   a brand is mentioned but none of its own tweets was collected (info
                              when it has fewer than 100 mentions while other brands' tweets were
                              collected: a rarely mentioned brand may simply not have answered)
anonymised_handles  warning   a brand's replies go mostly to tweets that mention a numeric
                              (anonymised, twcs) handle, and so count as proactive
few_mentions        info      a headline figure rests on fewer than 100 mention tweets
                              (warning when there are none at all)
coverage_gap        info      months without any tweet between the first and the last one
roster_unmatched    info      a roster brand occurs nowhere in the archive; when no roster
                              brand occurs at all the report is an error (RosterError)
==================  ========  ==========================================================

Each code's computation is one SQL file under ``kwo/sql/caveats/`` with the thresholds bound as
parameters (:class:`Thresholds`, stated in every report's parameters); the sentences are in
:mod:`kwo.caveat_messages`. ``figures`` says which figures a caveat affects, so that every
output shows it beside them (and the section commands only the caveats of what they show).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from . import caveat_messages as say
from .errors import RosterError, UsageError

SEVERITIES = ("warning", "info")

#: The figures a caveat can affect (a report view shows some of them; kwo.report.sections).
#: mention_tweets: the counts of mention tweets and pairs; answered_pct: answered shares;
#: response_times: medians, p90s and buckets; proactive_replies: replies by kind; peak_hour: the
#: hour with most mention tweets; hourly: the figures per hour and weekday; brands: the per-brand
#: and per-sector tables; months: the tweets per month of the coverage.
FIGURES = ("mention_tweets", "answered_pct", "response_times", "proactive_replies", "peak_hour", "hourly", "brands",
           "months")


@dataclass(frozen=True)
class Code:
    severity: str
    figures: tuple[str, ...]  # what an archive-wide caveat of this code affects
    brand_figures: tuple[str, ...] = ()  # ... and one about a single brand


#: Every code, in the order caveats are listed (within a severity).
CODES: dict[str, Code] = {
    "owner_only_archive": Code("warning", FIGURES),
    "threads_incomplete": Code("warning", ("answered_pct", "response_times", "proactive_replies", "hourly", "brands"),
                               ("brands",)),
    "brand_silent": Code("warning", (), ("answered_pct", "response_times", "hourly", "brands")),
    "anonymised_handles": Code("warning", (), ("mention_tweets", "answered_pct", "proactive_replies", "brands")),
    "few_mentions": Code("info", ("answered_pct", "response_times", "peak_hour", "hourly"), ("brands",)),
    "coverage_gap": Code("info", ("mention_tweets", "proactive_replies", "hourly", "brands", "months")),
    "roster_unmatched": Code("info", (), ("brands",)),
}

#: How many of the handles mentioned most the "no roster brand occurs" error names.
MOST_MENTIONED = 8


@dataclass(frozen=True)
class Thresholds:
    """When a caveat is raised; every report states them (``parameters.caveat_thresholds``)."""

    few_mentions: int = 100  # few_mentions: a figure resting on fewer mention tweets than this
    threads_incomplete_pct: float = 10.0  # threads_incomplete: more than this % of replies without parent
    min_brand_replies: int = 10  # per-brand threads_incomplete and anonymised_handles: at least this many
    anonymised_handles_pct: float = 50.0  # anonymised_handles: more than this % of the replies

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise UsageError(f"--threshold {f.name}: expected a number of at least 0, not {value!r}")
        for name in ("threads_incomplete_pct", "anonymised_handles_pct"):
            if getattr(self, name) > 100:
                raise UsageError(f"--threshold {name}: a percentage, at most 100 (not {getattr(self, name)!r})")

    @classmethod
    def parse(cls, items: Iterable[str]) -> Thresholds:
        """``["few_mentions=500", "threads_incomplete_pct=5"]`` (the --threshold options) -> Thresholds."""
        kinds = {f.name: type(f.default) for f in fields(cls)}
        values: dict[str, Any] = {}
        for item in items:
            name, sep, text = item.partition("=")
            name = name.strip()
            if not sep or name not in kinds:
                raise UsageError(f"--threshold {item!r}: expected NAME=VALUE with NAME one of {', '.join(kinds)}")
            try:
                values[name] = kinds[name](text)
            except ValueError:
                kind = "a whole number" if kinds[name] is int else "a number"
                raise UsageError(f"--threshold {item!r}: {name} must be {kind}") from None
        return cls(**values)

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    def bindings(self) -> dict[str, Any]:
        return {"few_mentions": self.few_mentions, "threads_incomplete_pct": float(self.threads_incomplete_pct),
                "min_brand_replies": self.min_brand_replies,
                "anonymised_handles_pct": float(self.anonymised_handles_pct)}


@dataclass
class Caveat:
    code: str
    severity: str  # "warning" | "info"
    brand: str | None  # the roster handle, or None for the archive as a whole
    message: str  # one plain sentence: the figure affected, why, what would make it measurable
    figures: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)  # the counts the message states

    def as_dict(self) -> dict[str, Any]:
        values = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.values.items()}
        return {"code": self.code, "severity": self.severity, "brand": self.brand, "message": self.message,
                "figures": list(self.figures), "values": values}


def affects(caveat: dict | Caveat, figures: Iterable[str]) -> bool:
    """Whether ``caveat`` (a Caveat or its dict) affects any of ``figures``."""
    theirs = caveat.figures if isinstance(caveat, Caveat) else caveat["figures"]
    return not set(theirs).isdisjoint(figures)


def at_least(caveats: Iterable[dict | Caveat], severity: str) -> list:
    """The caveats of ``severity`` or worse ("info" counts warnings too)."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}, not {severity!r}")
    worst = SEVERITIES.index(severity)
    return [c for c in caveats if SEVERITIES.index(c.severity if isinstance(c, Caveat) else c["severity"]) <= worst]


def _caveat(code: str, brand: str | None, message: str, values: dict, severity: str | None = None) -> Caveat:
    spec = CODES[code]
    values = {k: v for k, v in values.items() if k != "handle"}  # the brand says it
    return Caveat(code, severity or spec.severity, brand, message, spec.brand_figures if brand else spec.figures,
                  values)


def find_caveats(run_query, roster, thresholds: Thresholds, coverage) -> list[Caveat]:
    """Every caveat of a report. ``run_query(name, extra_bindings)`` runs statement ``name`` of kwo.sql
    with the report's bindings (kwo.metrics.Metrics.query); ``coverage`` is the report's Coverage.

    Raises :class:`RosterError` when the archive holds tweets but none of the roster's brands
    occurs in it: a report of zeros would hide a typo."""
    t = thresholds
    b = t.bindings()
    found: list[Caveat] = []

    owner = run_query("caveats/owner_only_archive", {})
    unmatched = [r["handle"] for r in run_query("caveats/roster_unmatched", {})]
    if unmatched and len(unmatched) == len(roster) and coverage.collected_tweets + coverage.context_tweets > 0:
        top = run_query("caveats/most_mentioned_handles", {"limit": MOST_MENTIONED})
        raise RosterError(say.no_roster_brand_occurs(roster.description, len(roster), top,
                                                     (owner[0]["handle"] or "") if owner else None))

    if owner:
        values = {"tweets": coverage.collected_tweets, "author_id": owner[0]["author_id"],
                  "owner": owner[0]["handle"]}
        found.append(_caveat("owner_only_archive", None, say.owner_only_archive(values), values))

    for row in run_query("caveats/threads_incomplete", b):
        found.append(_caveat("threads_incomplete", row["handle"], say.threads_incomplete(row, t), row))

    for row in run_query("caveats/brand_silent", {}):
        # a warning when its 0% would read as a firm figure, or when no brand's tweets were
        # collected at all; a brand mentioned a few times among brands that tweet may simply not
        # have answered (its figure rests on few mentions anyway)
        firm = row["mentions"] >= t.few_mentions or row["brands_with_tweets"] == 0
        found.append(_caveat("brand_silent", row["handle"], say.brand_silent(row), row,
                             None if firm else "info"))

    for row in run_query("caveats/anonymised_handles", b):
        found.append(_caveat("anonymised_handles", row["handle"], say.anonymised_handles(row), row))

    for row in run_query("caveats/few_mentions", b):
        severity = "warning" if row["handle"] is None and row["mentions"] == 0 else None
        found.append(_caveat("few_mentions", row["handle"], say.few_mentions(row, t), row, severity))

    gaps = run_query("caveats/coverage_gap", {})
    if gaps:
        values = {"months_without_tweets": sum(g["months"] for g in gaps), "span_months": gaps[0]["span_months"],
                  "span_first": gaps[0]["span_first"], "span_last": gaps[0]["span_last"],
                  "gaps": [[g["first_month"], g["last_month"]] for g in gaps]}
        found.append(_caveat("coverage_gap", None, say.coverage_gap(values), values))

    for handle in unmatched:
        brand = roster.get(handle)
        values = {"line": brand.line if brand is not None else None}
        found.append(_caveat("roster_unmatched", handle, say.roster_unmatched(handle, values["line"]), values))

    order = {code: i for i, code in enumerate(CODES)}
    # warnings first; then in the order of CODES; the archive-wide one before those of brands
    # (which keep the order of their query: most affected first)
    return sorted(found, key=lambda c: (SEVERITIES.index(c.severity), order[c.code], c.brand is not None))


__all__ = ["CODES", "Caveat", "FIGURES", "SEVERITIES", "Thresholds", "affects", "at_least", "find_caveats"]
