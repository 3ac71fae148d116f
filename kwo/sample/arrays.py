"""Sorted-array helpers for millions of int64 (numpy 2's hash-based unique/isin are slower here)."""

from __future__ import annotations

import numpy as np


# numpy 2's hash-based unique/isin are slow on millions of int64; sorting is faster here.
def sorted_unique(a: np.ndarray) -> np.ndarray:
    a = np.sort(a)
    return a[run_starts(a)] if len(a) else a


def run_starts(sorted_a: np.ndarray) -> np.ndarray:
    """Mask of the first element of each run of equal values in a sorted array."""
    return np.concatenate(([True], sorted_a[1:] != sorted_a[:-1])) if len(sorted_a) else np.zeros(0, dtype=bool)


def sorted_member(a: np.ndarray, sorted_b: np.ndarray) -> np.ndarray:
    if not len(sorted_b):
        return np.zeros(len(a), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_b, a), len(sorted_b) - 1)
    return sorted_b[pos] == a

