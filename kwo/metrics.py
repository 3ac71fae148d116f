"""The KWO figures (DESIGN.md section 3) as a library.

Every figure is one SQL file under ``queries/`` run over the tables of :mod:`kwo.views`, with
values bound as ``$name`` parameters. Results come back as plain dataclasses.

    >>> from kwo.metrics import build_report
    >>> report = build_report("arch", brands="brands.csv", tz="Europe/Amsterdam", window="7d")
    >>> report.totals.mention_tweets, report.totals.answered_pct
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from .caveats import Caveat, Thresholds, find_caveats
from .errors import QueryError, UsageError
from .settings import Settings

DEFAULT_TZ = "Europe/Amsterdam"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # ISO weekday = index + 1

# ---------------------------------------------------------------------------------------------
# Loading and running queries/*.sql


def queries_dir() -> Path:
    """Where the SQL files live: $KWO_QUERIES_DIR, ``queries/`` of the source tree (a checkout or
    an editable install), or ``share/kwo/queries`` of the environment (a wheel install)."""
    env = os.environ.get("KWO_QUERIES_DIR")
    if env:
        return Path(env)
    source_tree = Path(__file__).resolve().parent.parent / "queries"
    if source_tree.is_dir():
        return source_tree
    return Path(sys.prefix) / "share" / "kwo" / "queries"


@cache
def _read_query(directory: str, name: str) -> str:
    path = Path(directory) / f"{name}.sql"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryError(f"no query named {name!r} (looked for {path})") from None


def load_query(name: str) -> str:
    """The text of ``queries/<name>.sql`` (``name`` may contain a sub-folder: ``views/20_mentions``)."""
    if not re.fullmatch(r"[\w/]+", name) or ".." in name:
        raise QueryError(f"not a query name: {name!r}")
    return _read_query(str(queries_dir()), name)


_COMMENT_RE = re.compile(r"--[^\n]*")
_PARAM_RE = re.compile(r"\$([A-Za-z_]\w*)")


def query_parameters(sql: str) -> set[str]:
    """The ``$name`` parameters a statement uses (comments ignored)."""
    return set(_PARAM_RE.findall(_COMMENT_RE.sub("", sql)))


def _bind(sql: str, bindings: dict | None) -> dict:
    wanted = query_parameters(sql)
    bindings = bindings or {}
    missing = wanted - bindings.keys()
    if missing:
        raise QueryError(f"parameters not given: {', '.join(sorted(missing))}")
    # DuckDB refuses parameters a statement does not use, so pass exactly the ones it names.
    return {k: bindings[k] for k in wanted}


def run_statement(con: duckdb.DuckDBPyConnection, name: str, bindings: dict | None = None) -> None:
    sql = load_query(name)
    try:
        con.execute(sql, _bind(sql, bindings))
    except duckdb.Error as exc:
        raise QueryError(f"query {name}: {exc}") from None


def run_query(con: duckdb.DuckDBPyConnection, name: str, bindings: dict | None = None) -> list[dict]:
    """Run ``queries/<name>.sql`` and return its rows as dicts.

    A quantile the query returns in pieces (columns ``X__lo``, ``X__hi``, ``X__frac``: the values at
    quantile_cont's positions floor(h) and ceil(h) and h - floor(h)) comes back as one column ``X``,
    interpolated by :func:`interpolate_quantiles`."""
    sql = load_query(name)
    try:
        cur = con.execute(sql, _bind(sql, bindings))
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, row)) for row in cur.fetchall()]
        return interpolate_quantiles(con, rows) if any(c.endswith("__frac") for c in cols) else rows
    except duckdb.Error as exc:
        raise QueryError(f"query {name}: {exc}") from None


def interpolate_quantiles(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> list[dict]:
    """Replace the columns ``X__lo``, ``X__hi``, ``X__frac`` of ``rows`` by ``X``: what quantile_cont
    returns when lo and hi are the values at its positions floor(h) and ceil(h) and frac = h - floor(h).

    quantile_cont gives the value at floor(h) when frac is 0 and otherwise interpolates with DuckDB's
    own formula, whose floating-point rounding depends on how DuckDB was compiled (FMA or not). So
    the interpolation is left to DuckDB: quantile_cont over the two values [lo, hi] at quantile frac
    (h = (2 - 1) * frac) is the same computation on the same three numbers. The fraction must be a
    constant of a query, hence bound parameters: one query for every distinct triple of ``rows``.
    """
    names = [c[: -len("__frac")] for c in rows[0] if c.endswith("__frac")] if rows else []
    triples: dict[tuple, int] = {}
    for row in rows:
        for n in names:
            lo, hi, frac = row[f"{n}__lo"], row[f"{n}__hi"], row[f"{n}__frac"]
            if lo is not None and hi is not None and frac:
                triples.setdefault((lo, hi, frac), len(triples))
    interpolated: dict[tuple, float] = {}
    if triples:
        params: dict[str, float] = {}
        for (lo, hi, frac), i in triples.items():
            params.update({f"lo{i}": lo, f"hi{i}": hi, f"f{i}": frac})
        sql = "SELECT " + ", ".join(
            f"list_aggregate([$lo{i}::DOUBLE, $hi{i}::DOUBLE], 'quantile_cont', $f{i}::DOUBLE)" for i in triples.values()
        )
        values = con.execute(sql, params).fetchone()
        interpolated = {t: values[i] for t, i in triples.items()}
    out = []
    for row in rows:
        new = {}
        for k, v in row.items():
            if k.endswith(("__hi", "__frac")):
                continue
            if k.endswith("__lo"):
                n = k[: -len("__lo")]
                frac = row[f"{n}__frac"]
                key = (v, row[f"{n}__hi"], frac)
                new[n] = interpolated.get(key, v)  # frac 0 (or no values): the value at floor(h)
            else:
                new[k] = v
        out.append(new)
    return out


# ---------------------------------------------------------------------------------------------
# Options

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

    @property
    def mode(self) -> str:
        return "thread" if self.thread else "direct"


def _to_utc(con: duckdb.DuckDBPyConnection, wall: datetime | None, tz: str) -> datetime | None:
    """The UTC instant of a wall-clock time in ``tz``; None when it lies outside the years 1-9999
    (--since 0001-01-01 in Amsterdam is 31 December of year 0 in UTC): before or after every
    tweet, the same as no bound."""
    if wall is None:
        return None
    # DuckDB's ICU converts the wall-clock time, so the bound uses the same tz rules as the hours.
    (ms,) = con.execute("SELECT epoch_ms(timezone($tz, $wall::TIMESTAMP))", {"tz": tz, "wall": wall}).fetchone()
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    except OverflowError:
        return None


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class Parameters:
    tz: str
    mode: str  # "direct" | "thread"
    window: str | None
    window_minutes: float | None
    since: str | None
    until: str | None
    since_utc: str | None  # the instants the period bounds stand for (mention time >= since_utc)
    until_utc: str | None  # (mention time < until_utc)
    roster: str  # the roster file, or how the brands were derived
    roster_sha256: str | None
    roster_brands: int
    archive: str
    archive_fingerprint: str
    kwo_version: str
    caveat_thresholds: dict = field(default_factory=dict)  # kwo.caveats.Thresholds as a dict


@dataclass
class Totals:
    mention_tweets: int
    mention_pairs: int
    answered: int
    answered_pct: float | None
    answered_pairs: int
    brands_mentioned: int
    brand_replies: int
    replies_to_mentions: int
    proactive_replies: int
    replies_parent_missing: int
    replies_to_self: int
    peak_hour: int | None = None
    peak_hour_mentions: int | None = None
    median_response_minutes: float | None = None
    p90_response_minutes: float | None = None
    mean_response_minutes: float | None = None

    @property
    def peak_hour_label(self) -> str | None:
        return hour_label(self.peak_hour) if self.peak_hour is not None else None


@dataclass
class HourRow:
    hour: int
    mentions: int
    answered: int
    answered_pct: float | None
    median_response_minutes: float | None
    p90_response_minutes: float | None
    mentions_while_closed: int
    closed_pct: float | None

    @property
    def label(self) -> str:
        return hour_label(self.hour)


@dataclass
class WeekdayHourRow:
    weekday: int  # ISO, 1 = Monday
    hour: int
    mentions: int
    answered: int

    @property
    def weekday_name(self) -> str:
        return WEEKDAYS[self.weekday - 1]


@dataclass
class BucketRow:
    bucket: str
    count: int
    pct: float | None
    answered_pct: float | None


@dataclass
class BrandRow:
    handle: str
    name: str
    sector: str
    mentions: int
    answered: int
    answered_pct: float | None
    median_response_minutes: float | None
    p90_response_minutes: float | None
    brand_replies: int
    replies_to_mentions: int
    proactive_replies: int
    replies_parent_missing: int
    replies_to_self: int
    hours: str | None
    tz: str | None
    mentions_while_closed: int | None
    closed_pct: float | None


@dataclass
class SectorRow:
    sector: str
    brands: int
    mention_tweets: int
    answered: int
    answered_pct: float | None
    mention_pairs: int
    answered_pairs: int
    median_response_minutes: float | None
    proactive_replies: int
    replies_parent_missing: int


@dataclass
class MonthRow:
    month: str  # YYYY-MM in the report time zone
    tweets: int  # collected tweets of the archive (whatever the period)
    mention_tweets: int  # mention tweets of the period
    answered: int


@dataclass
class SectorBucketRow:
    sector: str
    bucket: str
    count: int
    pct: float | None  # of the sector's mention pairs


@dataclass
class ExampleRow:
    tweet_id: str  # text: tweet ids exceed the precision of a JSON number
    local_time: str
    brands: str
    text: str | None


@dataclass
class Coverage:
    """What the archive holds: its time span, tweets per month and the ingest accounting. Every
    report has it (Report.coverage), whatever its period: the figures can only be as complete as
    the collection."""

    first_tweet: str | None  # collected tweets, 'YYYY-MM-DD HH:MM' in the report time zone
    last_tweet: str | None
    first_mention: str | None  # mention tweets of the period
    last_mention: str | None
    collected_tweets: int
    context_tweets: int
    input_files: int  # from the manifest
    records_read: int
    notices: int
    duplicates: int
    quarantined: int
    months: list[MonthRow] = field(default_factory=list)  # first to last month with tweets, empty ones too
    months_without_tweets: list[str] = field(default_factory=list)  # YYYY-MM of months without a collected tweet


@dataclass
class Details:
    """What the HTML report shows besides the figures of the other formats (Metrics.details)."""

    sector_response_times: list[SectorBucketRow] = field(default_factory=list)
    examples_hour: int | None = None  # the hour of the examples (the peak hour)
    unanswered_examples: list[ExampleRow] = field(default_factory=list)


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

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; floats rounded to 3 decimals (counts are exact)."""
        totals = _clean(asdict(self.totals))
        totals["peak_hour_label"] = self.totals.peak_hour_label
        hourly = []
        for h in self.hourly:
            row = _clean(asdict(h))
            row["label"] = h.label
            hourly.append(row)
        weekday_hourly = []
        for w in self.weekday_hourly:
            row = _clean(asdict(w))
            row["weekday_name"] = w.weekday_name
            weekday_hourly.append(row)
        out = {
            "parameters": asdict(self.parameters),
            "coverage": asdict(self.coverage) if self.coverage is not None else None,
            "caveats": [c.as_dict() for c in self.caveats],
            "totals": totals,
            "hourly": hourly,
            "weekday_hourly": weekday_hourly,
            "response_times": [_clean(asdict(b)) for b in self.response_times],
            "brands": [_clean(asdict(b)) for b in self.brands],
            "sectors": [_clean(asdict(s)) for s in self.sectors],
        }
        if self.details is not None:
            d = asdict(self.details)
            d["sector_response_times"] = [_clean(r) for r in d["sector_response_times"]]
            out["details"] = d
        return out


def hour_label(hour: int) -> str:
    return f"{hour:02d}:00-{(hour + 1) % 24:02d}:00" if hour != 23 else "23:00-24:00"


def _clean(d: dict) -> dict:
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in d.items()}


def _rows(cls, rows: list[dict]):
    names = {f.name for f in fields(cls)}
    return [cls(**{k: v for k, v in r.items() if k in names}) for r in rows]


# ---------------------------------------------------------------------------------------------
# The library


class Metrics:
    """The KWO figures of one archive, roster and set of options, on one DuckDB connection.

    Building it computes the mention pairs and the other tables of :mod:`kwo.views` once; every
    method then runs one small query over them. ``spill_safe=False`` (tables that fit in memory)
    computes medians and p90s with quantile_cont itself (see :func:`kwo.views.register_views`).
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        roster,
        options: ReportOptions | None = None,
        *,
        archive_path: str = "",
        archive_fingerprint: str = "",
        manifest=None,
        spill_safe: bool = True,
    ):
        from . import __version__
        from .roster import check_time_zone
        from .views import ViewParameters, register_views

        self.con = con
        self.roster = roster
        self.manifest = manifest  # kwo.archive.Manifest, for the ingest accounting of details()
        self.options = options = options or ReportOptions()
        check_time_zone(options.tz)
        window_ms = parse_window(options.window) if options.window else None
        since = until = None
        if options.since:
            since = _to_utc(con, parse_local_bound(options.since, "--since", end=False), options.tz)
        if options.until:
            until = _to_utc(con, parse_local_bound(options.until, "--until", end=True), options.tz)
        if since and until and since >= until:
            raise UsageError(f"--since {options.since} is not before --until {options.until}")
        self.view_parameters = ViewParameters(tz=options.tz, since=since, until=until, window_ms=window_ms,
                                              mode=options.mode)
        register_views(con, roster, self.view_parameters, spill_safe=spill_safe)
        self.parameters = Parameters(
            tz=options.tz,
            mode=options.mode,
            window=options.window,
            window_minutes=window_ms / 60_000 if window_ms else None,
            since=options.since,
            until=options.until,
            since_utc=_iso(since),
            until_utc=_iso(until),
            roster=roster.description,
            roster_sha256=roster.sha256,
            roster_brands=len(roster),
            archive=archive_path,
            archive_fingerprint=archive_fingerprint,
            kwo_version=__version__,
            caveat_thresholds=options.thresholds.as_dict(),
        )

    def query(self, name: str, extra: dict | None = None) -> list[dict]:
        """Run ``queries/<name>.sql`` with the report's bindings (and ``extra`` ones)."""
        bindings = self.view_parameters.bindings()
        if extra:
            bindings.update(extra)
        return run_query(self.con, name, bindings)

    def totals(self) -> Totals:
        (row,) = self.query("totals")
        t = Totals(**row)
        peak = self.query("peak_hour")
        if peak:
            t.peak_hour, t.peak_hour_mentions = peak[0]["hour"], peak[0]["mentions"]
        (rs,) = self.query("response_summary")
        t.median_response_minutes = rs["median_minutes"]
        t.p90_response_minutes = rs["p90_minutes"]
        t.mean_response_minutes = rs["mean_minutes"]
        return t

    def hourly(self) -> list[HourRow]:
        return _rows(HourRow, self.query("hourly"))

    def weekday_hourly(self) -> list[WeekdayHourRow]:
        return _rows(WeekdayHourRow, self.query("weekday_hourly"))

    def response_times(self) -> list[BucketRow]:
        return _rows(BucketRow, self.query("response_times"))

    def brands(self) -> list[BrandRow]:
        return _rows(BrandRow, self.query("brands"))

    def sectors(self) -> list[SectorRow]:
        return _rows(SectorRow, self.query("sectors"))

    def coverage(self) -> Coverage:
        """What the archive holds: first and last tweet, tweets and mention tweets per month (the
        empty months too), and the ingest accounting of the manifest."""
        (row,) = self.query("coverage")
        files = self.manifest.files if self.manifest is not None else []
        months = _rows(MonthRow, self.query("coverage_months"))
        return Coverage(
            **row,
            input_files=len(files),
            **{k: sum(f.get(k, 0) for f in files) for k in ("records_read", "notices", "duplicates", "quarantined")},
            months=months,
            months_without_tweets=[m.month for m in months if m.tweets == 0],
        )

    def caveats(self, coverage: Coverage | None = None) -> list[Caveat]:
        """What the archive cannot support (kwo.caveats). Raises RosterError when the archive has
        tweets but none of the roster's brands occurs in it."""
        return find_caveats(self.query, self.roster, self.options.thresholds, coverage or self.coverage())

    def details(self, *, peak_hour: int | None = None, examples: int = 5) -> Details:
        """Response-time buckets per sector and up to ``examples`` unanswered mention tweets
        (with their text) of ``peak_hour`` (default: the peak hour)."""
        bindings = self.view_parameters.bindings()
        if peak_hour is None:
            peak = self.query("peak_hour")
            peak_hour = peak[0]["hour"] if peak else None
        found = []
        if peak_hour is not None and examples > 0:
            found = run_query(self.con, "unanswered_examples", {**bindings, "hour": peak_hour, "limit": examples})
        return Details(
            sector_response_times=_rows(SectorBucketRow, self.query("sector_response_times")),
            examples_hour=peak_hour,
            unanswered_examples=_rows(ExampleRow, found),
        )

    def report(self, sections: tuple[str, ...] | None = None, *, details: bool = False) -> Report:
        """The whole report, or only ``sections`` (names of the Report list fields) besides totals,
        coverage and caveats; ``details`` adds :meth:`details` (what the HTML report shows besides
        the figures). Raises RosterError when no roster brand occurs in the archive."""
        wanted = set(sections) if sections is not None else set(SECTIONS)
        unknown = wanted - set(SECTIONS)
        if unknown:
            raise ValueError(f"unknown sections: {sorted(unknown)}")
        coverage = self.coverage()
        caveats = self.caveats(coverage)  # first: a roster that matches nothing is an error
        r = Report(parameters=self.parameters, totals=self.totals(), coverage=coverage, caveats=caveats)
        for name in SECTIONS:
            if name in wanted:
                setattr(r, name, getattr(self, name)())
        if details:
            r.details = self.details(peak_hour=r.totals.peak_hour)
        return r


#: The list sections of a report, in the order they are shown.
SECTIONS = ("response_times", "hourly", "weekday_hourly", "brands", "sectors")


def _iso(dt: datetime | None) -> str | None:
    # not strftime: glibc writes year 1 as "1", not "0001"
    return f"{dt.year:04d}-{dt:%m-%dT%H:%M:%S}Z" if dt else None


def resolve_roster(con: duckdb.DuckDBPyConnection, brands: str | os.PathLike | None):
    """The roster file, or the archive's own company accounts when ``brands`` is None."""
    from .roster import load_roster, roster_from_inbound

    if brands is not None:
        return load_roster(brands)
    roster = roster_from_inbound(con)
    if roster is None:
        raise UsageError(
            "this archive does not mark company accounts (no twcs rows with inbound = false): "
            "pass the brands with --brands FILE (a CSV with handle,name,sector)"
        )
    return roster


def open_metrics(
    archive: str | os.PathLike,
    brands: str | os.PathLike | None = None,
    options: ReportOptions | None = None,
    *,
    threads: int | None = None,
    settings: Settings | None = None,
) -> Metrics:
    """Open the archive, load (or derive) the roster and build the report tables."""
    from .archive import Archive
    from .engine.duckdb import connect_archive, memory_limit, wants_scratch

    settings = settings or Settings()

    arch = Archive(archive)
    manifest = arch.read_manifest()
    # The snapshot whose fingerprint is printed; tables that may not fit in memory go to a file.
    limit = memory_limit(settings.memory_limit)
    scratch = wants_scratch(sum(p.get("rows", 0) for p in manifest.parts), limit, settings.scratch)
    con = connect_archive(arch, threads=threads, memory_limit=limit, manifest=manifest, scratch=scratch,
                          largest_part_first=True)
    # Every figure is an aggregate or an ORDER BY query, so the temp tables need not keep the
    # archive's row order: without it DuckDB builds them in parallel and spills less.
    con.execute("SET preserve_insertion_order = false")
    roster = resolve_roster(con, brands)
    # Tables in memory can afford quantile_cont (which keeps every value); a scratch file's cannot.
    return Metrics(con, roster, options, archive_path=str(archive), archive_fingerprint=manifest.fingerprint,
                   manifest=manifest, spill_safe=scratch)


def build_report(
    archive: str | os.PathLike,
    brands: str | os.PathLike | None = None,
    *,
    tz: str = DEFAULT_TZ,
    since: str | None = None,
    until: str | None = None,
    window: str | None = None,
    thread: bool = False,
    sections: tuple[str, ...] | None = None,
    details: bool = False,
    thresholds: Thresholds | None = None,
    settings: Settings | None = None,
) -> Report:
    """The KWO report of an archive (see :class:`Report`); ``details`` adds what the HTML report
    shows besides the figures (buckets per sector, example tweets); ``thresholds`` sets when a
    caveat is raised (kwo.caveats.Thresholds; the defaults of the issue otherwise)."""
    options = ReportOptions(tz=tz, since=since, until=until, window=window, thread=thread,
                            thresholds=thresholds or Thresholds())
    m = open_metrics(archive, brands, options, settings=settings)
    try:
        return m.report(sections, details=details)
    finally:
        m.con.close()


__all__ = [
    "BrandRow",
    "BucketRow",
    "Caveat",
    "Coverage",
    "DEFAULT_TZ",
    "Details",
    "ExampleRow",
    "HourRow",
    "MonthRow",
    "Metrics",
    "Parameters",
    "Report",
    "ReportOptions",
    "SECTIONS",
    "SectorBucketRow",
    "SectorRow",
    "Thresholds",
    "Totals",
    "WeekdayHourRow",
    "build_report",
    "load_query",
    "open_metrics",
    "parse_window",
    "resolve_roster",
    "run_query",
]
