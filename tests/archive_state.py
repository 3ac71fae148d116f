""""The archive is intact": a snapshot of what an archive holds, to compare before and after.

The attack tests (tests/test_attack_archive.py) take one before each case and check it after:
the same row count and the same tweet ids, unless the user asked for a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from kwo.engine.duckdb import connect


@dataclass(frozen=True)
class ArchiveState:
    rows: int
    ids: tuple[int, ...]  # sorted

    def __str__(self) -> str:  # short, for assertion messages
        return f"{self.rows} rows, ids {self.ids[:3]}...{self.ids[-3:]}"


def archive_state(archive: Path) -> ArchiveState:
    """What the archive's readers see: the live parts the manifest names."""
    con = connect(archive)
    try:
        ids = tuple(r[0] for r in con.execute("SELECT tweet_id FROM tweets ORDER BY tweet_id").fetchall())
    finally:
        con.close()
    return ArchiveState(len(ids), ids)


def parts_state(paths: list[Path]) -> ArchiveState:
    """The rows of Parquet files read directly (an archive whose manifest is gone)."""
    ids = sorted(i for p in paths for i in pq.read_table(p, columns=["tweet_id"])["tweet_id"].to_pylist())
    return ArchiveState(len(ids), tuple(ids))


def assert_intact(archive: Path, before: ArchiveState) -> None:
    after = archive_state(archive)
    assert after.rows == before.rows, f"{after} != {before}"
    assert after.ids == before.ids, "the same number of rows, but other tweet ids"
