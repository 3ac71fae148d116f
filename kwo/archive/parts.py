"""Month parts: the Parquet files of an archive's tweets, written as every writer of kwo writes them.

Ingest and ``kwo sample --format parquet`` both write their parts with these functions, so an
archive's files are the same whoever wrote them. A part is written to ``PART.tmp``, fsynced and
renamed into place; the manifest (kwo.archive.lock.publish) is what makes it live.
"""

from __future__ import annotations

import os
import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import ArchiveError
from ..schema import TWEET_SCHEMA
from .layout import real_dir

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


def parquet_writer(path: Path) -> pq.ParquetWriter:
    """A writer of one archive part (also used by ``kwo sample --format parquet``, so that its
    parts are written exactly as ingest writes them).

    LZ4 rather than zstd: every report decompresses the id, handle and mention columns of the
    whole archive, and LZ4 does that faster for somewhat larger parts. Dictionaries only for the
    columns whose values repeat (:data:`DICTIONARY_COLUMNS`): a row group's tweet ids or times
    just fit a dictionary page, so pyarrow would hash every one of them into a dictionary as large
    as the column. The measurements: benchmarks/RESULTS.md, "Part compression".
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


def write_part(root: Path, rel: str, tables: list[pa.Table], metadata: dict[str, str], *,
               row_group_rows: int = ROW_GROUP_ROWS) -> None:
    """Write one whole part ``root/rel`` from ``tables``: to ``rel.tmp``, fsynced, renamed into place.
    The caller records ``rel`` in its run journal first, so a crash leaves nothing unaccounted."""
    target = real_dir(root, os.path.dirname(rel)) / os.path.basename(rel)
    tmp = root / (rel + ".tmp")
    writer = parquet_writer(tmp)
    for t in tables:
        writer.write_table(t.cast(TWEET_SCHEMA), row_group_size=row_group_rows)
    writer.add_key_value_metadata(metadata)
    writer.close()
    fsync_file(tmp)
    os.replace(tmp, target)


def split_by_month(batch: pa.RecordBatch, months: pa.Array):
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


class MonthPart:
    """The new part of one month. The fetching thread adds its rows and cuts them into full row
    groups; a writer thread writes them to a tmp file that is fsynced and renamed into place
    when the month is complete."""

    def __init__(self, root: Path, month: str, rel: str, metadata: dict[str, str], *,
                 row_group_rows: int = ROW_GROUP_ROWS):
        self.root = root
        self.row_group_rows = row_group_rows
        self.rel = rel
        self.metadata = metadata
        self.month = month
        self.target = root / rel
        self.tmp = root / (rel + ".tmp")
        self.entry = {"path": rel, "month": month, "rows": 0}
        self.queue: queue.SimpleQueue[pa.Table | None] = queue.SimpleQueue()  # row groups; None ends the part
        self._pending: list[pa.RecordBatch] = []  # rows not yet in a row group, fewer than row_group_rows
        self._pending_rows = 0
        self._writer: pq.ParquetWriter | None = None

    def add(self, piece: pa.RecordBatch) -> list[pa.Table]:
        """Take the month's next rows; returns the full row groups they complete."""
        self.entry["rows"] += piece.num_rows
        self._pending.append(piece)
        self._pending_rows += piece.num_rows
        groups = []
        while self._pending_rows >= self.row_group_rows:
            table = pa.Table.from_batches(self._pending)
            groups.append(table.slice(0, self.row_group_rows))
            rest = table.slice(self.row_group_rows)
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
        self._writer.write_table(group, row_group_size=self.row_group_rows)

    def close(self) -> None:
        """Close the file (every row group written), fsync it and rename it into place."""
        if self._writer is not None:
            self._writer.add_key_value_metadata(self.metadata)
            self._writer.close()
            fsync_file(self.tmp)
            os.replace(self.tmp, self.target)


class PartWriters:
    """Writer threads for month parts: a part's row groups are written in order by one thread;
    different months' parts are written at once. At most ``threads`` row groups are handed over
    and not yet written, so memory stays bounded whatever the number or size of months: the
    fetching thread waits for a writer when it is that far ahead (benchmarks/RESULTS.md, "Part
    writers": a deeper queue is no faster and costs memory).

    The first error of a writer is raised in the fetching thread (at its next hand-over or at the
    end); the other parts are then not completed (their tmp files are leftovers the next run
    removes, as after a crash).
    """

    def __init__(self, threads: int):
        self._pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="kwo-part")
        self._slots = threading.Semaphore(max(1, threads))
        self._futures: list[Future] = []
        self._open: MonthPart | None = None
        self._failed = threading.Event()

    def __enter__(self) -> PartWriters:
        return self

    def start(self, part: MonthPart) -> None:
        self._open = part
        self._futures.append(self._pool.submit(self._run, part))

    def put(self, part: MonthPart, group: pa.Table) -> None:
        self._slots.acquire()
        if self._failed.is_set():
            self._slots.release()
            self._raise()
        part.queue.put(group)

    def finish(self, part: MonthPart) -> None:
        """Every row of the part is added: hand over its last row group and end it."""
        rest = part.rest()
        if rest is not None:
            self.put(part, rest)
        part.queue.put(None)
        self._open = None

    def _run(self, part: MonthPart) -> None:
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
