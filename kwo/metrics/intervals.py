"""Wilson score intervals for the answered shares, so that a reader does not rank noise.

The Wilson interval (Wilson 1927) keeps its bounds within 0-100% and stays honest for small counts
and shares near 0 or 100%, where the normal approximation (p ± z·√(p(1-p)/n)) does not; it is the
interval statsmodels' ``proportion_confint(method="wilson")`` gives.
"""

from __future__ import annotations

from math import sqrt

#: The two-sided 95% quantile of the standard normal distribution (scipy.stats.norm.ppf(0.975)).
Z95 = 1.959963984540054


def wilson_pct(successes: int | None, n: int | None, z: float = Z95) -> list[float] | None:
    """``[low, high]`` in percent, rounded to 3 decimals; None when ``n`` is 0 (no share)."""
    if not n:
        return None
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return [round(100 * max(0.0, centre - half), 3), round(100 * min(1.0, centre + half), 3)]


def overlaps(a: list[float] | None, b: list[float] | None) -> bool | None:
    """Whether two intervals share a point (None when one of them is unknown)."""
    if a is None or b is None:
        return None
    return a[0] <= b[1] and b[0] <= a[1]


__all__ = ["Z95", "overlaps", "wilson_pct"]
