"""Staging: one input (or one byte range of it) through its reader into a staging Parquet file.

A :class:`Task` is picklable and :func:`stage` is a module-level function, so the same code runs
inline and in worker processes. A large plain JSON-lines file is cut into byte ranges at line
ends (:func:`split_lines`) so that both cores parse it; compressed input is one task (a gzip
stream cannot be entered in the middle).
"""

from __future__ import annotations

import io
import itertools
import json
import os
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import InputError, UnknownFormatError
from ..formats import QuarantineEntry, ReadContext, formats_help, get_reader
from ..formats.detect import detect
from ..io import ZIP_MAGIC, Member, open_input
from ..schema import COLUMNS, TWEET_SCHEMA

STAGED_SCHEMA = TWEET_SCHEMA.append(pa.field("_seq", pa.int64()))
# _seq = input index << 40 | range number << 32 | row number: "first seen" is a plain ORDER BY,
# and the input a staged row came from is _seq >> 40.
FILE_SHIFT = 40
RANGE_SHIFT = 32
MAX_RANGES = 1 << (FILE_SHIFT - RANGE_SHIFT)

_BLANK = b"\xef\xbb\xbf \t\r\n"


@dataclass
class Task:
    index: int  # position of the input on the command line
    path: str
    target: str  # staging Parquet file to write
    fmt: str = "auto"  # a format name, or auto to detect from the content
    part: int = 0  # byte-range number within the input
    start: int | None = None  # byte range [start, end) of a plain file; None = the whole stream
    end: int | None = None
    strict: bool = False
    account: str | None = None
    batch_rows: int | None = None
    member: Member | None = None  # a member of a zip input; ``path`` is then its ``PATH!member`` name


@dataclass
class Outcome:
    task: Task
    format: str = "empty"
    rows: int = 0
    notices: int = 0
    quarantined: int = 0
    quarantine_path: str | None = None  # the task's quarantine entries, one JSON object a line
    sha256: str | None = None  # whole-stream tasks only
    size: int | None = None
    decompressed: int | None = None  # bytes after decompression (compressed whole-stream inputs)
    line_ends: int | None = None  # byte-range tasks: the b"\n" in the range (line numbers of later ranges start after them)
    detected: str | None = None  # whole-stream tasks: the format its content looks like (None: no format)


def stage(task: Task, on_bytes=None) -> Outcome:
    """Read one task's input and write its rows to ``task.target``."""
    if task.start is not None:
        return _stage_range(task)
    with open_input(task.path, on_bytes=on_bytes, member=task.member) as opened, \
            _Spill(task.target + ".quarantine.jsonl") as spill:
        if task.path == "-" and opened.head.startswith(ZIP_MAGIC):  # zipfile needs to seek to the end
            raise InputError(task.path, "a zip archive on standard input cannot be read (zip keeps its directory "
                                        "at the end): pass the file's name")
        name = task.fmt if task.fmt != "auto" else detect(opened.head)
        outcome = Outcome(task, format=name or "empty", size=opened.size,
                          detected=name if task.fmt == "auto" else detect(opened.head))
        ctx = _context(task, spill)
        if name is None:
            if opened.head.strip(_BLANK):
                raise UnknownFormatError(task.path, f"unknown format; kwo reads: {formats_help()}")
        else:
            outcome.rows = write_staged(task, get_reader(name)(opened.stream, ctx))
        opened.drain()
        outcome.sha256 = opened.sha256()
        outcome.decompressed = opened.decompressed_bytes
        if outcome.size is None:
            outcome.size = opened.bytes_read
    outcome.notices, outcome.quarantined, outcome.quarantine_path = ctx.notices, ctx.spilled, spill.written
    return outcome


def init_worker(parent: int) -> None:
    """Initializer of a parse worker process: :func:`exit_with_parent`, and no pandas."""
    sys.meta_path.insert(0, _NoPandas())
    exit_with_parent(parent)


class _NoPandas:
    """An import finder that refuses pandas. Parse workers never use it, but pyarrow imports it
    (0.25 s of CPU, with its own imports) at the first Arrow array built from a Python list, to
    ask whether the list is a pandas object; refused, pyarrow takes it as not installed."""

    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError("kwo parse workers do not load pandas (kwo.ingest.staging.init_worker)", name=name)
        return None


def exit_with_parent(parent: int) -> None:
    """End this worker when the ingest that started it is gone (SIGKILLed, killed for memory),
    instead of waiting forever for tasks that will never come."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="kwo-exit-with-parent", daemon=True).start()


def _stage_range(task: Task) -> Outcome:
    try:
        raw = open(task.path, "rb")
    except OSError as exc:
        raise InputError(task.path, f"cannot open: {exc.strerror or exc}") from None
    with raw, _Spill(task.target + ".quarantine.jsonl") as spill:
        ctx = _context(task, spill)
        ctx.jsonl = True
        start = task.start
        if start == 0 and raw.read(3) == b"\xef\xbb\xbf":
            start = 3  # a UTF-8 BOM is not part of the first record
        raw.seek(start)
        window = _Window(raw, task.end - start)
        rows = write_staged(task, get_reader(task.fmt)(io.BufferedReader(window, 1 << 20), ctx))
        window.drain()  # a reader may stop before the end of its range: count the line ends there too
    return Outcome(task, format=task.fmt, rows=rows, notices=ctx.notices, quarantined=ctx.spilled,
                   quarantine_path=spill.written, line_ends=window.line_ends)


def _context(task: Task, spill: _Spill) -> ReadContext:
    ctx = ReadContext(
        path=task.path,
        fs_path=None if task.path == "-" or task.member is not None else os.path.abspath(task.path),
        strict=task.strict,
        account=task.account,
        spill=spill,
    )
    if task.batch_rows:
        ctx.batch_rows = task.batch_rows
    return ctx


class _Spill:
    """Writes a task's quarantine entries to a JSON-lines file as they come: memory stays flat
    however many records are bad (the ingest copies them into the archive's quarantine file)."""

    def __init__(self, path: str):
        self.path = path
        self._file = None
        self.written: str | None = None  # the path, once the file is complete

    def __call__(self, entry: QuarantineEntry) -> None:
        if self._file is None:
            # backslashreplace: a lone surrogate (from a \ud800 escape) cannot be encoded as UTF-8
            self._file = open(self.path, "w", encoding="utf-8", errors="backslashreplace")
        record = {"file": entry.file, "line": entry.line, "reason": entry.reason, "raw": entry.raw}
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def __enter__(self) -> _Spill:
        return self

    def __exit__(self, *exc) -> None:
        if self._file is not None:
            self._file.close()
            self.written = self.path


class _Window(io.RawIOBase):
    """At most ``length`` bytes of a file from its current position, counting the line ends
    (b"\n") in the bytes read: the ingest numbers the lines of later ranges after them."""

    def __init__(self, raw, length: int):
        self._raw = raw
        self._left = length
        self.line_ends = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self._left <= 0:
            return 0
        data = self._raw.read(min(len(b), self._left))
        n = len(data)
        memoryview(b)[:n] = data
        self._left -= n
        self.line_ends += data.count(b"\n")
        return n

    def drain(self) -> None:
        """Read (and count) the rest of the window."""
        buf = bytearray(1 << 20)
        while self.readinto(buf):
            pass


def as_tweet_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """``batch`` with the columns of TWEET_SCHEMA, in its order and types."""
    if batch.schema == TWEET_SCHEMA:
        return batch
    return pa.Table.from_batches([batch]).select(COLUMNS).cast(TWEET_SCHEMA).to_batches()[0]


def write_staged(task: Task, batches: Iterable[pa.RecordBatch]) -> int:
    """Write batches with their _seq to the task's staging file; returns the number of rows."""
    writer: pq.ParquetWriter | None = None
    seq = (task.index << FILE_SHIFT) | (task.part << RANGE_SHIFT)
    rows = 0
    try:
        for batch in batches:
            if batch.num_rows == 0:
                continue
            batch = as_tweet_batch(batch)
            seqs = pa.array(range(seq + rows, seq + rows + batch.num_rows), type=pa.int64())
            rows += batch.num_rows
            staged = pa.RecordBatch.from_arrays([*batch.columns, seqs], schema=STAGED_SCHEMA)
            if writer is None:
                # Staging is read once, right away, from the same disk: plain pages without
                # dictionaries or statistics write 2.4x faster than lz4 with them (0.13 vs 0.32 s
                # for 300k rows) and read as fast; the files are deleted after the merge.
                writer = pq.ParquetWriter(task.target, STAGED_SCHEMA, compression="none",
                                          use_dictionary=False, write_statistics=False)
            writer.write_batch(staged)
    finally:
        if writer is not None:
            writer.close()
    return rows


# ---------------------------------------------------------------------------------------------
# Splitting a plain JSON-lines file


def is_plain_jsonl(path: str) -> str | None:
    """The format of ``path`` when it is an uncompressed JSON-lines file of v1 or v2 records."""
    with open_input(path) as opened:
        if opened.compression is not None:
            return None
        name = detect(opened.head)
        if name not in ("v1", "v2"):
            return None
        first = opened.head.lstrip(_BLANK).split(b"\n", 1)
        if len(first) < 2:  # one line, or a first line longer than the probe: not line-shaped
            return None
        import msgspec

        try:
            value = msgspec.json.decode(first[0])
        except msgspec.DecodeError:
            return None
        return name if isinstance(value, dict) else None


def split_lines(path: str, size: int, parts: int) -> list[tuple[int, int]]:
    """Cut a file into about ``parts`` byte ranges that start and end at line ends."""
    parts = max(1, min(parts, MAX_RANGES))
    bounds = [0]
    with open(path, "rb") as f:
        for k in range(1, parts):
            pos = max(bounds[-1], size * k // parts)
            f.seek(pos)
            f.readline()  # move to the start of the next line
            nxt = f.tell()
            if nxt >= size:
                break
            if nxt > bounds[-1]:
                bounds.append(nxt)
    bounds.append(size)
    return list(itertools.pairwise(bounds))
