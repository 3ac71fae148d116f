"""One ingest run as a transaction: lock, clean leftovers, stage, merge, publish, or leave nothing.

The archive's own code does the writing (kwo.archive: layout, lock, journal, parts, quarantine);
this module puts the steps in order and keeps the run's accounting.
"""

from __future__ import annotations

import itertools
import os
import time
import uuid
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

import duckdb
import pyarrow as pa

from ..archive import Archive, Manifest, damaged_archive, holds_data
from ..archive.layout import (
    LOCK_FILE,
    MANIFEST,
    QUARANTINE_DIR,
    STAGING_DIR,
    TWEETS_DIR,
    check_real,
    remove_new_archive,
)
from ..archive.leftovers import RunJournal, plan_sweep
from ..archive.lock import WriterLock, publish
from ..archive.quarantine import write_quarantine
from ..errors import ArchiveError, InputError, KwoError
from ..formats import get_format
from ..io import Member, file_sha256
from .batches import as_batches, lowercase_handles
from .merge import MergeTarget, merge
from .plan import plan
from .results import FileResult, IngestResult
from .staging import Outcome, Task, write_staged
from .tuning import DEFAULT_TUNING, IngestTuning, default_workers
from .workers import NoProgress, run_inline, run_pool


@contextmanager
def writing(archive: str | os.PathLike):
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


def _check_forced_format(path: str, fmt: str, outs: list[Outcome]) -> None:
    """A --format that quarantines every record of an input whose content looks like another
    format, or like no format at all, is the wrong format, not bad data: an error that names the
    likely format (or says there is none), and nothing is written. (Records of the forced format
    that are all broken are quarantined, as always.)"""
    quarantined = sum(o.quarantined for o in outs)
    likely = outs[0].detected
    if not quarantined or any(o.rows or o.notices for o in outs) or likely == fmt:
        return
    records = f"{quarantined:,} record{'s' if quarantined != 1 else ''}"
    if not likely:  # content of no format kwo knows: as `--format auto` would say, not a quarantine
        raise InputError(path, f"--format {fmt} could not read any of its {records} (all would be quarantined), "
                               "and its content looks like none of the formats kwo reads (kwo ingest --help "
                               "lists them). Nothing was ingested.")
    raise InputError(path, f"--format {fmt} could not read any of its {records} (all would be quarantined); it "
                           f"looks like {likely} ({get_format(likely).description}): use --format {likely}, or --format auto. "
                           "Nothing was ingested.")


class Transaction:
    """``with Transaction(archive) as t: t.stage_inputs(...); t.commit()``. Any error before the
    publish leaves the archive as it was; what the run created is removed on the way out."""

    def __init__(self, archive: str | os.PathLike, *, wait: float = 0.0, on_wait=None,
                 tuning: IngestTuning = DEFAULT_TUNING):
        self.archive = Archive(archive, must_exist=False)
        self.wait = wait
        self.on_wait = on_wait
        self.tuning = tuning
        self.root = self.archive.root  # absolute: no file name is ever read as "~" or relative to a later cwd
        self.run_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:8]
        self.results: list[FileResult] = []
        self.staged: list[str] = []
        # (spill file of a task, line ends before its byte range): quarantine entries on disk
        self.quarantine: list[tuple[str, int]] = []
        self.left_alone: list[str] = []  # files in the archive's folders that kwo did not write
        self.spark_staged = None  # with --engine spark: what Spark staged (kwo.ingest.spark_stage.SparkStaged)
        self.progress = NoProgress()
        self._lock: WriterLock | None = None
        self._journal: RunJournal | None = None
        self._published = False
        self._new_root = False  # the archive folder did not exist: a failed run removes it again

    # -- context management: lock, clean leftovers, remove staging whatever happens
    def __enter__(self) -> Transaction:
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
        if self._journal is not None:
            if not self._published:  # what this run created is nobody's: remove it
                self._journal.discard(self._live_now())
            self._journal.close()
            self._journal = None
        if self._new_root and not self._published and self._lock is not None:
            try:
                remove_new_archive(self.root)  # under the lock, so no other writer is in it
            except OSError:
                pass  # the run's own error is the one to tell
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
        self._new_root = not os.path.lexists(root)
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
    def stage_inputs(self, inputs: Sequence[str | Member], *, fmt: str, strict: bool, account: str | None,
                     progress, workers: int, spark=None) -> None:
        """Plan the tasks (kwo.ingest.plan) and run them, inline or in worker processes.
        An input is a path, ``-``, or a member of a zip (kwo.io.zip), named ``PATH!member``.
        With a SparkSession ``spark``, Spark stages the inputs it can (kwo.ingest.spark_stage:
        whole files, Spark splits them itself) and kwo's readers the rest."""
        self.progress = progress
        p = plan(inputs, self.manifest, self.staging, fmt=fmt, strict=strict, account=account,
                 workers=1 if spark is not None else workers, tuning=self.tuning)
        results: dict[int, FileResult] = dict(p.skipped)
        if spark is not None:
            from .spark_stage import stage_on_spark

            progress.phase("parsing on Spark")
            on_spark = stage_on_spark(spark, p.tasks, self.staging)
            results.update(on_spark.results)
            self.staged.extend(on_spark.files)
            self.spark_staged = on_spark
            p.tasks = on_spark.left
        if p.parallel(workers, self.tuning):
            outcomes, hashes = run_pool(p, workers, progress)
        else:
            outcomes, hashes = run_inline(p.tasks, progress), {}
        by_input: dict[int, list[Outcome]] = {}
        for o in outcomes:
            by_input.setdefault(o.task.index, []).append(o)
        for index, outs in by_input.items():
            if fmt != "auto":
                _check_forced_format(p.names[index], fmt, outs)
            results[index] = self._combine(p.names[index], outs, hashes.get(index))
        self.results.extend(results[i] for i in sorted(results))

    def _combine(self, path: str, outs: list[Outcome], hashed: str | None) -> FileResult:
        outs.sort(key=lambda o: o.task.part)
        result = FileResult(path=path, format=outs[0].format, ranges=len(outs))
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
        rows = write_staged(task, (lowercase_handles(b) for x in batches for b in as_batches(x)))
        if rows:
            self.staged.append(task.target)
        self.results.append(FileResult(path=source, format="arrow", sha256="arrow:" + uuid.uuid4().hex))

    # -- commit and publish
    def connection(self, threads: int | None) -> duckdb.DuckDBPyConnection:
        """The merge's DuckDB: in memory, spilling to the staging folder beyond the tuning's limit."""
        return duckdb.connect(":memory:", config={
            "threads": threads or default_workers(),
            "memory_limit": self.tuning.commit_memory_limit,
            "temp_directory": str(self.staging / "spill"),
        })

    def commit(self, threads: int | None = None) -> IngestResult:
        new_parts: list[dict] = []
        replaced_parts: dict[str, dict] = {}
        if self.staged:
            self.progress.phase("merging")
            con = self.connection(threads)
            try:
                new_parts, replaced_parts = merge(
                    con, self.staged, self.archive.part_paths(self.manifest), self.results,
                    MergeTarget(root=self.root, run_id=self.run_id, record=self._journal.record,
                                metadata=self._part_metadata, row_group_rows=self.tuning.row_group_rows,
                                phase=self.progress.phase),
                    threads or default_workers())
            finally:
                con.close()
        for r in self.results:
            if not r.skipped:
                r.records_read = r.tweets_written + r.duplicates + r.notices + r.quarantined
        quarantine_file = write_quarantine(self.root, self.run_id, self._journal, self.quarantine)
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
        self.progress.phase("publishing")
        publish(self.root, manifest, started_from=self._started_from, tmp_dir=self.staging,
                before_rename=self._journal.mark_publish)
        self._published = True
        result = IngestResult(per_file=self.results, archive=str(self.archive.path), quarantine_file=quarantine_file,
                              left_alone=self.left_alone)
        if self.spark_staged is not None:
            result.read_by_kwo = {self.results[i].path: why for i, why in sorted(self.spark_staged.why_left.items())}
        return result

    def _part_metadata(self, **extra: str) -> dict[str, str]:
        """What a part says about itself (kwo repair reads it when the manifest is lost): the
        run that wrote it, the generation its manifest has, the part it replaces if any."""
        return {"kwo.run": self.run_id, "kwo.generation": str(self.manifest.generation + 1),
                **{f"kwo.{k}": v for k, v in extra.items()}}
