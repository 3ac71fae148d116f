"""Time: local Amsterdam wall-clock times are drawn, then converted to UTC with the tz database;
the hour-of-day and day-of-year rhythm of the mentions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from .plan import TZ_NAME, YEAR

# ---------------------------------------------------------------------------------------------
# Time: local Amsterdam wall-clock times are drawn, then converted to UTC with the tz database.

_TZ = ZoneInfo(TZ_NAME)
YEAR_NAIVE0 = int(datetime(YEAR, 1, 1, tzinfo=UTC).timestamp())  # local midnight, read as UTC
NDAYS = 366 if YEAR % 4 == 0 else 365
_UTC_TABLE0 = YEAR_NAIVE0 - 31 * 86400  # the UTC -> local table covers Dec 2015 .. Apr 2017
_UTC_TABLE_HOURS = (NDAYS + 31 + 120) * 24


class Clock:
    """Vectorised local <-> UTC conversion for Europe/Amsterdam around the sample year."""

    def __init__(self) -> None:
        base = datetime(YEAR, 1, 1)
        # UTC offset of each local (day, hour), fold=0: the zoneinfo answer for that wall time.
        self.local_off = np.array(
            [int((base + timedelta(hours=i)).replace(tzinfo=_TZ).utcoffset().total_seconds())
             for i in range(NDAYS * 24)], dtype=np.int64)
        # UTC offset in force during each UTC hour (transitions fall on whole UTC hours).
        self.utc_off = np.array(
            [int(datetime.fromtimestamp(_UTC_TABLE0 + i * 3600, _TZ).utcoffset().total_seconds())
             for i in range(_UTC_TABLE_HOURS)], dtype=np.int64)

    def to_utc(self, naive: np.ndarray) -> np.ndarray:
        cell = np.clip((naive - YEAR_NAIVE0) // 3600, 0, NDAYS * 24 - 1)
        return naive - self.local_off[cell]

    def to_local(self, utc: np.ndarray) -> np.ndarray:
        cell = np.clip((utc - _UTC_TABLE0) // 3600, 0, _UTC_TABLE_HOURS - 1)
        return utc + self.utc_off[cell]

    def minute_of_week(self, utc: np.ndarray) -> np.ndarray:
        """Local minute of the week, Monday 00:00 = 0 (1970-01-01 was a Thursday)."""
        local = self.to_local(utc)
        return ((local // 86400 + 3) % 7) * 1440 + (local % 86400) // 60

    def local_hour(self, utc: np.ndarray) -> np.ndarray:
        return (self.to_local(utc) // 3600) % 24


# Mention volume by local hour (weights). Weekday peak 17:00-18:00: people tweet about the day's
# trouble on the way home; weekends start later and are flatter.
HOURS_WEEKDAY = np.array([1.2, 0.6, 0.35, 0.25, 0.25, 0.5, 1.5, 3.3, 4.8, 5.4, 5.6, 5.6,
                          5.5, 5.5, 5.6, 5.9, 6.6, 8.7, 7.0, 6.2, 6.2, 5.6, 4.2, 2.4])
HOURS_WEEKEND = np.array([2.0, 1.2, 0.7, 0.4, 0.3, 0.3, 0.6, 1.2, 2.4, 3.8, 5.2, 5.8,
                          6.0, 6.0, 6.0, 6.0, 6.2, 6.7, 6.4, 6.3, 6.4, 5.9, 4.6, 3.2])
HOURS_BUSINESS = np.array([0, 0, 0, 0, 0, 0, 0, 0.3, 1, 2, 2, 2, 1.5, 2, 2, 2, 1.5, 0.8, 0.3, 0.1, 0, 0, 0, 0.0])
SECTOR_HOUR_TILT = {
   "telecom": {19: 1.15, 20: 1.25, 21: 1.25, 22: 1.15, 9: 0.9, 10: 0.9},
   "transport": {7: 1.6, 8: 1.5, 17: 1.3, 18: 1.25, 21: 0.8, 22: 0.75, 23: 0.7},
   "government": {9: 1.2, 10: 1.2, 11: 1.2, 13: 1.15, 14: 1.15, 15: 1.1, 20: 0.75, 21: 0.7, 22: 0.6, 23: 0.6},
   "energy": {8: 1.1, 9: 1.1, 10: 1.1, 11: 1.1, 12: 1.05},
   "media": {7: 1.3, 8: 1.2, 20: 1.2, 21: 1.2},
}
_WEEKDAY_FACTOR = np.array([1.12, 1.08, 1.04, 1.04, 0.98, 0.68, 0.62])
# Day-of-year index (2016 is a leap year) -> factor, and days that are holidays (weekend rhythm).
_SPECIAL_DAYS = {0: 0.6, 87: 0.8, 117: 0.8, 125: 0.85, 136: 0.85, 359: 0.7, 360: 0.75, 365: 0.8}
_HOLIDAYS = {0, 87, 117, 125, 136, 359, 360}
_SUMMER = range(190, 241)


def day_weights(sector: str, season_amp: float) -> np.ndarray:
    d = np.arange(NDAYS)
    w = _WEEKDAY_FACTOR[(d + 4) % 7].copy()  # 2016-01-01 was a Friday
    w *= 1 + season_amp * np.cos(2 * np.pi * (d - 10) / NDAYS)
    for day, f in _SPECIAL_DAYS.items():
        if day < NDAYS:
            w[day] *= f
    if sector == "travel":
        w[list(_SUMMER)] *= 1.3
    elif sector in ("banking", "government", "insurance"):
        w[list(_SUMMER)] *= 0.9
    if sector == "retail":
        w[329] *= 1.8  # Black Friday
        w[334:340] *= 1.4  # Sinterklaas
        w[350:359] *= 1.3  # Christmas shopping
    return w


def weekend_days() -> np.ndarray:
    d = np.arange(NDAYS)
    weekend = (d + 4) % 7 >= 5
    weekend[sorted(x for x in _HOLIDAYS if x < NDAYS)] = True
    return weekend


