"""The report library: the figures of one archive, roster and set of options on one connection."""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from ..caveats import Caveat, Thresholds, find_caveats
from ..engine.base import Engine, as_engine
from ..errors import UsageError
from ..settings import Settings
from .bands import add_bands, within_by_brand, within_shares
from .options import DEFAULT_TZ, ReportOptions, parse_local_bound, parse_window
from .registry import METRICS
from .results import Report
from .rows import (
    BrandRow,
    BucketRow,
    Coverage,
    Details,
    ExampleRow,
    HourRow,
    MonthRow,
    Parameters,
    SectorBucketRow,
    SectorRow,
    Totals,
    WeekdayHourRow,
    row_objects,
)


def _to_utc(engine: Engine, wall: datetime | None, tz: str) -> datetime | None:
    """The UTC instant of a wall-clock time in ``tz``; None when it lies outside the years 1-9999
    (--since 0001-01-01 in Amsterdam is 31 December of year 0 in UTC): before or after every
    tweet, the same as no bound."""
    if wall is None:
        return None
    # The engine converts the wall-clock time, so the bound uses the same tz rules as the hours.
    ms = engine.to_utc(wall, tz)
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    except OverflowError:
        return None



# ---------------------------------------------------------------------------------------------
# The library


class Metrics:
    """The KWO figures of one archive, roster and set of options, on one engine session
    (kwo.engine.base.Engine; a DuckDB connection is taken as its engine, and ``con`` is the
    DuckDB connection when the engine is DuckDB's).

    Building it computes the mention pairs and the other tables of :mod:`kwo.metrics.tables`
    once; every method then runs one small query over them. ``spill_safe=False`` (tables that fit
    in memory) computes medians and p90s with quantile_cont itself (see
    :func:`kwo.metrics.tables.register_views`). Closing it (:meth:`close`, or leaving a ``with``
    block) closes the connection.
    """

    def __init__(
        self,
        engine,
        roster,
        options: ReportOptions | None = None,
        *,
        archive_path: str = "",
        archive_fingerprint: str = "",
        manifest=None,
        spill_safe: bool = True,
        tables: tuple[str, ...] | None = None,
    ):
        from ..roster import check_time_zone
        from ..roster_filter import narrow_roster
        from ..version import __version__
        from .tables import ViewParameters, register_views

        self.engine = engine = as_engine(engine)
        self.con = getattr(engine, "con", None)
        self.manifest = manifest  # kwo.archive.Manifest, for the ingest accounting of details()
        self.options = options = options or ReportOptions()
        self._within = None  # _answered_within, once per report
        # --brand/--sector: narrowed before any table is built, so every figure is those brands'
        self.roster = roster = narrow_roster(roster, options.only_brands, options.only_sectors)
        check_time_zone(options.tz)
        window_ms = parse_window(options.window) if options.window else None
        since = until = None
        if options.since:
            since = _to_utc(engine, parse_local_bound(options.since, "--since", end=False), options.tz)
        if options.until:
            until = _to_utc(engine, parse_local_bound(options.until, "--until", end=True), options.tz)
        if since and until and since >= until:
            raise UsageError(f"--since {options.since} is not before --until {options.until}")
        self.view_parameters = ViewParameters(tz=options.tz, since=since, until=until, window_ms=window_ms,
                                              mode=options.mode)
        # tables: only these report tables (and what they read); the report's methods need them all
        register_views(engine, roster, self.view_parameters, spill_safe=spill_safe, only=tables)
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
            brand_filter=list(dict.fromkeys(roster.get(h.strip()).handle for h in options.only_brands)),
            sector_filter=sorted({b.sector for b in roster.brands}) if options.only_sectors else [],
        )

    def __enter__(self) -> Metrics:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.engine.close()

    def query(self, name: str, extra: dict | None = None) -> list[dict]:
        """Run statement ``name`` of kwo.sql (``metrics/hourly``) with the report's bindings (and
        ``extra`` ones)."""
        bindings = self.view_parameters.bindings()
        if extra:
            bindings.update(extra)
        return self.engine.query(name, bindings)

    def section(self, name: str) -> list:
        """The rows of registered metric ``name`` (kwo.metrics.registry)."""
        metric = METRICS[name]
        if isinstance(metric.sql, str):
            rows = self.query(metric.sql)
        else:
            rows = self.engine.query_text(str(metric.sql), metric.text(), self.view_parameters.bindings())
        for extra in metric.more:  # columns of further statements, matched on the metric's key
            found = {tuple(r[k] for k in metric.key): r for r in self.query(extra)}
            for row in rows:
                row.update(found.get(tuple(row[k] for k in metric.key), {}))
        rows = row_objects(metric.row, rows)
        if name == "response_times":
            add_bands(rows)  # the bands in words and the cumulative shares
        elif name == "brands":
            per_brand, _ = self._answered_within()
            keys = {b.handle: k for k, b in enumerate(self.roster.brands)}
            for row in rows:
                for field, value in (per_brand.get(keys.get(row.handle)) or within_shares({})).items():
                    setattr(row, field, value)
        return rows

    def _answered_within(self):
        """The "answered within" shares of the guideline thresholds per brand_key and over all
        pairs (kwo.metrics.bands), computed once."""
        if self._within is None:
            self._within = within_by_brand(self.query("metrics/answered_within"))
        return self._within

    def totals(self) -> Totals:
        (row,) = self.query("metrics/totals")
        t = Totals(**row)
        peak = self.query("metrics/peak_hour")
        if peak:
            t.peak_hour, t.peak_hour_mentions = peak[0]["hour"], peak[0]["mentions"]
        (rs,) = self.query("metrics/response_summary")
        t.median_response_minutes = rs["median_minutes"]
        t.p90_response_minutes = rs["p90_minutes"]
        t.mean_response_minutes = rs["mean_minutes"]
        for field, value in self._answered_within()[1].items():
            setattr(t, field, value)
        (more,) = self.query("metrics/totals_insights")
        for key, value in more.items():
            setattr(t, key, value)
        return t

    def hourly(self) -> list[HourRow]:
        return self.section("hourly")

    def weekday_hourly(self) -> list[WeekdayHourRow]:
        return self.section("weekday_hourly")

    def response_times(self) -> list[BucketRow]:
        return self.section("response_times")

    def brands(self) -> list[BrandRow]:
        return self.section("brands")

    def sectors(self) -> list[SectorRow]:
        return self.section("sectors")

    def coverage(self) -> Coverage:
        """What the archive holds: first and last tweet, tweets and mention tweets per month (the
        empty months too), and the ingest accounting of the manifest."""
        (row,) = self.query("metrics/coverage")
        files = self.manifest.files if self.manifest is not None else []
        months = row_objects(MonthRow, self.query("metrics/coverage_months"))
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
            peak = self.query("metrics/peak_hour")
            peak_hour = peak[0]["hour"] if peak else None
        found = []
        if peak_hour is not None and examples > 0:
            found = self.engine.query("metrics/unanswered_examples", {**bindings, "hour": peak_hour, "limit": examples})
        return Details(
            sector_response_times=row_objects(SectorBucketRow, self.query("metrics/sector_response_times")),
            examples_hour=peak_hour,
            unanswered_examples=row_objects(ExampleRow, found),
        )

    def report(self, sections: tuple[str, ...] | None = None, *, details: bool = False) -> Report:
        """The whole report, or only ``sections`` (names of registered metrics, kwo.metrics.registry)
        besides totals, coverage and caveats; ``details`` adds :meth:`details` (what the HTML report shows besides
        the figures). Raises RosterError when no roster brand occurs in the archive."""
        wanted = set(sections) if sections is not None else set(METRICS)
        unknown = wanted - set(METRICS)
        if unknown:
            raise ValueError(f"unknown sections: {sorted(unknown)}")
        coverage = self.coverage()
        caveats = self.caveats(coverage)  # first: a roster that matches nothing is an error
        r = Report(parameters=self.parameters, totals=self.totals(), coverage=coverage, caveats=caveats)
        for name in METRICS:
            if name in wanted:
                r.set_section(name, self.section(name))
        if sections is None:  # the whole report: with its staffing section (issue 20)
            from ..staffing_report import report_section

            r.staffing = report_section(self)
        if details:
            r.details = self.details(peak_hour=r.totals.peak_hour)
        return r


#: The list sections of a report, in the order they are shown (the built-in metrics of the registry).
SECTIONS = tuple(METRICS)


def _iso(dt: datetime | None) -> str | None:
    # not strftime: glibc writes year 1 as "1", not "0001"
    return f"{dt.year:04d}-{dt:%m-%dT%H:%M:%S}Z" if dt else None


def resolve_roster(engine: Engine, brands: str | os.PathLike | None):
    """The roster file, or the archive's own company accounts when ``brands`` is None."""
    from ..roster import load_roster, roster_from_inbound

    if brands is not None:
        return load_roster(brands)
    roster = roster_from_inbound(engine)
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
    tables: tuple[str, ...] | None = None,
) -> Metrics:
    """Open the archive, load (or derive) the roster and build the report tables. The result is a
    context manager: ``with open_metrics(...) as m:`` closes its connection at the end."""
    from ..archive import Archive
    from ..archive.layout import shown
    from ..archive.url import is_url

    settings = settings or Settings()

    if is_url(archive):  # s3a://, hdfs://, file://: Spark reads it (kwo.archive.url)
        if settings.engine != "spark":
            raise UsageError(f"--archive {shown(str(archive))}: an archive at a URL is read with --engine spark "
                             "(the default engine, DuckDB, reads archive folders on this machine)")
        from ..engine.spark import open_url_archive

        engine, manifest = open_url_archive(str(archive), settings=settings)
        scratch = True
        return _with_roster(engine, brands, options, archive, manifest, scratch, tables)
    arch = Archive(archive)
    manifest = arch.read_manifest()  # the snapshot whose fingerprint is printed
    if settings.engine == "spark":
        from ..engine.spark import open_archive as open_spark

        engine, scratch = open_spark(arch, manifest=manifest, settings=settings), True
    else:
        from ..engine.duckdb import memory_limit, open_archive, wants_scratch

        # Tables that may not fit in memory go to a scratch file.
        limit = memory_limit(settings.memory_limit)
        scratch = wants_scratch(sum(p.get("rows", 0) for p in manifest.parts), limit, settings.scratch)
        engine = open_archive(arch, manifest=manifest, threads=threads, memory_limit=limit, scratch=scratch)
    return _with_roster(engine, brands, options, archive, manifest, scratch, tables)


def _with_roster(engine, brands, options, archive, manifest, scratch: bool, tables) -> Metrics:
    try:
        roster = resolve_roster(engine, brands)
    except BaseException:
        engine.close()
        raise
    # Tables in memory can afford quantile_cont (which keeps every value); a scratch file's cannot.
    return Metrics(engine, roster, options, archive_path=str(archive), archive_fingerprint=manifest.fingerprint,
                   manifest=manifest, spill_safe=scratch, tables=tables)


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
    with open_metrics(archive, brands, options, settings=settings) as m:
        return m.report(sections, details=details)


@contextmanager
def open_report(archive: str | os.PathLike, brands: str | os.PathLike | None = None, *,
                settings: Settings | None = None, **options):
    """``with open_report("arch", "brands.csv", tz=..., window="7d") as m:``: the Metrics of the
    archive (``m.con`` is its DuckDB connection, with the report tables), closed at the end. The
    keywords are ReportOptions' (tz, since, until, window, thread, thresholds)."""
    with open_metrics(archive, brands, ReportOptions(**options), settings=settings) as m:
        yield m


__all__ = ["Metrics", "SECTIONS", "build_report", "open_metrics", "open_report", "resolve_roster"]
