"""``--brand HANDLE`` and ``--sector NAME``: a report of some brands of the roster.

The roster is narrowed before any figure is computed, so every figure (the totals too) is that of
the brands kept, exactly as if the roster held only them. Repeating an option adds to it (``--brand
ing --brand kpn``: both); the two options together keep the brands that meet both (``--sector
telecom --brand kpn``: kpn, when it is in telecom). Handles match a brand's handle or alias, ``@``
and case ignored; sectors match whole, case ignored. A name that matches nothing is an error
naming the nearest ones (difflib), never an empty report.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import replace

from .errors import UsageError
from .roster import Roster

#: How many near matches an unknown name's error offers.
NEAR = 3


def narrow_roster(roster: Roster, handles: Iterable[str] = (), sectors: Iterable[str] = ()) -> Roster:
    """The brands of ``roster`` that ``--brand`` (``handles``) and ``--sector`` (``sectors``)
    keep; the roster itself when both are empty. Raises UsageError for a name that matches no brand
    and when no brand meets both options."""
    handles, sectors = list(handles), list(sectors)
    if not handles and not sectors:
        return roster
    keep = list(roster.brands)
    if handles:
        wanted = {_brand_of(roster, h).handle for h in handles}
        keep = [b for b in keep if b.handle in wanted]
    if sectors:
        known = {b.sector.lower(): b.sector for b in roster.brands}
        for s in sectors:
            if s.strip().lower() not in known:
                raise UsageError(f"--sector {s!r}: no brand of the roster ({roster.description}) is in that sector"
                                 f"{_near(s.strip().lower(), known, 'sectors')}")
        wanted_sectors = {s.strip().lower() for s in sectors}
        keep = [b for b in keep if b.sector.lower() in wanted_sectors]
    if not keep:
        raise UsageError(f"no brand is both {' or '.join('@' + h.lstrip('@') for h in handles)} and in "
                         f"{' or '.join(sectors)}: --brand and --sector together keep the brands that meet both")
    return replace(roster, brands=keep)


def _brand_of(roster: Roster, handle: str):
    brand = roster.get(handle.strip())
    if brand is None:
        known = {h: h for b in roster.brands for h in b.handles}
        raise UsageError(f"--brand {handle!r}: no brand of the roster ({roster.description}) has that handle"
                         f"{_near(handle.strip().lstrip('@').lower(), known, 'handles')}")
    return brand


def _near(name: str, known: dict[str, str], what: str) -> str:
    """``; did you mean ing?``, or the first names of the roster when none is near."""
    close = difflib.get_close_matches(name, list(known), n=NEAR, cutoff=0.6)
    if close:
        return f"; did you mean {', '.join(known[c] for c in close)}?"
    names = sorted(set(known.values()))
    more = f" (and {len(names) - 10:,} more)" if len(names) > 10 else ""
    return f"; its {what}: {', '.join(names[:10])}{more}"


def filter_text(handles: Iterable[str], sectors: Iterable[str]) -> str | None:
    """The narrowing in words for the human formats' parameters, or None."""
    parts = []
    handles, sectors = list(handles), list(sectors)
    if handles:
        parts.append("brand " + ", ".join("@" + h for h in handles))
    if sectors:
        parts.append("sector " + ", ".join(sectors))
    return " and ".join(parts) + " (--brand/--sector: the figures are those brands')" if parts else None


__all__ = ["filter_text", "narrow_roster"]
