"""The report: parameters, totals, coverage, caveats and the rows of every registered metric."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..caveats import Caveat
from .registry import METRICS
from .rows import (
    BrandRow,
    BucketRow,
    Coverage,
    Details,
    HourRow,
    Parameters,
    SectorRow,
    Totals,
    WeekdayHourRow,
    clean_values,
)


@dataclass
class Report:
    parameters: Parameters
    totals: Totals
    hourly: list[HourRow] = field(default_factory=list)
    weekday_hourly: list[WeekdayHourRow] = field(default_factory=list)
    response_times: list[BucketRow] = field(default_factory=list)
    brands: list[BrandRow] = field(default_factory=list)
    sectors: list[SectorRow] = field(default_factory=list)
    coverage: Coverage | None = None  # what the archive holds (Metrics.report always fills it)
    caveats: list[Caveat] = field(default_factory=list)  # what the archive cannot support (kwo.caveats)
    details: Details | None = None  # only when asked for (report(details=True))
    staffing: dict | None = None  # the whole report's staffing section (kwo.staffing_report.report_section)
    #: the rows of registered metrics without a field of their own (kwo.metrics.registry)
    more: dict[str, list] = field(default_factory=dict)

    def section(self, name: str) -> list:
        """The rows of metric ``name`` (a field above, or one registered later)."""
        return getattr(self, name) if name in _FIELDS else self.more.get(name, [])

    def set_section(self, name: str, rows: list) -> None:
        if name in _FIELDS:
            setattr(self, name, rows)
        else:
            self.more[name] = rows

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; floats rounded to 3 decimals (counts are exact)."""
        totals = clean_values(asdict(self.totals))
        totals["peak_hour_label"] = self.totals.peak_hour_label
        totals["answered_pct_ci"] = self.totals.answered_pct_ci
        totals["questions_answered_pct_ci"] = self.totals.questions_answered_pct_ci
        out: dict[str, Any] = {
            "parameters": asdict(self.parameters),
            "coverage": asdict(self.coverage) if self.coverage is not None else None,
            "caveats": [c.as_dict() for c in self.caveats],
            "totals": totals,
        }
        for name, metric in METRICS.items():
            rows = []
            for r in self.section(name):
                row = clean_values(asdict(r))
                row.update({p: getattr(r, p) for p in metric.derived})
                rows.append(row)
            out[name] = rows
        if self.staffing is not None:
            out["staffing"] = self.staffing
        if self.details is not None:
            d = asdict(self.details)
            d["sector_response_times"] = [clean_values(r) for r in d["sector_response_times"]]
            out["details"] = d
        return out


_FIELDS = ("hourly", "weekday_hourly", "response_times", "brands", "sectors")
