"""The merge of an ingest: one row per tweet id over the staged rows and the archive, written as
new month parts, and the parts whose rows were replaced rewritten.

The dedup rule lives in kwo/sql/ingest/ (dedup/, then outcome/, each ordered by its files'
``-- depends:`` lines). Among the copies of an id: collected beats context; then the copy already
in the archive, then the first staged, unless another collected copy completes it (a complete
copy of a truncated tweet). Full rows are read once, when written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from ..archive.layout import TWEETS_DIR, duckdb_path, fsync_dir
from ..archive.parts import MonthPart, PartWriters, split_by_month, write_part
from ..schema import TWEET_SCHEMA
from ..sql.loader import build_order, load_query, provided
from .results import FileResult

_WITH_FILENAME = TWEET_SCHEMA.append(pa.field("filename", pa.string()))


@dataclass
class MergeTarget:
    """Where the merge writes: the archive root, this run's id, a recorder of the files it
    creates (the run journal), and the metadata every part carries."""

    root: Path
    run_id: str
    record: Callable[[str, str], None]  # (final path, tmp path) relative to root
    metadata: Callable[..., dict[str, str]]  # metadata(replaces=...) of a part
    row_group_rows: int
    phase: Callable[[str], None]  # told when the merge starts writing parts


def merge(con: duckdb.DuckDBPyConnection, staged: list[str], existing: list[str], results: list[FileResult],
          target: MergeTarget, threads: int) -> tuple[list[dict], dict[str, dict]]:
    """Merge the staged files into the archive parts ``existing``; fill in the accounting of
    ``results`` (one per input, in input order). Returns (new parts, {replaced part: its rewrite})."""
    con.execute("SET preserve_insertion_order = false")
    con.read_parquet([duckdb_path(p) for p in staged]).create_view("staged")
    _view(con, "archive_rows", existing)
    _build(con, "ingest/dedup")
    # Only the parts holding collected copies of collected staged tweets have their texts read.
    _view(con, "upgrade_candidates", [r[0] for r in con.execute(load_query("ingest/upgrade_files")).fetchall()])
    _build(con, "ingest/outcome", given=provided("ingest/dedup"))
    _account(con, results)
    target.phase("writing parts")
    replaced = _rewrite_replaced(con, target)
    return _write_new(con, target, threads), replaced


def _view(con: duckdb.DuckDBPyConnection, name: str, files: list[str]) -> None:
    if files:
        con.read_parquet(files, filename=True).create_view(name)
    else:
        con.register(name, _WITH_FILENAME.empty_table())


def _build(con: duckdb.DuckDBPyConnection, folder: str, given: tuple[str, ...] = ()) -> None:
    for name in build_order(folder, given=given):
        con.execute(load_query(name))


def _account(con: duckdb.DuckDBPyConnection, results: list[FileResult]) -> None:
    by_index = {idx: (t, d, c) for idx, t, d, c in con.execute(load_query("ingest/account")).fetchall()}
    # One result per input, in input order, so a result's position is its _seq file index.
    for idx, result in enumerate(results):
        if not result.skipped:
            result.tweets_written, result.duplicates, result.context_written = by_index.get(idx, (0, 0, 0))


def _rewrite_replaced(con: duckdb.DuckDBPyConnection, target: MergeTarget) -> dict[str, dict]:
    """Rewrite the parts holding rows that staged copies now replace, without those rows."""
    out: dict[str, dict] = {}
    for (filename,) in con.execute(load_query("ingest/replaced_files")).fetchall():
        rel_old = Path(filename).resolve().relative_to(target.root.resolve()).as_posix()
        rows = con.sql(load_query("ingest/part_rows"), params={"f": filename}).to_arrow_table()
        month = Path(rel_old).parent.name.removeprefix("month=")
        rel_new = f"{TWEETS_DIR}/month={month}/part-{target.run_id}-r{len(out):04d}.parquet"
        target.record(rel_new, rel_new + ".tmp")
        write_part(target.root, rel_new, [rows], target.metadata(replaces=rel_old),
                   row_group_rows=target.row_group_rows)
        out[rel_old] = {"path": rel_new, "month": month, "rows": rows.num_rows}
    return out


def _write_new(con: duckdb.DuckDBPyConnection, target: MergeTarget, threads: int) -> list[dict]:
    """One new part per month of ``new_rows``, in full row groups (the last of a part may be
    smaller): DuckDB's batches straddle months and are not row-group sized, so each month's rows
    are buffered up to a row group before they are written.

    This thread fetches and cuts the rows; ``threads`` writer threads encode and compress the row
    groups (pyarrow releases the GIL meanwhile), one month's part per thread at a time, so while
    one month is being written the next is fetched and written alongside.
    """
    reader = con.sql("SELECT * FROM new_rows").to_arrow_reader(target.row_group_rows)
    parts: list[dict] = []
    with PartWriters(threads) as writers:
        part: MonthPart | None = None
        for batch in reader:
            months = batch.column(batch.num_columns - 1)
            data = pa.RecordBatch.from_arrays(batch.columns[:-1], schema=TWEET_SCHEMA)
            for month, piece in split_by_month(data, months):
                if part is None or month != part.month:
                    if part is not None:
                        writers.finish(part)
                    rel = f"{TWEETS_DIR}/month={month}/part-{target.run_id}.parquet"
                    target.record(rel, rel + ".tmp")
                    part = MonthPart(target.root, month, rel, target.metadata(), row_group_rows=target.row_group_rows)
                    parts.append(part.entry)
                    writers.start(part)
                for group in part.add(piece):
                    writers.put(part, group)
        if part is not None:
            writers.finish(part)
    for d in {Path(p["path"]).parent for p in parts}:
        fsync_dir(target.root / d)
    return parts
