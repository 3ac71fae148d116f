"""The knobs a run can be tuned with, in one object.

The library never reads the environment: its functions take a :class:`Settings` (or the single
value they need) as an argument, so two calls in one process can differ and a test sets a knob
without patching anything. The CLI builds the object once, from its options and the environment
(:meth:`Settings.from_environ`), as sqlite-utils does with its options.

Environment variables (read by the CLI only):

* ``KWO_MEMORY_LIMIT``: DuckDB's memory cap (``800MB``, ``4GB``; 32MB to 1024TB);
* ``KWO_SCRATCH``: ``1``/``0`` forces the report tables into a scratch database file / memory;
* ``KWO_WORKERS``: parsing processes of an ingest;
* ``KWO_ENGINE``: the engine of the report, ``duckdb`` (the default) or ``spark`` (kwo[spark]);
* ``SPARK_REMOTE``: with the spark engine, the Spark Connect server (``sc://host:15002``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import UsageError

#: The bounds of a memory limit. Below 32 MB DuckDB runs out of memory on the report's first
#: tables even for a few thousand tweets; above 1024 TB its own parser gives up.
MIN_MEMORY_LIMIT_MB = 32
MAX_MEMORY_LIMIT_MB = 1 << 30

_SIZE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT])I?B", re.IGNORECASE)
_SIZE_UNIT_MB = {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1 << 20}


def size_mb(text: str) -> int | None:
    """``800MB``, ``4 GiB`` -> megabytes (1000 and 1024 taken alike: only a thread count and the
    bounds use it); None when ``text`` is no size."""
    m = _SIZE_RE.fullmatch(text.strip())
    return int(float(m.group(1)) * _SIZE_UNIT_MB[m.group(2).upper()]) if m else None


@dataclass(frozen=True)
class Settings:
    """``None`` everywhere means kwo's default (chosen where the knob is used)."""

    memory_limit: str | None = None  # DuckDB's memory_limit, validated: see check_memory_limit
    scratch: bool | None = None  # report tables in a scratch file (True), in memory (False), or by size
    workers: int | None = None  # ingest's parsing processes
    engine: str | None = None  # the report's SQL engine: "duckdb" (default) or "spark" (ENGINES)
    spark_master: str | None = None  # spark engine: the master URL (local[*] when None)
    spark_remote: str | None = None  # spark engine: a Spark Connect URL (sc://...), instead of a master

    def __post_init__(self) -> None:
        if self.memory_limit is not None:
            check_memory_limit(self.memory_limit, "memory_limit")
        if self.engine is not None and self.engine not in ENGINES:
            raise UsageError(f"engine={self.engine!r}: expected one of {', '.join(ENGINES)}")
        if self.workers is not None and self.workers < 1:
            raise UsageError(f"workers={self.workers}: expected 1 or more")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """The settings of a CLI run: ``KWO_*`` variables, then ``overrides`` (options given)."""
        env = os.environ if environ is None else environ
        values: dict = {}
        limit = env.get("KWO_MEMORY_LIMIT", "").strip()
        if limit:
            values["memory_limit"] = check_memory_limit(limit, "KWO_MEMORY_LIMIT")
        scratch = env.get("KWO_SCRATCH", "").strip()
        if scratch in ("0", "1"):
            values["scratch"] = scratch == "1"
        workers = env.get("KWO_WORKERS", "").strip()
        if workers.isdigit() and int(workers) > 0:
            values["workers"] = int(workers)
        engine = env.get("KWO_ENGINE", "").strip()
        if engine:
            values["engine"] = engine
        remote = env.get("SPARK_REMOTE", "").strip()
        if remote:
            values["spark_remote"] = remote
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


#: The report's engines (kwo.engine): DuckDB embedded, the default; Apache Spark (kwo[spark]).
ENGINES = ("duckdb", "spark")


def check_memory_limit(text: str, name: str) -> str:
    """``text`` when it is a size within the bounds; otherwise a UsageError naming ``name``."""
    size = size_mb(text)
    if size is None or not MIN_MEMORY_LIMIT_MB <= size <= MAX_MEMORY_LIMIT_MB:
        from .archive.layout import shown  # control characters made visible, as in every message

        raise UsageError(f"{name}={shown(text)!r}: expected a size from {MIN_MEMORY_LIMIT_MB}MB "
                         f"to {MAX_MEMORY_LIMIT_MB >> 20}TB, such as 800MB or 4GB")
    return text


__all__ = ["ENGINES", "MAX_MEMORY_LIMIT_MB", "MIN_MEMORY_LIMIT_MB", "Settings", "check_memory_limit", "size_mb"]
