"""DuckDB, kwo's default engine: connections over an archive, bounded in memory, spilling to
a private folder (kwo.engine.spill), with a scratch database file for report tables larger than
memory."""

from __future__ import annotations

import atexit
import os
from datetime import datetime

import duckdb

from ..archive import Archive, Manifest
from ..archive.layout import shown
from ..errors import ArchiveError
from ..settings import size_mb

#: The default cap on DuckDB's memory (its buffer pool: temp tables, hash tables, sorts). With
#: Python, Arrow and allocations outside the pool the process stays under 2 GB of RSS; what does
#: not fit spills to the temp directory.
DEFAULT_MEMORY_LIMIT_MB = 1024
#: The share of physical memory used when that is less than the default cap (small machines).
MEMORY_SHARE = 0.4
#: Memory each DuckDB thread should have at least: more threads than limit/this only add
#: per-thread buffers (and spilling), not speed.
MB_PER_THREAD = 128


def memory_limit(setting: str | None = None) -> str:
    """DuckDB's memory_limit for archive connections: ``setting`` (kwo.settings.Settings.memory_limit,
    already checked) or the smaller of :data:`DEFAULT_MEMORY_LIMIT_MB` and :data:`MEMORY_SHARE` of
    physical memory."""
    if setting:
        return setting
    limit_mb = DEFAULT_MEMORY_LIMIT_MB
    try:
        physical_mb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // (1 << 20)
        limit_mb = min(limit_mb, max(256, int(physical_mb * MEMORY_SHARE)))
    except (ValueError, OSError, AttributeError):  # no sysconf (Windows) or no such name
        pass
    return f"{limit_mb}MB"


def _threads_for(limit: str) -> int:
    """The CPUs, but no more threads than the memory limit gives :data:`MB_PER_THREAD` each."""
    cpus = os.cpu_count() or 1
    limit_mb = size_mb(limit)
    return cpus if limit_mb is None else max(1, min(cpus, limit_mb // MB_PER_THREAD))


def spill_directory() -> str:
    """A fresh path in this process's spill folder under the system temp dir (kwo.spill, which
    also removes the folders of processes that died) for DuckDB to spill to. DuckDB creates it
    only when it spills and removes it on close; never the archive (which may be read-only) nor
    the working directory (DuckDB's default for in-memory databases)."""
    from .spill import connection_spill_dir

    return connection_spill_dir()


#: Bytes of report tables per archive row, roughly (10M sample tweets: 17.5M rows, 0.85 GB of
#: tables): below ``rows * this = memory limit`` the report tables stay in memory. Not rounded up:
#: in memory, the 10M report completed (same figures) with limits down to 400 MB, 2.2x the rows per
#: MB this allows, and took 14.5 s against 17.9 s with a scratch file; what failed in memory was
#: 100M tweets at 1 GB, 8.7x the rows per MB.
SCRATCH_BYTES_PER_ROW = 50


def wants_scratch(rows: int, limit: str | None = None, forced: bool | None = None) -> bool:
    """Whether a report over ``rows`` archive rows should keep its tables in a scratch database
    file (:func:`scratch_database`) rather than in memory: when they may not fit in the memory
    limit. In memory is faster (KWO16, 2.6M rows: ~20% less CPU); the file is what completes on
    100M tweets. ``forced`` (kwo.settings.Settings.scratch) decides instead when not None."""
    if forced is not None:
        return forced
    limit_mb = size_mb(limit or memory_limit())
    return limit_mb is None or rows * SCRATCH_BYTES_PER_ROW > limit_mb * (1 << 20)


def scratch_database(config: dict) -> duckdb.DuckDBPyConnection:
    """A connection on a fresh database file under the system temp dir, removed again at once.

    Tables of an in-memory database can go to the spill directory, but under memory pressure
    DuckDB keeps too much of them pinned: a report on 100M tweets ran out of memory at a 1 GB
    limit (and 10M at 100 MB) in the hash aggregates and joins over the report tables. Tables of
    a database file are written to it and read back block by block, so those complete. The file
    is unlinked right after opening (DuckDB keeps using it; nothing is left behind, and a crash
    leaves at most its write-ahead log); automatic checkpoints are off, as nothing is kept.
    """
    from .spill import scratch_path

    path = scratch_path()  # in the spill folder: what a crash leaves is removed by the next run
    con = duckdb.connect(path, config={**config, "checkpoint_threshold": "1TB"})
    try:
        os.unlink(path)
    except OSError:  # e.g. Windows, where an open file cannot be removed
        atexit.register(_remove_quietly, path)
    return con


def _remove_quietly(path: str) -> None:
    for p in (path, path + ".wal"):
        try:
            os.unlink(p)
        except OSError:
            pass


#: The engine functions kwo's statements call, DuckDB's text (kwo.engine.spark.PRELUDE: Spark's).
#: Macros are expanded where they are called, so they cost DuckDB nothing; they keep the shared SQL
#: free of functions that sqlglot transpiles wrongly or not at all (tests/test_sql_portable.py).
#: kwo_handle(h): a stored handle in the roster's form (lowercase); a plain alias, as parts store
#: handles lowercase, which spares the report a lower() per mention. kwo_isodow: ISO weekday 1-7;
#: kwo_isoweek: ISO week number 1-53 of a date;
#: kwo_epoch_ms/us: an instant as epoch milli/microseconds; kwo_timestamptz_us/kwo_timestamp_us:
#: epoch microseconds as an instant / as a wall-clock time; kwo_utc_hour: the UTC clock hour of an
#: instant, in hours since 1970, in integer arithmetic on a time shifted a million days so that the
#: division floors before 1970 too (back to year -768); date_diff('hour', ...) gave the same hours
#: at three times the cost (1.5M replies: 0.33 s against 0.12 s).
PRELUDE = (
    "CREATE OR REPLACE TEMP MACRO kwo_handle(h) AS h",
    "CREATE OR REPLACE TEMP MACRO kwo_isodow(t) AS isodow(t)",
    "CREATE OR REPLACE TEMP MACRO kwo_isoweek(d) AS week(d)",
    "CREATE OR REPLACE TEMP MACRO kwo_epoch_ms(t) AS epoch_ms(t)",
    "CREATE OR REPLACE TEMP MACRO kwo_epoch_us(t) AS epoch_us(t)",
    "CREATE OR REPLACE TEMP MACRO kwo_timestamptz_us(us) AS make_timestamptz(us)",
    "CREATE OR REPLACE TEMP MACRO kwo_timestamp_us(us) AS make_timestamp(us)",
    "CREATE OR REPLACE TEMP MACRO kwo_utc_hour(t) AS (epoch_us(t) + 86400000000000000) // 3600000000 - 24000000",
)


def connection_config(threads: int | None = None, limit: str | None = None) -> dict:
    limit = limit or memory_limit()
    return {
        "memory_limit": limit,
        "threads": threads or _threads_for(limit),
        "temp_directory": spill_directory(),
    }


def connect_archive(arch: Archive, *, threads: int | None = None, memory_limit: str | None = None,
                    manifest: Manifest | None = None, scratch: bool = False,
                    largest_part_first: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a ``tweets`` view over the live parts: in memory, or with
    ``scratch`` on a scratch database file (see :func:`scratch_database`) for tables that
    may be larger than memory (the report's).

    Pass the ``manifest`` already read to get exactly that snapshot (e.g. the one whose
    fingerprint a report prints), whatever an ingest has published since. File paths reach
    DuckDB through the relational API, never formatted into SQL text, and escaped so that
    DuckDB's globbing matches only themselves (:meth:`part_paths`).

    The connection is bounded (:func:`memory_limit`, threads) and spills to a private
    directory under the system temp dir, so a report on an archive larger than memory runs
    slower instead of failing (see :func:`connection_config`).

    The connection also has the macros of :data:`PRELUDE` (``kwo_handle(h)``: a handle as stored,
    lowercase as every part stores them; ``kwo_isodow``, ...).

    ``largest_part_first`` lists the part with the most rows first in the view (the others in
    manifest order): DuckDB estimates the rows of a scan over several Parquet files as the
    first file's rows times the number of files, so a small first month (KWO16 starts with a
    55-row December) makes it guess 770 rows for 2.6M, and joins then build their hash tables
    on the archive instead of on the small side (the report's parent lookup). Only the order
    of the rows changes, which the report's queries do not depend on.
    """
    manifest = manifest or arch.read_manifest()
    parts = arch.part_paths(manifest)
    config = connection_config(threads, memory_limit)
    if scratch:
        con = scratch_database(config)
    else:
        con = duckdb.connect(":memory:", config=config)
    if largest_part_first and parts:
        biggest = max(range(len(parts)), key=lambda i: manifest.parts[i].get("rows", 0))
        parts.insert(0, parts.pop(biggest))
    for sql in PRELUDE:
        con.execute(sql)
    if parts:
        try:
            con.read_parquet(parts, hive_partitioning=False).create_view("tweets")
        except duckdb.Error as exc:
            con.close()
            raise ArchiveError(f"{arch.path}: cannot read its parts: {shown(str(exc).splitlines()[0])}") from None
    else:
        # register() keeps a reference to the Arrow table for the connection's lifetime (a
        # view of the session: a scratch database file cannot store one over a Python object).
        from ..schema import TWEET_SCHEMA  # pyarrow: imported only here, not on every report

        con.register("tweets", TWEET_SCHEMA.empty_table())
    return con


def connect(archive, *, settings=None, **kwargs) -> duckdb.DuckDBPyConnection:
    """Shorthand: ``kwo.connect("arch").sql("SELECT count(*) FROM tweets")``; ``settings`` a
    kwo.settings.Settings (its memory limit)."""
    if settings is not None and settings.memory_limit and "memory_limit" not in kwargs:
        kwargs["memory_limit"] = settings.memory_limit
    return connect_archive(Archive(archive), **kwargs)




class DuckDBEngine:
    """The :class:`kwo.engine.base.Engine` of a DuckDB connection (``con``, kept for notebooks and
    ``kwo sql``-like use: ``m.con``)."""

    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    @property
    def time_zone(self) -> str:
        (tz,) = self.con.execute("SELECT current_setting('TimeZone')").fetchone()
        return tz

    def set_time_zone(self, tz: str) -> None:
        self.con.execute("SET TimeZone = $tz", {"tz": tz})

    def run(self, name: str, bindings: dict | None = None) -> None:
        from .duckdb_sql import run_statement

        run_statement(self.con, name, bindings)

    def query(self, name: str, bindings: dict | None = None) -> list[dict]:
        from .duckdb_sql import run_query

        return run_query(self.con, name, bindings)

    def query_text(self, name: str, sql: str, bindings: dict | None = None) -> list[dict]:
        from .duckdb_sql import run_sql

        return run_sql(self.con, name, sql, bindings)

    def create_table(self, table: str, name: str, bindings: dict | None = None) -> None:
        from .duckdb_sql import create_table

        create_table(self.con, table, name, bindings)

    def fetch_arrow(self, name: str, bindings: dict | None = None):
        from .duckdb_sql import fetch_arrow

        return fetch_arrow(self.con, name, bindings)

    def register_arrow(self, table: str, data) -> None:
        self.con.register(table, data)

    def create_columns_table(self, table: str, columns: dict[str, list], types: dict[str, str]) -> None:
        # Bound list parameters unnested side by side rather than an Arrow table: building an
        # Arrow array from a Python list makes pyarrow import pandas when it is installed, a
        # noticeable part of a report's start-up (benchmarks/RESULTS.md). Names and types are
        # kwo's constants (kwo.roster); the values are bound.
        select = ", ".join(f"unnest(${col}::{types[col]}[]) AS {col}" for col in columns)
        self.con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {select}", columns)

    def to_utc(self, wall: datetime, tz: str) -> int:
        # DuckDB's ICU converts the wall-clock time, so the bound uses the same tz rules as the hours.
        (ms,) = self.con.execute("SELECT epoch_ms(timezone($tz, $wall::TIMESTAMP))",
                                 {"tz": tz, "wall": wall}).fetchone()
        return ms

    def close(self) -> None:
        self.con.close()


def open_archive(arch: Archive, *, manifest: Manifest, threads: int | None = None, memory_limit: str | None = None,
                 scratch: bool = False) -> DuckDBEngine:
    """The report's engine over ``manifest``'s parts of ``arch`` (see :func:`connect_archive`)."""
    con = connect_archive(arch, threads=threads, memory_limit=memory_limit, manifest=manifest, scratch=scratch,
                          largest_part_first=True)
    # Every figure is an aggregate or an ORDER BY query, so the temp tables need not keep the
    # archive's row order: without it DuckDB builds them in parallel and spills less.
    con.execute("SET preserve_insertion_order = false")
    return DuckDBEngine(con)


__all__ = ["DEFAULT_MEMORY_LIMIT_MB", "PRELUDE", "DuckDBEngine", "connect", "connect_archive", "connection_config", "memory_limit",
           "open_archive", "scratch_database", "spill_directory", "wants_scratch"]
