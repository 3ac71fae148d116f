"""Response-time bands as bands, and the shares answered within the survey's guideline thresholds.

The buckets of ``kwo/sql/tables/response_bands.sql`` are bands: ``<=1 h`` holds the answers after
more than 30 minutes and at most an hour. Read as "within an hour" they undercount, so every row
of ``response_times`` also carries its band in words (``band``: "30 min to 1 h") and the
cumulative share (``within``: "within 1 h", ``within_pct`` of all pairs, ``within_answered_pct``
of the answered ones). The guideline thresholds of the "Stand van Webcare" survey (30 min, 1 h,
4 h, 8 h, 24 h, 48 h) are also figures per brand and in the totals: ``answered_within_1h_pct``
is the share of the mention pairs answered within an hour (bounds inclusive, as the bands').
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    ord: int  # response_bands.ord
    bucket: str  # its label in response_bands.sql (the JSON's bucket)
    band: str  # the band in words
    within: str | None  # the cumulative share up to its upper bound in words
    key: str | None  # the guideline threshold it ends at: answered_within_{key}_pct


#: The bands of response_bands.sql, in order (tests/test_response_bands.py keeps the two in step).
BANDS = (
    Band(1, "<=30 min", "up to 30 min", "within 30 min", "30m"),
    Band(2, "<=1 h", "30 min to 1 h", "within 1 h", "1h"),
    Band(3, "<=4 h", "1 h to 4 h", "within 4 h", "4h"),
    Band(4, "<=8 h", "4 h to 8 h", "within 8 h", "8h"),
    Band(5, "<=24 h", "8 h to 24 h", "within 24 h", "24h"),
    Band(6, "<=48 h", "24 h to 48 h", "within 48 h", "48h"),
    Band(7, ">48 h", "more than 48 h", "answered at all", None),
    Band(8, "unanswered", "unanswered", None, None),
)
UNANSWERED = 8

#: The guideline thresholds, in order: the keys of answered_within_{key}_pct.
THRESHOLDS = tuple(b.key for b in BANDS if b.key)
#: The threshold keys in words ("30m" -> "30 min").
THRESHOLD_WORDS = {b.key: b.within.removeprefix("within ") for b in BANDS if b.key}


def within_field(key: str) -> str:
    return f"answered_within_{key}_pct"


WITHIN_FIELDS = tuple(within_field(k) for k in THRESHOLDS)


def add_bands(rows: list) -> list:
    """Fill ``band``, ``within``, ``within_pct`` and ``within_answered_pct`` of the response_times
    rows (kwo.metrics.rows.BucketRow, in band order) from their counts."""
    by_bucket = {b.bucket: b for b in BANDS}
    pairs = sum(r.count for r in rows)
    answered = sum(r.count for r in rows if r.bucket != "unanswered")
    so_far = 0
    for r in rows:
        band = by_bucket.get(r.bucket)
        r.band = band.band if band else r.bucket
        if band is None or band.within is None:
            continue
        so_far += r.count
        r.within = band.within
        r.within_pct = 100.0 * so_far / pairs if pairs else None
        r.within_answered_pct = 100.0 * so_far / answered if answered else None
    return rows


def within_shares(counts: dict[int, int]) -> dict[str, float | None]:
    """``{ord: pairs}`` of one brand (or all) -> ``{answered_within_30m_pct: ..., ...}`` (of all
    its mention pairs; None without pairs)."""
    pairs = sum(counts.values())
    out: dict[str, float | None] = {}
    so_far = 0
    for b in BANDS:
        if b.key is None:
            continue
        so_far += counts.get(b.ord, 0)
        out[within_field(b.key)] = 100.0 * so_far / pairs if pairs else None
    return out


def within_by_brand(rows: list[dict]) -> tuple[dict[int, dict[str, float | None]], dict[str, float | None]]:
    """The rows of metrics/answered_within (brand_key, ord, pairs) -> the shares per brand_key and
    over every pair (the totals)."""
    per: dict[int, dict[int, int]] = {}
    every: dict[int, int] = {}
    for r in rows:
        per.setdefault(r["brand_key"], {})[r["ord"]] = r["pairs"]
        every[r["ord"]] = every.get(r["ord"], 0) + r["pairs"]
    return {k: within_shares(c) for k, c in per.items()}, within_shares(every)


__all__ = ["BANDS", "THRESHOLDS", "THRESHOLD_WORDS", "WITHIN_FIELDS", "add_bands", "within_by_brand",
           "within_field", "within_shares"]
