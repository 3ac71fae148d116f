"""What a report depends on besides the archive and the roster: the options and their parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..caveats import Thresholds
from ..errors import UsageError

DEFAULT_TZ = "Europe/Amsterdam"

_WINDOW_RE = re.compile(r"(\d+)(min|w|d|h|m|s)")
_WINDOW_UNITS_MS = {"w": 7 * 86_400_000, "d": 86_400_000, "h": 3_600_000, "m": 60_000, "min": 60_000, "s": 1000}


def parse_window(text: str) -> int:
    """``7d``, ``48h``, ``30m``, ``1d12h`` -> milliseconds. Raises UsageError."""
    s = text.strip().lower().replace(" ", "")
    parts = _WINDOW_RE.findall(s)
    if not s or "".join(n + u for n, u in parts) != s:
        raise UsageError(f"--window {text!r}: expected a duration such as 7d, 48h, 30m or 1d12h")
    ms = sum(int(n) * _WINDOW_UNITS_MS[u] for n, u in parts)
    if ms <= 0:
        raise UsageError(f"--window {text!r}: the window must be longer than zero")
    if ms > MAX_WINDOW_MS:
        raise UsageError(f"--window {text!r}: longer than {MAX_WINDOW_MS // 86_400_000:,}d (100 years); "
                         "leave --window out to count an answer whenever it came")
    return ms


#: The longest --window: 100 years is longer than Twitter exists, and DuckDB's BIGINT milliseconds
#: overflowed far beyond it (999999999999d was a raw INT128 conversion error).
MAX_WINDOW_MS = 36_500 * 86_400_000


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$")


def parse_local_bound(text: str, option: str, *, end: bool) -> datetime | None:
    """A ``--since``/``--until`` value as a naive wall-clock datetime in the report time zone
    (None for ``--until 9999-12-31``: the end of time, no bound at all).

    A date means the whole day: ``--since 2016-03-01`` starts at 00:00 that day and
    ``--until 2016-03-31`` ends at 24:00 on that day (inclusive). A date with a time is an instant
    (``--until`` excludes it).
    """
    s = text.strip()
    try:
        if _DATE_RE.match(s):
            d = date.fromisoformat(s)
            start = datetime(d.year, d.month, d.day)
            if end and d == date.max:
                return None  # 24:00 on 9999-12-31: no datetime; no tweet is after it either
            return start + timedelta(days=1) if end else start
        if _DATETIME_RE.match(s):
            return datetime.fromisoformat(s.replace(" ", "T"))
    except ValueError:
        pass
    raise UsageError(f"{option} {text!r}: expected a date YYYY-MM-DD (or YYYY-MM-DDTHH:MM) in the report time zone")


@dataclass(frozen=True)
class ReportOptions:
    """What a report depends on besides the archive and the roster."""

    tz: str = DEFAULT_TZ
    since: str | None = None  # as the user wrote it (a date in the report time zone)
    until: str | None = None
    window: str | None = None  # "7d", "48h", ...
    thread: bool = False
    thresholds: Thresholds = Thresholds()  # when a caveat is raised (kwo.caveats)
    only_brands: tuple[str, ...] = ()  # --brand: the roster narrowed to these handles (kwo.roster_filter)
    only_sectors: tuple[str, ...] = ()  # --sector: ... and to the brands of these sectors

    @property
    def mode(self) -> str:
        return "thread" if self.thread else "direct"

