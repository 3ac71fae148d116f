"""The brand roster: which accounts are brands (``brands.csv``) and when their webcare is open.

``brands.csv`` has the columns ``handle,name,sector`` and optionally ``user_id``, ``hours``,
``tz`` and ``aliases``. ``aliases`` lists other handles of the same organisation, separated by
``|`` (``kpnwebcare|kpn_care``): a tweet by an alias is by the brand and a mention of an alias
is a mention of the brand, so a brand account and its care account count as one organisation
(a tweet naming both is one mention of it). Several rows may also share one ``name``; they stay
separate brands. Lines starting with ``#`` and blank lines are ignored.

``hours`` lists the opening hours in the brand's time zone (``tz``, default: the report's)::

    mon-fri 08:00-22:00; sat 10:00-18:00           days not listed are closed
    mon,wed 08:00-12:00,13:00-17:00; sun closed    several days and ranges
    mon-sun 00:00-24:00                            always open
    fri 22:00-02:00                                past midnight: open until 02:00 on Saturday

An empty ``hours`` cell means "not known" (the brand gets no closed-hours share), not "closed".

Every validation error names the file and the line. The file may be what Excel saves: separated
by semicolons or tabs, in Windows-1252, or an .xlsx workbook (kwo.roster_files reads it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import RosterError
from .roster_files import RosterRows, csv_rows, read_roster_rows

REQUIRED_COLUMNS = ("handle", "name", "sector")
OPTIONAL_COLUMNS = ("user_id", "hours", "tz", "aliases")
COLUMNS_HINT = "handle,name,sector[,user_id][,hours][,tz][,aliases]"
ALIAS_SEPARATOR = "|"
UNKNOWN_SECTOR = "unknown"

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # ISO weekday = index + 1
_DAY_ALIASES = {d: i for i, d in enumerate(DAYS)} | {
    name: i
    for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
_HANDLE_RE = re.compile(r"^\w{1,50}$", re.ASCII)
_TIME_RANGE_RE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")

HOURS_EXAMPLE = "mon-fri 08:00-22:00; sat 10:00-18:00"


@dataclass(frozen=True)
class OpenSlot:
    """One stretch of opening time within a day: ISO weekday (1 = Monday), minutes [start, end)."""

    weekday: int
    start_min: int
    end_min: int


@dataclass(frozen=True)
class Brand:
    handle: str  # lowercase, without "@"
    name: str
    sector: str
    user_id: str | None = None
    hours: str | None = None  # the spec as written in the roster
    tz: str | None = None  # None: the report's time zone
    slots: tuple[OpenSlot, ...] = ()
    line: int | None = None  # line in brands.csv, for messages
    aliases: tuple[str, ...] = ()  # other handles of the organisation, lowercase, without "@"

    @property
    def handles(self) -> tuple[str, ...]:
        """The handle and the aliases: every handle a tweet may be by or mention to be the brand's."""
        return (self.handle, *self.aliases)

    @property
    def has_hours(self) -> bool:
        return self.hours is not None


@dataclass
class Roster:
    brands: list[Brand]
    source: str | None = None  # the roster file, or None when derived from the archive
    sha256: str | None = None  # of the roster file's bytes
    derived_from: str | None = None  # "inbound" when the brands are the twcs company accounts
    # What was assumed in reading the file (Windows-1252 text), for the CLI to show on stderr.
    notices: list[str] = field(default_factory=list)
    _by_handle: dict[str, Brand] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_handle = {h: b for b in self.brands for h in b.handles}

    def __len__(self) -> int:
        return len(self.brands)

    def __iter__(self):
        return iter(self.brands)

    def get(self, handle: str) -> Brand | None:
        """The brand with this handle or alias (``@`` and case ignored)."""
        return self._by_handle.get(handle.lstrip("@").lower())

    @property
    def description(self) -> str:
        if self.source:
            return self.source
        if self.derived_from == "inbound":
            return "derived from the archive (twcs company accounts, inbound = false)"
        return "(in memory)"

    def brand_columns(self) -> dict[str, list]:
        """One row per brand; ``brand_key`` is the row number, used for joins inside DuckDB."""
        b = self.brands
        return {
            "brand_key": list(range(len(b))),
            "handle": [x.handle for x in b],
            "name": [x.name for x in b],
            "sector": [x.sector for x in b],
            "user_id": [x.user_id for x in b],
            "hours": [x.hours for x in b],
            "tz": [x.tz for x in b],
            "has_hours": [x.has_hours for x in b],
        }

    def handle_columns(self) -> dict[str, list]:
        """Every handle that is a brand's (its handle and its aliases): (brand_key, handle)."""
        cols: dict[str, list] = {"brand_key": [], "handle": []}
        for key, b in enumerate(self.brands):
            for h in b.handles:
                cols["brand_key"].append(key)
                cols["handle"].append(h)
        return cols

    def hour_columns(self) -> dict[str, list]:
        """Opening slots: (brand_key, weekday 1-7, start_min, end_min), end exclusive."""
        cols: dict[str, list] = {"brand_key": [], "weekday": [], "start_min": [], "end_min": []}
        for key, b in enumerate(self.brands):
            for s in b.slots:
                cols["brand_key"].append(key)
                cols["weekday"].append(s.weekday)
                cols["start_min"].append(s.start_min)
                cols["end_min"].append(s.end_min)
        return cols


#: DuckDB types of the columns of :meth:`Roster.brand_columns`, :meth:`Roster.hour_columns` and
#: :meth:`Roster.handle_columns` (kwo.views creates the ``brands``, ``brand_hours`` and
#: ``brand_handles`` tables from them).
BRAND_TYPES = {"brand_key": "INTEGER", "handle": "VARCHAR", "name": "VARCHAR", "sector": "VARCHAR",
               "user_id": "VARCHAR", "hours": "VARCHAR", "tz": "VARCHAR", "has_hours": "BOOLEAN"}
HOUR_TYPES = {"brand_key": "INTEGER", "weekday": "TINYINT", "start_min": "SMALLINT", "end_min": "SMALLINT"}
HANDLE_TYPES = {"brand_key": "INTEGER", "handle": "VARCHAR"}


# ---------------------------------------------------------------------------------------------
# Loading and validation


def load_roster(path: str | Path) -> Roster:
    """Read and validate a roster file: CSV (comma, semicolon or tab separated; UTF-8, UTF-16 or
    Windows-1252), an .xlsx workbook (its first sheet), or ``-`` for CSV on standard input
    (kwo.roster_files). Raises :class:`RosterError` naming the file and the line (the sheet and
    the row). What was assumed in reading it (Windows-1252) is in ``Roster.notices``."""
    rows = read_roster_rows(path)
    brands = parse_rows(rows)
    return Roster(brands, source=rows.name, sha256=rows.sha256, notices=list(rows.notices))


def parse_roster(text: str, name: str = "brands.csv") -> list[Brand]:
    """Parse roster CSV text (comma, semicolon or tab separated); ``name`` is used in messages."""
    rows, delimiter = csv_rows(text, name)
    return parse_rows(RosterRows(name, "", rows, delimiter=delimiter))


def parse_rows(source: RosterRows) -> list[Brand]:
    """Validate the rows of a roster file: a header, then one brand a row."""
    header: list[str] | None = None
    header_line = 0
    brands: list[Brand] = []
    seen_handles: dict[str, tuple[int, str | None]] = {}  # handle -> (line, the brand it is an alias of)
    seen_ids: dict[str, int] = {}
    for line, row in source.rows:
        if not row or all(not c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if header is None:
            header, header_line = _check_header(row, source, line), line
            continue
        brands.append(_parse_row(row, header, source, line, seen_handles, seen_ids))
    if header is None:
        raise RosterError(f"{source.where}: the roster is empty (expected a header {source.unit}: {COLUMNS_HINT})")
    if not brands:
        raise RosterError(f"{source.where}: the roster has a header ({source.unit} {header_line}) but no brands")
    return brands


def _check_header(row: list[str], source: RosterRows, line: int) -> list[str]:
    cols = [c.strip().lower() for c in row]
    at = source.at(line)
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    if missing:
        got = source.delimiter.join(row)
        raise RosterError(
            f"{at}: header lacks column(s) {', '.join(missing)} "
            f"(expected {COLUMNS_HINT}, separated by commas, semicolons or tabs; got {got})"
        )
    allowed = set(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    unknown = [c for c in cols if c not in allowed]
    if unknown:
        raise RosterError(
            f"{at}: unknown column(s) {', '.join(repr(c) for c in unknown)} "
            f"(allowed: {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)})"
        )
    dup = sorted({c for c in cols if cols.count(c) > 1})
    if dup:
        raise RosterError(f"{at}: column(s) {', '.join(dup)} appear more than once in the header")
    return cols


def _parse_row(
    row: list[str],
    header: list[str],
    source: RosterRows,
    line: int,
    seen_handles: dict[str, tuple[int, str | None]],
    seen_ids: dict[str, int],
) -> Brand:
    at = source.at(line)
    if len(row) > len(header):
        raise RosterError(f"{at}: {len(row)} fields but the header has {len(header)}")
    values = {col: (row[i].strip() if i < len(row) else "") for i, col in enumerate(header)}
    raw_handle = values["handle"]
    handle = raw_handle.lstrip("@").lower()
    if not handle:
        raise RosterError(f"{at}: empty handle")
    if not _HANDLE_RE.match(handle):
        raise RosterError(f"{at}: {raw_handle!r} is not a handle (letters, digits and _ only)")
    _check_new_handle(handle, source, line, seen_handles)
    seen_handles[handle] = (line, None)
    aliases = _parse_aliases(values.get("aliases") or "", handle, source, line, seen_handles)
    user_id = values.get("user_id") or None
    if user_id is not None:
        if any(ch.isspace() for ch in user_id):
            raise RosterError(f"{at}: user_id {user_id!r} contains white space")
        if user_id in seen_ids:
            raise RosterError(f"{at}: duplicate user_id {user_id!r} (already on {source.unit} {seen_ids[user_id]})")
        seen_ids[user_id] = line
    tz = values.get("tz") or None
    if tz is not None and not is_known_time_zone(tz):
        raise RosterError(f"{at}: unknown time zone {tz!r} (use an IANA name such as Europe/Amsterdam)")
    hours = values.get("hours") or None
    slots: tuple[OpenSlot, ...] = ()
    if hours is not None:
        try:
            slots = parse_hours(hours)
        except ValueError as exc:
            raise RosterError(f"{at}: malformed hours {hours!r}: {exc} (example: {HOURS_EXAMPLE!r})") from None
    return Brand(
        handle=handle,
        name=values["name"] or handle,
        sector=values["sector"] or UNKNOWN_SECTOR,
        user_id=user_id,
        hours=hours,
        tz=tz,
        slots=slots,
        line=line,
        aliases=aliases,
    )


def _check_new_handle(handle: str, source: RosterRows, line: int, seen: dict[str, tuple[int, str | None]], *,
                      alias: bool = False) -> None:
    if handle not in seen:
        return
    where, alias_of = seen[handle]
    what = "alias" if alias else "handle"
    unit = source.unit
    if alias_of is None and not alias:
        raise RosterError(
            f"{source.at(line)}: duplicate handle {handle!r} (already on {unit} {where}; "
            "handles are compared case-insensitively)"
        )
    earlier = f"the handle on {unit} {where}" if alias_of is None else f"an alias of {alias_of!r} ({unit} {where})"
    raise RosterError(f"{source.at(line)}: {what} {handle!r} is already {earlier}; a handle belongs to one brand "
                      "(handles are compared case-insensitively)")


def _parse_aliases(text: str, handle: str, source: RosterRows, line: int,
                   seen: dict[str, tuple[int, str | None]]) -> tuple[str, ...]:
    """``kpnwebcare|@KPN_care`` -> ("kpnwebcare", "kpn_care"); each a handle no other row has."""
    aliases: list[str] = []
    at = source.at(line)
    for raw in (a.strip() for a in text.split(ALIAS_SEPARATOR)):
        if not raw:
            if text.strip():  # "a||b", "a|": a slip worth naming; an empty cell is no aliases
                raise RosterError(f"{at}: empty alias in {text!r} (separate handles with {ALIAS_SEPARATOR})")
            continue
        alias = raw.lstrip("@").lower()
        if not _HANDLE_RE.match(alias):
            raise RosterError(f"{at}: alias {raw!r} is not a handle (letters, digits and _ only; "
                              f"separate several with {ALIAS_SEPARATOR})")
        if alias == handle:
            raise RosterError(f"{at}: alias {alias!r} is the brand's own handle")
        if alias in aliases:
            raise RosterError(f"{at}: alias {alias!r} is given twice")
        _check_new_handle(alias, source, line, seen, alias=True)
        seen[alias] = (line, handle)
        aliases.append(alias)
    return tuple(aliases)


def parse_hours(spec: str) -> tuple[OpenSlot, ...]:
    """``mon-fri 08:00-22:00; sat 10:00-18:00`` -> opening slots. Raises ValueError.

    A range ending before it starts runs past midnight into the next day; ``24:00`` ends a day.
    """
    slots: list[OpenSlot] = []
    seen_days: set[int] = set()
    parts = [p.strip() for p in spec.split(";")]
    if not any(parts):
        raise ValueError("no days given")
    for part in parts:
        if not part:
            continue
        pieces = part.split(None, 1)
        if len(pieces) != 2:
            raise ValueError(f"{part!r} needs days and times, e.g. 'mon-fri 08:00-17:00'")
        days = _parse_days(pieces[0])
        dup = seen_days.intersection(days)
        if dup:
            raise ValueError(f"{DAYS[min(dup)]} is given more than once")
        seen_days.update(days)
        times = pieces[1].strip().lower()
        if times == "closed":
            continue
        for rng in (r.strip() for r in times.replace(" ", "").split(",")):
            start, end = _parse_range(rng)
            for d in days:
                if end > start:
                    slots.append(OpenSlot(d + 1, start, end))
                else:  # past midnight: the rest of day d and the start of the next day
                    slots.append(OpenSlot(d + 1, start, 24 * 60))
                    if end:
                        slots.append(OpenSlot((d + 1) % 7 + 1, 0, end))
    return tuple(sorted(slots, key=lambda s: (s.weekday, s.start_min)))


def _parse_days(token: str) -> list[int]:
    out: list[int] = []
    for group in token.lower().split(","):
        if "-" in group:
            a, _, b = group.partition("-")
            lo, hi = _day(a), _day(b)
            out.extend(range(lo, hi + 1) if lo <= hi else [*range(lo, 7), *range(0, hi + 1)])
        else:
            out.append(_day(group))
    return out


def _day(token: str) -> int:
    try:
        return _DAY_ALIASES[token.strip()]
    except KeyError:
        raise ValueError(f"unknown day {token!r} (use mon tue wed thu fri sat sun)") from None


def _parse_range(token: str) -> tuple[int, int]:
    m = _TIME_RANGE_RE.match(token)
    if not m:
        raise ValueError(f"{token!r} is not a time range HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"{token!r} has an impossible time")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end:
        raise ValueError(f"{token!r} is an empty range (write 00:00-24:00 for a whole day)")
    return start, end


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    # DuckDB's ICU does the conversions, so its list is the one that counts.
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        return frozenset(r[0] for r in con.sql("SELECT name FROM pg_timezone_names()").fetchall())
    finally:
        con.close()


def is_known_time_zone(tz: str) -> bool:
    return tz in _time_zones()


def check_time_zone(tz: str) -> str:
    """Return ``tz`` when DuckDB knows it; raise a :class:`kwo.errors.UsageError` otherwise."""
    from .errors import UsageError

    if not is_known_time_zone(tz):
        raise UsageError(f"unknown time zone {tz!r} (use an IANA name such as Europe/Amsterdam or UTC)")
    return tz


# ---------------------------------------------------------------------------------------------
# Brands from the archive itself


def roster_from_inbound(con) -> Roster | None:
    """The twcs company accounts (``inbound = false``) of engine ``con`` (kwo.engine.base.Engine, or a
    DuckDB connection) as a roster, or None when there are none.

    handle = lower(author_id) (twcs keeps the company's screen name as its author_id), name =
    author_id, sector ``unknown``; matching by user_id = author_id as well.
    """
    from .engine.base import as_engine

    rows = as_engine(con).query_text(
        "roster_from_inbound",
        "SELECT DISTINCT author_id FROM tweets WHERE inbound = false AND collected AND author_id IS NOT NULL "
        "ORDER BY author_id",
    )
    if not rows:
        return None
    brands: list[Brand] = []
    seen: set[str] = set()
    for author_id in (r["author_id"] for r in rows):
        handle = author_id.lstrip("@").lower()
        if handle in seen:  # two ids differing only in case: one brand
            continue
        seen.add(handle)
        brands.append(Brand(handle=handle, name=author_id, sector=UNKNOWN_SECTOR, user_id=author_id))
    return Roster(brands, source=None, sha256=None, derived_from="inbound")


__all__ = [
    "Brand",
    "OpenSlot",
    "Roster",
    "check_time_zone",
    "is_known_time_zone",
    "load_roster",
    "parse_hours",
    "parse_roster",
    "roster_from_inbound",
]
