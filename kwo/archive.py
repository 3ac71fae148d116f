"""An archive on disk and the DuckDB connection over it.

Layout::

    ARCHIVE/
      manifest.json            what was ingested and which data files are live (atomic swaps)
      tweets/month=YYYY-MM/    Parquet parts (LZ4); only the parts listed in the manifest count
      quarantine/              one JSON-lines file per ingest run: file, line, reason, raw text
      .staging/<run>/          a writer's staging files and journal (kwo.leftovers)
      .lock                    flocked by a writer while it ingests (kwo.archive_lock)

A data file becomes visible only when a new manifest naming it has been renamed into place, so
a crash at any point leaves the archive exactly as the last completed ingest left it; the files
a dead run's journal names and no manifest names are leftovers, removed by the next ingest.
Nothing in the archive is read through a symbolic link or as a glob pattern (kwo.layout).
"""

from __future__ import annotations

import atexit
import os
import re
import stat
from pathlib import Path

import duckdb

from .archive_lock import read_manifest_bytes
from .errors import ArchiveError, UsageError
from .layout import (
    MANIFEST,
    QUARANTINE_DIR,
    TWEETS_DIR,
    absolute,
    check_real,
    duckdb_path,
    fsync_dir,
    is_quarantine_path,
    part_month,
    shown,
)
from .manifest import FORMAT_VERSION, Manifest, parse_manifest

__all__ = ["DEFAULT_MEMORY_LIMIT_MB", "FORMAT_VERSION", "MANIFEST", "Archive", "Manifest", "connect",
           "damaged_archive", "fsync_dir", "holds_data", "memory_limit", "scratch_database", "spill_directory",
           "wants_scratch"]


class Archive:
    """A kwo archive directory. ``path`` is kept as given, for messages; files are reached
    through its absolute form."""

    def __init__(self, path: str | os.PathLike, *, must_exist: bool = True):
        self.path = Path(path)
        self.root = absolute(path)
        if must_exist:
            self._check_exists()

    def _check_exists(self) -> None:
        if not os.path.lexists(self.root):
            raise ArchiveError(f"{self.path}: no such archive (create one with `kwo ingest FILE --archive {self.path}`)")
        if not self.root.is_dir():
            raise ArchiveError(f"{self.path}: not a kwo archive (not a directory)")
        if check_real(self.root, MANIFEST, kind="file") is None:
            raise self._missing_manifest()

    def _missing_manifest(self) -> ArchiveError:
        if holds_data(self.root):
            return damaged_archive(self.path)
        return ArchiveError(f"{self.path}: not a kwo archive (no {MANIFEST})")

    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST

    def read_manifest(self) -> Manifest:
        manifest, _ = self.read_snapshot()
        if manifest is None:
            raise self._missing_manifest()
        return manifest

    def read_snapshot(self) -> tuple[Manifest | None, bytes | None]:
        """The manifest and its bytes (for a writer's compare-and-swap); (None, None) when the
        archive has none yet."""
        data = read_manifest_bytes(self.root)
        if data is None:
            return None, None
        return parse_manifest(data, str(self.manifest_path), str(self.path)), data

    def write_manifest(self, manifest: Manifest) -> None:
        """Replace the manifest atomically (temp file, fsync, rename, fsync the directory), for a
        writer of a new archive (kwo sample); ingests publish with kwo.archive_lock.publish."""
        tmp = self.root / f".{MANIFEST}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(manifest.to_json())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.root / MANIFEST)
        fsync_dir(self.root)

    def part_paths(self, manifest: Manifest | None = None) -> list[str]:
        """The live parts, as paths for DuckDB (absolute, glob characters escaped), each checked
        first: there, a regular file reached without a symbolic link, ending as Parquet does."""
        manifest = manifest or self.read_manifest()
        return [duckdb_path(self.check_part(p["path"])) for p in manifest.parts]

    def check_part(self, rel: str) -> Path:
        problem = self.part_problem(rel)
        if problem is not None:
            raise ArchiveError(
                f"{self.path}: the manifest names {shown(rel)}, which {problem}: the archive is damaged. "
                f"Restore the file, or rebuild the manifest from the parts that are whole with `kwo repair "
                f"--archive {self.path}` (this part's tweets are then missing until their files are "
                "ingested again)")
        return self.root / rel

    def part_problem(self, rel: str) -> str | None:
        """What is wrong with the live part ``rel`` as far as a look at it tells, or None. Raises
        when a symbolic link is on the way."""
        st = check_real(self.root, rel)
        if st is None:
            return "is missing (deleted or moved by hand?)"
        if not stat.S_ISREG(st.st_mode):
            return "is not a regular file"
        if not _ends_as_parquet(self.root / rel, st.st_size):
            return f"is not a complete Parquet file ({st.st_size:,} bytes, no end marker)"
        return None

    def connect(self, *, threads: int | None = None, memory_limit: str | None = None,
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
        slower instead of failing (see :func:`_config`).

        The connection also has the macro ``kwo_handle(h)``: a handle as stored, made lowercase
        where the archive predates lowercase handles (``Manifest.lowercase_handles``).

        ``largest_part_first`` lists the part with the most rows first in the view (the others in
        manifest order): DuckDB estimates the rows of a scan over several Parquet files as the
        first file's rows times the number of files, so a small first month (KWO16 starts with a
        55-row December) makes it guess 770 rows for 2.6M, and joins then build their hash tables
        on the archive instead of on the small side (the report's parent lookup). Only the order
        of the rows changes, which the report's queries do not depend on.
        """
        manifest = manifest or self.read_manifest()
        parts = self.part_paths(manifest)
        config = _config(threads, memory_limit)
        if scratch:
            con = scratch_database(config)
        else:
            con = duckdb.connect(":memory:", config=config)
        if largest_part_first and parts:
            biggest = max(range(len(parts)), key=lambda i: manifest.parts[i].get("rows", 0))
            parts.insert(0, parts.pop(biggest))
        # kwo_handle(h): a stored handle in the roster's form (lowercase). A plain alias where the
        # archive stores handles lowercase, which spares the report a lower() per mention.
        con.execute("CREATE OR REPLACE TEMP MACRO kwo_handle(h) AS "
                    + ("h" if manifest.lowercase_handles else "lower(h)"))
        if parts:
            try:
                con.read_parquet(parts, hive_partitioning=False).create_view("tweets")
            except duckdb.Error as exc:
                con.close()
                raise ArchiveError(f"{self.path}: cannot read its parts: {shown(str(exc).splitlines()[0])}") from None
        else:
            # register() keeps a reference to the Arrow table for the connection's lifetime (a
            # view of the session: a scratch database file cannot store one over a Python object).
            from .schema import TWEET_SCHEMA  # pyarrow: imported only here, not on every report

            con.register("tweets", TWEET_SCHEMA.empty_table())
        return con


def damaged_archive(path: str | os.PathLike) -> ArchiveError:
    return ArchiveError(
        f"{path}: damaged archive: it holds parts in {TWEETS_DIR}/ but no {MANIFEST} (the list of what "
        f"is live); nothing was changed. `kwo repair --archive {path}` rebuilds the manifest from the "
        "parts, verifying each")


def holds_data(root: Path) -> bool:
    """Whether ``root`` holds files in the places of kwo's parts or quarantine files."""
    for folder, wanted in ((TWEETS_DIR, None), (QUARANTINE_DIR, is_quarantine_path)):
        if check_real(root, folder) is None:
            continue
        for dirpath, _, filenames in os.walk(root / folder):
            rel_dir = Path(dirpath).relative_to(root).as_posix()
            for name in filenames:
                rel = f"{rel_dir}/{name}"
                if (wanted or _part_like)(rel):
                    return True
    return False


def _part_like(rel: str) -> bool:
    return part_month(rel.removesuffix(".tmp")) is not None


def _ends_as_parquet(path: Path, size: int) -> bool:
    """Whether the file ends with Parquet's footer marker (a truncated copy does not)."""
    if size < 12:  # "PAR1", a footer length, "PAR1"
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return os.pread(fd, 4, size - 4) == b"PAR1"
    finally:
        os.close(fd)


#: The default cap on DuckDB's memory (its buffer pool: temp tables, hash tables, sorts). With
#: Python, Arrow and allocations outside the pool the process stays under 2 GB of RSS; what does
#: not fit spills to the temp directory.
DEFAULT_MEMORY_LIMIT_MB = 1024
#: The bounds of $KWO_MEMORY_LIMIT. Below 32 MB DuckDB runs out of memory on the report's first
#: tables even for a few thousand tweets; above 1024 TB its own parser gives up.
MIN_MEMORY_LIMIT_MB = 32
MAX_MEMORY_LIMIT_MB = 1 << 30
#: The share of physical memory used when that is less than the default cap (small machines).
MEMORY_SHARE = 0.4
#: Memory each DuckDB thread should have at least: more threads than limit/this only add
#: per-thread buffers (and spilling), not speed.
MB_PER_THREAD = 128


def memory_limit() -> str:
    """DuckDB's memory_limit for archive connections: $KWO_MEMORY_LIMIT (``4GB``, ``800MB``) or the
    smaller of :data:`DEFAULT_MEMORY_LIMIT_MB` and :data:`MEMORY_SHARE` of physical memory."""
    env = os.environ.get("KWO_MEMORY_LIMIT", "").strip()
    if env:
        size = _size_mb(env)
        if size is None or not MIN_MEMORY_LIMIT_MB <= size <= MAX_MEMORY_LIMIT_MB:
            raise UsageError(f"KWO_MEMORY_LIMIT={shown(env)!r}: expected a size from {MIN_MEMORY_LIMIT_MB}MB "
                             f"to {MAX_MEMORY_LIMIT_MB >> 20}TB, such as 800MB or 4GB")
        return env
    limit_mb = DEFAULT_MEMORY_LIMIT_MB
    try:
        physical_mb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // (1 << 20)
        limit_mb = min(limit_mb, max(256, int(physical_mb * MEMORY_SHARE)))
    except (ValueError, OSError, AttributeError):  # no sysconf (Windows) or no such name
        pass
    return f"{limit_mb}MB"


_SIZE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT])I?B", re.IGNORECASE)
_SIZE_UNIT_MB = {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1 << 20}


def _size_mb(text: str) -> int | None:
    """``800MB``, ``4 GiB`` -> megabytes (1000 and 1024 taken alike: only a thread count uses it)."""
    m = _SIZE_RE.fullmatch(text.strip())
    return int(float(m.group(1)) * _SIZE_UNIT_MB[m.group(2).upper()]) if m else None


def _threads_for(limit: str) -> int:
    """The CPUs, but no more threads than the memory limit gives :data:`MB_PER_THREAD` each."""
    cpus = os.cpu_count() or 1
    limit_mb = _size_mb(limit)
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


def wants_scratch(rows: int, limit: str | None = None) -> bool:
    """Whether a report over ``rows`` archive rows should keep its tables in a scratch database
    file (:func:`scratch_database`) rather than in memory: when they may not fit in the memory
    limit. In memory is faster (KWO16, 2.6M rows: ~20% less CPU); the file is what completes on
    100M tweets. $KWO_SCRATCH=1 or 0 decides instead."""
    env = os.environ.get("KWO_SCRATCH", "").strip()
    if env in ("0", "1"):
        return env == "1"
    limit_mb = _size_mb(limit or memory_limit())
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


def _config(threads: int | None, limit: str | None) -> dict:
    limit = limit or memory_limit()
    return {
        "memory_limit": limit,
        "threads": threads or _threads_for(limit),
        "temp_directory": spill_directory(),
    }


def connect(archive: str | os.PathLike, **kwargs) -> duckdb.DuckDBPyConnection:
    """Shorthand: ``kwo.connect("arch").sql("SELECT count(*) FROM tweets")``."""
    return Archive(archive).connect(**kwargs)
