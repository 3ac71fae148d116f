"""The ingest's tuning knobs, in one object a caller (or a test) passes; defaults measured here."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..archive.parts import ROW_GROUP_ROWS


@dataclass(frozen=True)
class IngestTuning:
    #: rows per batch a reader yields (None: the reader's default, kwo.schema.DEFAULT_BATCH_ROWS)
    batch_rows: int | None = None
    #: a plain JSON-lines file at least this big is parsed by several processes, in byte ranges of
    #: at least range_min_bytes; below it, starting workers costs more than it saves
    parallel_min_bytes: int = 32 << 20
    range_min_bytes: int = 8 << 20
    #: rows per row group of a new part (kwo.archive.parts.ROW_GROUP_ROWS)
    row_group_rows: int = ROW_GROUP_ROWS
    #: DuckDB spills to disk beyond this during the merge: ingest RSS stays flat
    commit_memory_limit: str = "512MB"


DEFAULT_TUNING = IngestTuning()


def default_workers() -> int:
    """The CPUs this process may run on (the CLI's default; KWO_WORKERS is read there)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
