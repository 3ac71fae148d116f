"""Ingest: dump files -> deduplicated, month-partitioned Parquet, atomically, nothing lost.

One run is one transaction:

1. *Stage*: every input is streamed through its reader into a staging Parquet file under
   ``ARCHIVE/.staging/<run>/``; the reader accounts for every record (tweet, notice, quarantine).
2. *Commit*: DuckDB picks one row per tweet id over the staged rows and the archive (a collected
   copy beats a context copy, a complete copy a truncated one; otherwise the copy already in the
   archive, then the first one staged, wins), writes the new rows as new month parts and
   rewrites the few parts whose rows were replaced (context rows by collected copies, truncated
   copies by complete ones).
3. *Publish*: a new ``manifest.json`` naming the new parts is renamed into place, if the
   manifest is still the one the run started from (kwo.archive_lock.publish). Until that rename
   nothing is visible; after it everything is. The parts this run replaced are *retired*: kept
   for readers of the previous manifest, removed by the next run.

Any error before the publish step leaves the archive exactly as it was; the run removes what it
created. A run that is killed leaves its staging folder, whose journal (kwo.leftovers) tells the
next run which files were its own; files kwo has no record of are never removed.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import queue
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .archive import Archive, Manifest, damaged_archive, holds_data
from .archive.layout import (
    LOCK_FILE,
    MANIFEST,
    QUARANTINE_DIR,
    STAGING_DIR,
    TWEETS_DIR,
    check_real,
    duckdb_path,
    fsync_dir,
    real_dir,
)
from .archive.leftovers import RunJournal, plan_sweep
from .archive.lock import WriterLock, publish
from .errors import ArchiveError, InputError, KwoError
from .formats import FORMATS, formats_help
from .inputs import file_sha256
from .schema import TWEET_SCHEMA
from .staging import (
    Outcome,
    Task,
    as_tweet_batch,
    init_worker,
    is_plain_jsonl,
    split_lines,
    stage,
    write_staged,
)
from .zip_inputs import Member, expand_inputs, member_sha256

# Row groups of this size keep two DuckDB threads busy per month file and let min/max statistics
# on tweet_id prune most row groups when a reply looks up its parent.
ROW_GROUP_ROWS = 131_072
# The archive columns whose values repeat (accounts, handles, languages, clients, files, retweeted
# tweets): dictionary-encoded. Tweet ids, times, texts and replied-to tweets are nearly unique.
DICTIONARY_COLUMNS = [
    "author_id", "author_handle", "in_reply_to_user_id", "in_reply_to_handle", "conversation_id",
    "retweet_of_id", "quote_of_id", "mentions.list.element.user_id", "mentions.list.element.handle",
    "lang", "source", "source_file",
]
COMMIT_MEMORY_LIMIT = "512MB"  # DuckDB spills to disk beyond this: ingest RSS stays flat

# A plain JSON-lines file at least this big is parsed by several processes, in ranges of at
# least RANGE_MIN_BYTES; below it, starting workers costs more than it saves.
PARALLEL_MIN_BYTES = 32 << 20
RANGE_MIN_BYTES = 8 << 20


def default_workers() -> int:
    """The CPUs this process may run on (the CLI's default; KWO_WORKERS is read there)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


@dataclass
class FileResult:
    """The accounting of one input: records_read = tweets_written + duplicates + notices + quarantined."""

    path: str
    format: str
    size: int | None = None
    sha256: str = ""
    records_read: int = 0
    tweets_written: int = 0
    context_written: int = 0
    duplicates: int = 0
    notices: int = 0
    quarantined: int = 0
    skipped: bool = False  # already ingested (same sha256): nothing read, counts as duplicates
    decompressed: int | None = None  # bytes after decompression, for a compressed input (not kept)

    def to_manifest(self) -> dict:
        entry = asdict(self)
        entry.pop("skipped")
        entry.pop("decompressed")
        entry["ingested_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return entry


@dataclass
class IngestResult:
    per_file: list[FileResult] = field(default_factory=list)
    archive: str = ""
    quarantine_file: str | None = None
    # Files in the archive's folders that kwo did not write (a README, a copied Parquet file):
    # never removed, reported in the summary.
    left_alone: list[str] = field(default_factory=list)

    @property
    def files(self) -> int:
        return len(self.per_file)

    def _sum(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.per_file)

    records_read = property(lambda self: self._sum("records_read"))
    tweets_written = property(lambda self: self._sum("tweets_written"))
    context_written = property(lambda self: self._sum("context_written"))
    duplicates = property(lambda self: self._sum("duplicates"))
    notices = property(lambda self: self._sum("notices"))
    quarantined = property(lambda self: self._sum("quarantined"))

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "records_read": self.records_read,
            "tweets_written": self.tweets_written,
            "context_written": self.context_written,
            "duplicates": self.duplicates,
            "notices": self.notices,
            "quarantined": self.quarantined,
            "per_file": [asdict(f) for f in self.per_file],
            "quarantine_file": self.quarantine_file,
            "left_alone": self.left_alone,
        }


class _NoProgress:
    def start_file(self, path: str, total_bytes: int | None) -> None: ...
    def advance(self, nbytes: int) -> None: ...
    def end_file(self) -> None: ...


# ---------------------------------------------------------------------------------------------
# Public API


def ingest(
    inputs: Sequence[str],
    archive: str | os.PathLike,
    *,
    fmt: str = "auto",
    strict: bool = False,
    account: str | None = None,
    progress=None,
    batch_rows: int | None = None,
    workers: int | None = None,
    wait: float = 0.0,
    on_wait=None,
) -> IngestResult:
    """Ingest dump files (or ``-`` for stdin) into ``archive``; see the module docstring.

    ``workers`` processes parse in parallel (default: the number of CPUs).
    When another ingest is writing to the archive, wait up to ``wait`` seconds for it to finish
    (``on_wait(wait)`` is called once when waiting starts), then raise :class:`ArchiveError`.
    """
    if fmt != "auto" and fmt not in FORMATS:
        raise KwoError(f"unknown format {fmt!r}; kwo reads: {formats_help()}")
    progress = progress or _NoProgress()
    _check_inputs(inputs)
    entries = expand_inputs(list(inputs))  # a zip's members are inputs of their own
    workers = workers or default_workers()
    with _writing(archive), _Writer(archive, wait=wait, on_wait=on_wait) as w:
        w.stage_inputs(entries, fmt=fmt, strict=strict, account=account, progress=progress,
                       batch_rows=batch_rows, workers=workers)
        return w.commit(threads=workers)


def ingest_batches(
    batches: Iterable[pa.RecordBatch | pa.Table],
    archive: str | os.PathLike,
    *,
    source: str = "batches",
) -> IngestResult:
    """Ingest rows already in :data:`kwo.schema.TWEET_SCHEMA` (e.g. built with RowBuilder).

    Every collected row counts as one record; this is how tests build hand-made archives.
    """
    with _writing(archive), _Writer(archive) as w:
        w.stage_batches(0, source, batches)
        return w.commit()


@contextmanager
def _writing(archive: str | os.PathLike):
    """A disk that is full, a quota, a directory that is not writable: a clear error, not a
    traceback (the inputs' own read errors are InputErrors already)."""
    try:
        yield
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise ArchiveError(f"{archive}: cannot write the archive: {exc.strerror or 'write failed'}{where}; "
                           "it is as the last complete ingest left it") from None
    except duckdb.Error:
        raise ArchiveError(f"{archive}: cannot write the archive: the merge could not write its files (is the "
                           "disk full, or the folder not writable?); it is as the last complete ingest left it") from None


def _check_inputs(inputs: Sequence[str]) -> None:
    if not inputs:
        raise KwoError("no input files given")
    if list(inputs).count("-") > 1:
        raise KwoError("standard input (-) can be read only once")
    for path in inputs:
        if path != "-" and not os.path.exists(path):
            raise InputError(path, "no such file")


# ---------------------------------------------------------------------------------------------
# The transaction


class _Writer:
    def __init__(self, archive: str | os.PathLike, *, wait: float = 0.0, on_wait=None):
        self.archive = Archive(archive, must_exist=False)
        self.wait = wait
        self.on_wait = on_wait
        self.root = self.archive.root  # absolute: no file name is ever read as "~" or relative to a later cwd
        self.run_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:8]
        self.results: list[FileResult] = []
        self.staged: list[str] = []
        # (spill file of a task, line ends before its byte range): quarantine entries on disk
        self.quarantine: list[tuple[str, int]] = []
        self.left_alone: list[str] = []  # files in the archive's folders that kwo did not write
        self._lock: WriterLock | None = None
        self._journal: RunJournal | None = None
        self._published = False
        self._con: duckdb.DuckDBPyConnection | None = None

    # -- context management: lock, clean leftovers, remove staging whatever happens
    def __enter__(self) -> _Writer:
        self._prepare_root()
        self._lock = WriterLock(self.root, wait=self.wait, on_wait=self.on_wait)
        try:
            self._journal = RunJournal(self.root, self.run_id)
            self.staging = self._journal.dir
            manifest, self._started_from = self.archive.read_snapshot()
            sweep = plan_sweep(self.root, manifest, own_run=self.run_id)
            try:
                if manifest is None and sweep.data:
                    raise damaged_archive(self.archive.path)
                self.manifest = manifest or Manifest()
                self.archive.part_paths(self.manifest)  # every live part there and whole, or a clear error
            except BaseException:
                sweep.close()
                raise
            sweep.execute()
            self.left_alone = sweep.foreign
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._journal is not None:
            if not self._published:  # what this run created is nobody's: remove it
                self._journal.discard(self._live_now())
            self._journal.close()
            self._journal = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _live_now(self) -> set[str]:
        try:
            manifest, _ = self.archive.read_snapshot()
        except KwoError:
            manifest = None
        return manifest.live_paths() if manifest is not None else set()

    def _prepare_root(self) -> None:
        root = self.root
        if os.path.lexists(root) and not root.is_dir():
            raise ArchiveError(f"{self.archive.path}: exists and is not a directory")
        if root.is_dir() and check_real(root, MANIFEST, kind="file") is None:
            ours = {TWEETS_DIR, QUARANTINE_DIR, STAGING_DIR, LOCK_FILE}
            foreign = [p.name for p in root.iterdir() if p.name not in ours and not p.name.startswith(f".{MANIFEST}")]
            if foreign:
                if holds_data(root):
                    raise damaged_archive(self.archive.path)
                raise ArchiveError(
                    f"{self.archive.path}: directory is not empty and is not a kwo archive; "
                    "choose a new or empty directory for --archive"
                )
        root.mkdir(parents=True, exist_ok=True)

    # -- staging
    def _known(self, sha256: str, fmt: str) -> dict | None:
        for entry in self.manifest.files:
            # An explicit --format reads the file anew when it was read as another format before:
            # that is how the v2 lines of a mixed file, quarantined by the v1 reader, get in.
            if entry.get("sha256") == sha256 and fmt in ("auto", entry.get("format")):
                return entry
        return None

    def _already_ingested(self, entry: str | Member, fmt: str) -> dict | None:
        """The manifest entry of an identical file (or zip member), hashing only when a size matches."""
        if entry == "-":
            return None
        size = entry.size if isinstance(entry, Member) else os.path.getsize(entry)
        if not any(e.get("size") == size for e in self.manifest.files):
            return None
        return self._known(member_sha256(entry) if isinstance(entry, Member) else file_sha256(entry), fmt)

    def stage_inputs(self, inputs: Sequence[str | Member], *, fmt: str, strict: bool, account: str | None,
                     progress, batch_rows: int | None, workers: int) -> None:
        """Plan one task per input (or per byte range of a large plain JSON-lines file) and run them.
        An input is a path, ``-``, or a member of a zip (kwo.zip_inputs), named ``PATH!member``."""
        results: list[FileResult | None] = [None] * len(inputs)
        tasks: list[Task] = []
        ranged: dict[int, str] = {}  # input index -> path, of the inputs cut into byte ranges
        todo: list[int] = []
        names = [e.display if isinstance(e, Member) else e for e in inputs]
        for index, entry in enumerate(inputs):
            known = self._already_ingested(entry, fmt)
            if known is not None:
                results[index] = _skipped_result(names[index], known)
            else:
                todo.append(index)
        for index in todo:
            path = names[index]
            member = inputs[index] if isinstance(inputs[index], Member) else None
            common = dict(index=index, path=path, fmt=fmt, strict=strict, account=account, batch_rows=batch_rows,
                          member=member)
            size = None if path == "-" or member is not None else os.path.getsize(path)
            name = None
            if workers > 1 and size is not None and size >= PARALLEL_MIN_BYTES:
                name = is_plain_jsonl(path)
                if fmt != "auto" and name != fmt:
                    name = None
            if name:
                ranges = split_lines(path, size, max(2, min(workers * 4, size // RANGE_MIN_BYTES)))
                ranged[index] = path
                for part, (start, end) in enumerate(ranges):
                    tasks.append(Task(**{**common, "fmt": name}, part=part, start=start, end=end,
                                      target=str(self.staging / f"{index:06d}-{part:03d}.parquet")))
            else:
                tasks.append(Task(**common, target=str(self.staging / f"{index:06d}-000.parquet")))
        big = sum(t.end - t.start for t in tasks if t.start is not None) + sum(
            _task_bytes(t) for t in tasks if t.start is None and t.path != "-")
        if workers > 1 and len(tasks) > 1 and big >= PARALLEL_MIN_BYTES and all(t.path != "-" for t in tasks):
            outcomes, hashes = self._run_pool(tasks, ranged, workers, progress)
        else:
            outcomes, hashes = self._run_inline(tasks, progress), {}
        by_input: dict[int, list[Outcome]] = {}
        for o in outcomes:
            by_input.setdefault(o.task.index, []).append(o)
        for index in sorted(by_input):
            results[index] = self._combine(names[index], by_input[index], hashes.get(index))
        self.results.extend(r for r in results if r is not None)

    def connection(self, threads: int | None) -> duckdb.DuckDBPyConnection:
        """The merge's DuckDB: in memory, spilling to the staging folder beyond COMMIT_MEMORY_LIMIT."""
        if self._con is None:
            self._con = duckdb.connect(":memory:", config={
                "threads": threads or default_workers(),
                "memory_limit": COMMIT_MEMORY_LIMIT,
                "temp_directory": str(self.staging / "spill"),
            })
        return self._con

    def _run_inline(self, tasks: list[Task], progress) -> list[Outcome]:
        outcomes = []
        for task in tasks:
            progress.start_file(task.path, None if task.path == "-" else _task_bytes(task))
            try:
                outcomes.append(stage(task, on_bytes=progress.advance))
            finally:
                progress.end_file()
        return outcomes

    def _run_pool(self, tasks: list[Task], ranged: dict[int, str], workers: int, progress):
        """Workers parse (and count the lines of their byte ranges); meanwhile this process
        hashes the ranged files."""
        total = sum((t.end - t.start) if t.start is not None else _task_bytes(t) for t in tasks)
        label = tasks[0].path if len({t.path for t in tasks}) == 1 else f"{len({t.path for t in tasks})} files"
        progress.start_file(label, total)
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_worker, initargs=(os.getpid(),))
        try:
            futures = [pool.submit(stage, t) for t in tasks]
            hashes = {}
            for index, path in ranged.items():
                hashes[index] = file_sha256(path)
            outcomes = []
            for fut in as_completed(futures):
                o = fut.result()
                t = o.task
                progress.advance((t.end - t.start) if t.start is not None else (o.size or 0))
                outcomes.append(o)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            progress.end_file()
        pool.shutdown(wait=True)
        return outcomes, hashes

    def _combine(self, path: str, outs: list[Outcome], hashed: str | None) -> FileResult:
        outs.sort(key=lambda o: o.task.part)
        result = FileResult(path=path, format=outs[0].format)
        if outs[0].task.start is not None:  # byte ranges, which start and end at line ends
            result.sha256, result.size = hashed or file_sha256(path), os.path.getsize(path)
            # the lines of a range are numbered from its start: after the line ends of the ranges before it
            before = list(itertools.accumulate((o.line_ends for o in outs[:-1]), initial=0))
        else:
            result.sha256, result.size, before = outs[0].sha256 or "", outs[0].size, [0]
            result.decompressed = outs[0].decompressed
        for o, offset in zip(outs, before, strict=True):
            result.notices += o.notices
            result.quarantined += o.quarantined
            if o.quarantine_path:
                self.quarantine.append((o.quarantine_path, offset))
            if o.rows:
                self.staged.append(o.task.target)
        return result

    def stage_batches(self, index: int, source: str, batches: Iterable[pa.RecordBatch | pa.Table]) -> None:
        task = Task(index=index, path=source, target=str(self.staging / f"{index:06d}-000.parquet"))
        rows = write_staged(task, (_lowercase_handles(b) for x in batches for b in _as_batches(x)))
        if rows:
            self.staged.append(task.target)
        self.results.append(FileResult(path=source, format="arrow", sha256="arrow:" + uuid.uuid4().hex))

    # -- commit and publish
    def commit(self, threads: int | None = None) -> IngestResult:
        new_parts: list[dict] = []
        replaced_parts: dict[str, dict] = {}
        if self.staged:
            new_parts, replaced_parts = self._merge(threads)
        for r in self.results:
            if not r.skipped:
                r.records_read = r.tweets_written + r.duplicates + r.notices + r.quarantined
        quarantine_file = self._write_quarantine()
        manifest = Manifest(files=list(self.manifest.files), parts=list(self.manifest.parts),
                            generation=self.manifest.generation + 1, quarantine=list(self.manifest.quarantine),
                            repaired=self.manifest.repaired)
        for r in self.results:
            if not r.skipped:
                entry = r.to_manifest()
                if quarantine_file and r.quarantined:
                    entry["quarantine_file"] = quarantine_file
                manifest.files.append(entry)
        manifest.parts = [replaced_parts.get(p["path"], p) for p in manifest.parts]
        # The replaced parts stay: a report that read the previous manifest may still be reading
        # them. The next ingest removes them (and a rewritten part left empty), under the lock.
        manifest.retired = list(replaced_parts) + [p["path"] for p in manifest.parts if p["rows"] == 0]
        manifest.parts = [p for p in manifest.parts if p["rows"] > 0] + new_parts
        publish(self.root, manifest, started_from=self._started_from, tmp_dir=self.staging,
                before_rename=self._journal.mark_publish)
        self._published = True
        return IngestResult(per_file=self.results, archive=str(self.archive.path), quarantine_file=quarantine_file,
                            left_alone=self.left_alone)

    def _write_quarantine(self) -> str | None:
        if not self.quarantine:
            return None
        qdir = real_dir(self.root, QUARANTINE_DIR)
        rel = f"{QUARANTINE_DIR}/{self.run_id}.jsonl"
        tmp = qdir / f".{self.run_id}.tmp"
        self._journal.record(rel, f"{QUARANTINE_DIR}/{tmp.name}")
        with open(tmp, "w", encoding="utf-8", errors="backslashreplace") as f:
            for spilled, offset in self.quarantine:
                with open(spilled, encoding="utf-8") as entries:
                    for text in entries:
                        entry = json.loads(text)
                        if entry["line"] is not None:
                            entry["line"] += offset  # a byte range's lines counted from its start
                        entry["run"] = self.run_id
                        f.write(json.dumps(entry, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.root / rel)
        return rel

    def _merge(self, threads: int | None) -> tuple[list[dict], dict[str, dict]]:
        con = self.connection(threads)
        con.execute("SET preserve_insertion_order = false")
        try:
            con.read_parquet([duckdb_path(p) for p in self.staged]).create_view("staged")
            existing = self.archive.part_paths(self.manifest)
            if existing:
                con.read_parquet(existing, filename=True).create_view("archive_rows")
            else:
                con.register("archive_rows", TWEET_SCHEMA.append(pa.field("filename", pa.string())).empty_table())
            con.execute(COMPLETE_COPY_SQL)
            con.execute(_BEST_SQL)
            files = [r[0] for r in con.execute(_UPGRADE_FILES_SQL).fetchall()]
            if files:
                con.read_parquet(files, filename=True).create_view("upgrade_candidates")
            else:
                con.register("upgrade_candidates", TWEET_SCHEMA.append(pa.field("filename", pa.string())).empty_table())
            con.execute(_UPGRADED_SQL)
            con.execute(_MERGE_SQL)
            self._account(con)
            replaced_parts = self._rewrite_replaced(con)
            new_parts = self._write_new(con, threads or default_workers())
        finally:
            con.close()
            self._con = None
        return new_parts, replaced_parts

    def _account(self, con: duckdb.DuckDBPyConnection) -> None:
        counts = con.execute(
            """
            SELECT _seq >> 40 AS idx,  -- staging.FILE_SHIFT
                   count(*) FILTER (WHERE collected AND written) AS tweets_written,
                   count(*) FILTER (WHERE collected AND NOT written) AS duplicates,
                   count(*) FILTER (WHERE NOT collected AND written) AS context_written
            FROM staged_outcome GROUP BY ALL
            """
        ).fetchall()
        by_index = {idx: (t, d, c) for idx, t, d, c in counts}
        # One result per input, in input order, so a result's position is its _seq file index.
        for idx, result in enumerate(self.results):
            if result.skipped:
                continue
            result.tweets_written, result.duplicates, result.context_written = by_index.get(idx, (0, 0, 0))

    def _rewrite_replaced(self, con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
        """Rewrite parts holding context rows that collected copies now replace."""
        files = [r[0] for r in con.execute("SELECT DISTINCT filename FROM replaced ORDER BY 1").fetchall()]
        out: dict[str, dict] = {}
        for filename in files:
            rel_old = Path(filename).resolve().relative_to(self.root.resolve()).as_posix()
            rows = con.sql(
                "SELECT * EXCLUDE (filename) FROM archive_rows WHERE filename = $f "
                "AND tweet_id NOT IN (SELECT tweet_id FROM replaced WHERE filename = $f) ORDER BY tweet_id",
                params={"f": filename},
            ).to_arrow_table()
            month = Path(rel_old).parent.name.removeprefix("month=")
            rel_new = f"{TWEETS_DIR}/month={month}/part-{self.run_id}-r{len(out):04d}.parquet"
            self._publishable_write(rel_new, [rows], replaces=rel_old)
            out[rel_old] = {"path": rel_new, "month": month, "rows": rows.num_rows}
        return out

    def _write_new(self, con: duckdb.DuckDBPyConnection, threads: int) -> list[dict]:
        """One new part per month of ``new_rows``, in row groups of ROW_GROUP_ROWS rows (the last
        of a part may be smaller): DuckDB's batches straddle months and are not row-group sized,
        so each month's rows are buffered up to a row group before they are written.

        This thread fetches and cuts the rows; ``threads`` writer threads encode and compress the
        row groups (pyarrow releases the GIL meanwhile), one month's part per thread at a time,
        so while one month is being written the next is fetched and written alongside.
        """
        reader = con.sql("SELECT * FROM new_rows").to_arrow_reader(ROW_GROUP_ROWS)
        parts: list[dict] = []
        with _PartWriters(threads) as writers:
            part: _MonthPart | None = None
            for batch in reader:
                months = batch.column(batch.num_columns - 1)
                data = pa.RecordBatch.from_arrays(batch.columns[:-1], schema=TWEET_SCHEMA)
                # A batch may straddle months: split it where the month changes.
                for month, piece in _split_by_month(data, months):
                    if part is None or month != part.month:
                        if part is not None:
                            writers.finish(part)
                        rel = f"{TWEETS_DIR}/month={month}/part-{self.run_id}.parquet"
                        self._journal.record(rel, rel + ".tmp")
                        part = _MonthPart(self.root, month, rel, self._part_metadata())
                        parts.append(part.entry)
                        writers.start(part)
                    for group in part.add(piece):
                        writers.put(part, group)
            if part is not None:
                writers.finish(part)
        for d in {Path(p["path"]).parent for p in parts}:
            fsync_dir(self.root / d)
        return parts

    def _part_metadata(self, **extra: str) -> dict[str, str]:
        """What a part says about itself (kwo repair reads it when the manifest is lost): the
        run that wrote it, the generation its manifest has, the part it replaces if any."""
        return {"kwo.run": self.run_id, "kwo.generation": str(self.manifest.generation + 1),
                **{f"kwo.{k}": v for k, v in extra.items()}}

    def _publishable_write(self, rel: str, tables: list[pa.Table], *, replaces: str) -> None:
        self._journal.record(rel, rel + ".tmp")
        target = real_dir(self.root, os.path.dirname(rel)) / os.path.basename(rel)
        tmp = self.root / (rel + ".tmp")
        writer = parquet_writer(tmp)
        for t in tables:
            writer.write_table(t.cast(TWEET_SCHEMA), row_group_size=ROW_GROUP_ROWS)
        writer.add_key_value_metadata(self._part_metadata(replaces=replaces))
        writer.close()
        fsync_file(tmp)
        os.replace(tmp, target)


# The dedup rule in one place, on narrow keys (full rows are read once, when written). Among the
# copies of an id: collected beats context; then the copy already in the archive, then the first
# staged (lowest _seq) -- unless another collected copy completes it. A complete staged copy of a
# tweet stored truncated *upgrades* it: its row replaces the archive's, and it counts as a
# duplicate, as any copy of a tweet already stored does, so the counts are the same in any order
# of ingests, and so is the archive.
#
# A truncated copy is what API v1.1 in compatibility mode gives for a tweet longer than 140
# characters (truncated=true, no extended_tweet; python-twitter's extended_tweet_in_compat_mode):
# the first characters, "…" and a t.co link to the tweet, and entities that lack the mentions
# beyond them. The archive keeps no truncated flag, so the texts tell: a copy completes another
# when its text is longer and starts with what the other has before its final "…" (+ link). A
# retweet's "RT @x: …" and a withheld tweet's placeholder text complete nothing.
COMPLETE_COPY_SQL = """
CREATE OR REPLACE TEMP MACRO kwo_cut(t) AS
    CASE WHEN contains(t, '…')
         THEN nullif(regexp_extract(t, '(?s)^(.*)…(?: https://t\\.co/[0-9A-Za-z]+)?$', 1), '') END;
CREATE OR REPLACE TEMP MACRO kwo_completes(t, other) AS
    coalesce(starts_with(t, kwo_cut(other)) AND length(t) > length(other), false);
"""

_BEST_SQL = """
CREATE TEMP TABLE best AS
    SELECT tweet_id,
           coalesce(min(_seq) FILTER (WHERE collected), min(_seq)) AS _seq,
           bool_or(collected) AS collected,
           count(*) FILTER (WHERE collected) > 1 AS may_complete
    FROM staged GROUP BY tweet_id;

-- Only a tweet with two collected copies can have a truncated first copy and a complete one:
-- their texts are compared (reading the texts in the step above made it twice as slow). The
-- longest completion wins, then the first read.
CREATE TEMP TABLE truncated_first AS
    SELECT s.tweet_id, s.text FROM staged s JOIN best b ON b._seq = s._seq
    WHERE b.may_complete AND kwo_cut(s.text) IS NOT NULL;

UPDATE best SET _seq = r.k.s
FROM (SELECT s.tweet_id, min({'l': -length(s.text), 's': s._seq}) AS k
      FROM staged s JOIN truncated_first f ON f.tweet_id = s.tweet_id
      WHERE s.collected AND kwo_completes(s.text, f.text)
      GROUP BY s.tweet_id) r
WHERE best.tweet_id = r.tweet_id;

CREATE TEMP TABLE existing AS
    SELECT a.tweet_id, a.collected, a.filename
    FROM archive_rows a SEMI JOIN best b ON a.tweet_id = b.tweet_id;
"""

# The archive parts that hold collected copies of collected staged tweets: only their texts are
# read (upgrade_candidates is a view over just those parts).
_UPGRADE_FILES_SQL = """
SELECT DISTINCT e.filename FROM existing e JOIN best b ON b.tweet_id = e.tweet_id
WHERE e.collected AND b.collected ORDER BY 1
"""

_UPGRADED_SQL = """
CREATE TEMP TABLE upgraded AS
    SELECT a.tweet_id, a.filename
    FROM upgrade_candidates a JOIN best b ON b.tweet_id = a.tweet_id JOIN staged s ON s._seq = b._seq
    WHERE a.collected AND b.collected AND kwo_cut(a.text) IS NOT NULL AND kwo_completes(s.text, a.text);
"""

_MERGE_SQL = """
-- the staged copies to write: ids new to the archive, collected copies of context rows, and
-- complete copies of tweets stored truncated (upgrade)
CREATE TEMP TABLE winners AS
    SELECT b._seq, b.tweet_id, u.tweet_id IS NOT NULL AS upgrade
    FROM best b LEFT JOIN existing e ON e.tweet_id = b.tweet_id LEFT JOIN upgraded u ON u.tweet_id = b.tweet_id
    WHERE e.tweet_id IS NULL OR (b.collected AND NOT e.collected) OR u.tweet_id IS NOT NULL;

CREATE TEMP TABLE replaced AS
    SELECT e.tweet_id, e.filename FROM existing e JOIN best b ON b.tweet_id = e.tweet_id
    WHERE b.collected AND NOT e.collected
    UNION ALL
    SELECT tweet_id, filename FROM upgraded;

-- an upgrade is written but is no new tweet: it counts as a duplicate
CREATE TEMP VIEW staged_outcome AS
    SELECT s._seq, s.collected, (w._seq IS NOT NULL AND NOT w.upgrade) AS written
    FROM staged s LEFT JOIN winners w ON w._seq = s._seq;

-- created_at order keeps each month contiguous and row groups in time order (period filters
-- skip them by their statistics)
CREATE TEMP VIEW new_rows AS
    SELECT s.* EXCLUDE (_seq), strftime(s.created_at AT TIME ZONE 'UTC', '%Y-%m') AS month
    FROM staged s SEMI JOIN winners w ON w._seq = s._seq
    ORDER BY s.created_at, s.tweet_id;
"""


class _MonthPart:
    """The new part of one month. The fetching thread adds its rows and cuts them into full row
    groups; a writer thread writes them to a tmp file that is fsynced and renamed into place
    when the month is complete."""

    def __init__(self, root: Path, month: str, rel: str, metadata: dict[str, str]):
        self.root = root
        self.rel = rel
        self.metadata = metadata
        self.month = month
        self.target = root / rel
        self.tmp = root / (rel + ".tmp")
        self.entry = {"path": rel, "month": month, "rows": 0}
        self.queue: queue.SimpleQueue[pa.Table | None] = queue.SimpleQueue()  # row groups; None ends the part
        self._pending: list[pa.RecordBatch] = []  # rows not yet in a row group, fewer than ROW_GROUP_ROWS
        self._pending_rows = 0
        self._writer: pq.ParquetWriter | None = None

    def add(self, piece: pa.RecordBatch) -> list[pa.Table]:
        """Take the month's next rows; returns the full row groups they complete."""
        self.entry["rows"] += piece.num_rows
        self._pending.append(piece)
        self._pending_rows += piece.num_rows
        groups = []
        while self._pending_rows >= ROW_GROUP_ROWS:
            table = pa.Table.from_batches(self._pending)
            groups.append(table.slice(0, ROW_GROUP_ROWS))
            rest = table.slice(ROW_GROUP_ROWS)
            self._pending, self._pending_rows = rest.to_batches(), rest.num_rows
        return groups

    def rest(self) -> pa.Table | None:
        """The last, partial row group (once every row is added)."""
        if not self._pending_rows:
            return None
        table = pa.Table.from_batches(self._pending)
        self._pending, self._pending_rows = [], 0
        return table

    def write(self, group: pa.Table) -> None:
        if self._writer is None:
            real_dir(self.root, os.path.dirname(self.rel))
            self._writer = parquet_writer(self.tmp)
        self._writer.write_table(group, row_group_size=ROW_GROUP_ROWS)

    def close(self) -> None:
        """Close the file (every row group written), fsync it and rename it into place."""
        if self._writer is not None:
            self._writer.add_key_value_metadata(self.metadata)
            self._writer.close()
            fsync_file(self.tmp)
            os.replace(self.tmp, self.target)


class _PartWriters:
    """Writer threads for month parts: a part's row groups are written in order by one thread;
    different months' parts are written at once. At most ``threads`` row groups are handed over
    and not yet written, so memory stays bounded whatever the number or size of months: the
    fetching thread waits for a writer when it is that far ahead (one more waiting group, as a
    queue, made no measurable difference in speed and cost 80 MB of peak RSS on KWO16).

    The first error of a writer is raised in the fetching thread (at its next hand-over or at the
    end); the other parts are then not completed (their tmp files are leftovers the next run
    removes, as after a crash).
    """

    def __init__(self, threads: int):
        self._pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="kwo-part")
        self._slots = threading.Semaphore(max(1, threads))
        self._futures: list[Future] = []
        self._open: _MonthPart | None = None
        self._failed = threading.Event()

    def __enter__(self) -> _PartWriters:
        return self

    def start(self, part: _MonthPart) -> None:
        self._open = part
        self._futures.append(self._pool.submit(self._run, part))

    def put(self, part: _MonthPart, group: pa.Table) -> None:
        self._slots.acquire()
        if self._failed.is_set():
            self._slots.release()
            self._raise()
        part.queue.put(group)

    def finish(self, part: _MonthPart) -> None:
        """Every row of the part is added: hand over its last row group and end it."""
        rest = part.rest()
        if rest is not None:
            self.put(part, rest)
        part.queue.put(None)
        self._open = None

    def _run(self, part: _MonthPart) -> None:
        ended = False
        try:
            while (group := part.queue.get()) is not None:
                try:
                    if not self._failed.is_set():
                        part.write(group)
                finally:
                    del group
                    self._slots.release()
            ended = True
            if not self._failed.is_set():
                part.close()
        except BaseException:
            self._failed.set()
            while not ended and part.queue.get() is not None:  # let the fetching thread go on
                self._slots.release()
            raise

    def _raise(self) -> None:
        for fut in self._futures:
            if fut.done() and fut.exception() is not None:
                raise fut.exception()
        raise ArchiveError("a part writer failed")  # not reached: a failed writer's future is done

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._open is not None:  # the fetching thread failed: end the open part's writer
            self._failed.set()
            self._open.queue.put(None)
        self._pool.shutdown(wait=True)
        if exc_type is None:
            for fut in self._futures:
                fut.result()  # the first writer error, if any


def _task_bytes(task: Task) -> int:
    """The bytes a whole-input task reads (what its progress counts): a zip member's own bytes."""
    return task.member.size if task.member is not None else os.path.getsize(task.path)


def _split_by_month(batch: pa.RecordBatch, months: pa.Array):
    """(month, slice) runs of a batch whose rows are in time order (months are contiguous).

    The run boundaries are found by Arrow, not by a Python loop over the rows.
    """
    n = len(months)
    if n == 0:
        return
    changes = pc.indices_nonzero(pc.not_equal(months.slice(1), months.slice(0, n - 1))).to_pylist()
    starts = [0, *(i + 1 for i in changes)]
    for start, end in zip(starts, [*starts[1:], n]):
        yield months[start].as_py(), batch.slice(start, end - start)


def _as_batches(x: pa.RecordBatch | pa.Table) -> list[pa.RecordBatch]:
    return x.to_batches() if isinstance(x, pa.Table) else [x]


def _lowercase_handles(batch: pa.RecordBatch) -> pa.RecordBatch:
    """A batch given to ingest_batches, in TWEET_SCHEMA, with its handles lowercase as the
    readers' RowBuilder writes them: every part stores handles lowercase (kwo_handle relies on it)."""
    batch = as_tweet_batch(batch)
    names = TWEET_SCHEMA.names
    cols = list(batch.columns)
    for name in ("author_handle", "in_reply_to_handle"):
        cols[names.index(name)] = pc.utf8_lower(cols[names.index(name)])
    i = names.index("mentions")
    lists = cols[i]
    values = pc.list_flatten(lists)  # the mentions of this batch's rows, a null mention kept as null
    values = pa.StructArray.from_arrays(
        [pc.struct_field(values, "user_id"), pc.utf8_lower(pc.struct_field(values, "handle"))],
        fields=list(TWEET_SCHEMA.field("mentions").type.value_type), mask=values.is_null())
    offsets = pc.subtract(lists.offsets, lists.offsets[0])  # a slice's offsets start where it starts
    cols[i] = pa.ListArray.from_arrays(offsets, values, type=lists.type, mask=lists.is_null())
    return pa.RecordBatch.from_arrays(cols, schema=TWEET_SCHEMA)


def parquet_writer(path: Path) -> pq.ParquetWriter:
    """A writer of one archive part (also used by ``kwo sample --format parquet``, so that its
    parts are written exactly as ingest writes them).

    LZ4 rather than zstd: every report decompresses the id, handle and mention columns of the
    whole archive, and LZ4 does that faster; on KWO16 the report took 1.83 s instead of 1.96 s
    (median of 6 interleaved runs) for parts 44% larger (179 instead of 124 MB for 2.6M tweets).

    Dictionaries only for the columns whose values repeat (:data:`DICTIONARY_COLUMNS`): a row
    group's 131,072 tweet ids or times just fit a dictionary page, so pyarrow hashed every one
    of them into a dictionary as large as the column. Rewriting the KWO16 parts took 2.2 s
    instead of 6.1 s, they are 6% smaller (168 MB), and the report's figures and time are the same.
    """
    return pq.ParquetWriter(
        path,
        TWEET_SCHEMA,
        compression="lz4",
        write_statistics=True,
        use_dictionary=DICTIONARY_COLUMNS,
    )


def fsync_file(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _skipped_result(path: str, known: dict) -> FileResult:
    """A file ingested before: its tweets are all duplicates now; notices and quarantine as then."""
    tweets = known.get("tweets_written", 0) + known.get("duplicates", 0)
    return FileResult(
        path=path,
        format=known.get("format", "?"),
        size=known.get("size"),
        sha256=known.get("sha256", ""),
        records_read=known.get("records_read", 0),
        duplicates=tweets,
        notices=known.get("notices", 0),
        quarantined=known.get("quarantined", 0),
        skipped=True,
    )
