"""Ingest: dump files -> deduplicated, month-partitioned Parquet, atomically, nothing lost.

One run is one transaction (kwo.ingest.transaction):

1. *Plan* (plan.py): one task per input, or per byte range of a large plain JSON-lines file;
   inputs the archive holds already (same sha256) are skipped.
2. *Stage* (staging.py, workers.py): every task is streamed through its reader into a staging
   Parquet file under ``ARCHIVE/.staging/<run>/``; the reader accounts for every record (tweet,
   notice, quarantine).
3. *Merge* (merge.py, kwo/sql/ingest/): DuckDB picks one row per tweet id over the staged rows
   and the archive (a collected copy beats a context copy, a complete copy a truncated one;
   otherwise the copy already in the archive, then the first one staged, wins), writes the new
   rows as new month parts and rewrites the few parts whose rows were replaced.
4. *Publish*: a new ``manifest.json`` naming the new parts is renamed into place, if the manifest
   is still the one the run started from (kwo.archive.lock.publish). Until that rename nothing is
   visible; after it everything is. The parts this run replaced are *retired*: kept for readers
   of the previous manifest, removed by the next run.

Any error before the publish step leaves the archive exactly as it was; the run removes what it
created. A run that is killed leaves its staging folder, whose journal (kwo.archive.leftovers)
tells the next run which files were its own; files kwo has no record of are never removed.

This module imports no DuckDB: the worker processes import kwo.ingest.staging, and with it this.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import pyarrow as pa

from ..errors import InputError, KwoError
from ..formats import formats_help, is_format
from .results import FileResult, IngestResult
from .tuning import DEFAULT_TUNING, IngestTuning, default_workers

__all__ = ["FileResult", "IngestResult", "IngestTuning", "default_workers", "ingest", "ingest_batches"]


def ingest(
    inputs: Sequence[str],
    archive: str | os.PathLike,
    *,
    fmt: str = "auto",
    strict: bool = False,
    account: str | None = None,
    progress=None,
    workers: int | None = None,
    wait: float = 0.0,
    on_wait=None,
    tuning: IngestTuning = DEFAULT_TUNING,
    engine: str = "duckdb",
    spark_master: str | None = None,
    spark_remote: str | None = None,
) -> IngestResult:
    """Ingest dump files (or ``-`` for stdin) into ``archive``; see the module docstring.

    ``engine="spark"``: Spark parses the plain v1.1 JSON-lines inputs it can read exactly as kwo
    does (kwo.ingest.spark_stage), kwo's readers the others (``result.read_by_kwo`` says which and
    why); the archive is the one the default ingest writes. The session: the process's active
    one, else one at ``spark_remote`` (Spark Connect) or ``spark_master`` (default local[*]).

    ``workers`` processes parse in parallel (default: the number of CPUs).
    When another ingest is writing to the archive, wait up to ``wait`` seconds for it to finish
    (``on_wait(wait)`` is called once when waiting starts), then raise :class:`ArchiveError`.
    ``tuning``: batch and row-group sizes, when to parse in parallel (kwo.ingest.tuning).
    """
    from ..io import expand_inputs
    from .transaction import Transaction, writing
    from .workers import NoProgress

    if fmt != "auto" and not is_format(fmt):
        raise KwoError(f"unknown format {fmt!r}; kwo reads: {formats_help()}")
    progress = progress or NoProgress()
    _check_inputs(inputs)
    entries = expand_inputs(list(inputs))  # a zip's members are inputs of their own
    workers = workers or default_workers()
    if engine not in ("duckdb", "spark"):
        raise KwoError(f"unknown engine {engine!r}; choose duckdb or spark")
    spark, own = None, False
    if engine == "spark":
        from ..engine.spark import spark_session

        spark, own = spark_session(spark_master, spark_remote)
    try:
        with writing(archive), Transaction(archive, wait=wait, on_wait=on_wait, tuning=tuning) as t:
            t.stage_inputs(entries, fmt=fmt, strict=strict, account=account, progress=progress, workers=workers,
                           spark=spark)
            if own:  # the merge is DuckDB's: give the JVM's memory back first
                spark.stop()
                own = False
            return t.commit(threads=workers)
    finally:
        if own:
            spark.stop()


def ingest_batches(
    batches: Iterable[pa.RecordBatch | pa.Table],
    archive: str | os.PathLike,
    *,
    source: str = "batches",
    tuning: IngestTuning = DEFAULT_TUNING,
) -> IngestResult:
    """Ingest rows already in :data:`kwo.schema.TWEET_SCHEMA` (e.g. built with RowBuilder).

    Every collected row counts as one record; this is how tests build hand-made archives.
    """
    from .transaction import Transaction, writing

    with writing(archive), Transaction(archive, tuning=tuning) as t:
        t.stage_batches(0, source, batches)
        return t.commit()


def _check_inputs(inputs: Sequence[str]) -> None:
    if not inputs:
        raise KwoError("no input files given")
    if list(inputs).count("-") > 1:
        raise KwoError("standard input (-) can be read only once")
    for path in inputs:
        if path != "-" and not os.path.exists(path):
            raise InputError(path, "no such file")
