"""What every input format shares: the reader contract, ReadContext, the record limits, and the
registry each format module joins (:func:`register_format`) when it is imported.

The contract every reader keeps (the ingest relies on it):

* ``read(stream, ctx)`` takes a buffered binary stream of *decompressed* bytes and yields
  ``pyarrow.RecordBatch`` objects in :data:`kwo.schema.TWEET_SCHEMA`, built with
  :class:`kwo.schema.RowBuilder` (``ctx.builder()``), never more than ``ctx.batch_rows`` rows
  each, so memory stays flat whatever the input size.
* Every top-level record ends up in exactly one place: a row with ``collected=True`` (a tweet of
  the dump itself), ``ctx.notice()`` (stream notices, users, counts, compliance events, ...), or
  ``ctx.quarantine(line, reason, raw)`` (cannot be parsed). Embedded tweets (retweeted/quoted
  status, v2 ``includes.tweets``) are extra rows with ``collected=False``; they are not records.
* Readers never raise anything but :class:`kwo.errors.KwoError` subclasses; a record that cannot
  be parsed is quarantined, not raised (``ctx.quarantine`` raises by itself under ``--strict``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import pyarrow as pa

from ..errors import QuarantineError
from ..schema import DEFAULT_BATCH_ROWS, RowBuilder
from .reasons import BOM

#: The longest record (a JSON line, an element of a JSON document) a reader takes. The longest real
#: tweet JSON, a 25,000-character long post with its entities, is far below 1 MiB, and a twarc2 page
#: of 500 tweets with its includes a few MiB; a longer record is no tweet data, and reading it whole
#: would let memory grow with the input. It is quarantined with its first EXCERPT_BYTES.
MAX_RECORD_BYTES = 16 << 20
EXCERPT_BYTES = 64 << 10


#: Tweets exist from March 2006 (Twitter's first public tweets are of 21 March 2006) until now.
#: A created_at outside [EARLIEST_TWEET_MS, now + a day of clock skew] is a broken date, not a tweet
#: time: stored, it would put a tweet in a month partition of its own and into every report.
EARLIEST_TWEET_MS = 1_141_171_200_000  # 2006-03-01T00:00:00Z
CLOCK_SKEW_MS = 86_400_000


def plausible_time(ms: int, value: object, what: str = "created_at") -> int:
    """``ms`` (a tweet's time in epoch ms, read from ``value``) when a tweet can have it; raises
    ValueError otherwise."""
    if ms < EARLIEST_TWEET_MS:
        raise ValueError(f"{what} {value!r} is before Twitter existed (March 2006)")
    if ms > time.time() * 1000 + CLOCK_SKEW_MS:
        raise ValueError(f"{what} {value!r} is in the future")
    return ms


def too_long_reason(size: int, complete: bool = True) -> str:
    what = f"{size:,} bytes" if complete else f"over {size:,} bytes"
    return (f"record of {what}, longer than the {MAX_RECORD_BYTES:,} a tweet record can be "
            f"(only its first {EXCERPT_BYTES:,} bytes are kept here)")


def record_lines(stream: BinaryIO, ctx: ReadContext, head: Iterable[bytes | int] = ()) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of a JSON-lines stream, after the ``head`` lines already read from it
    (an int in ``head`` stands for that many blank lines).

    Blank lines are not records: they are not yielded, and a run of them is skipped in blocks
    (:func:`skip_blank_lines`), not line by line (256 MiB of newlines took 252 s). A line longer
    than MAX_RECORD_BYTES is quarantined (its start only) and skipped without ever being held
    whole, so memory stays flat whatever the line lengths. A UTF-8 byte-order mark at the start
    of a line is not part of its record (files with one, concatenated, have one there).
    """
    number = 0
    for line in head:
        if isinstance(line, int):
            number += line
            continue
        number += 1
        line = line.removeprefix(BOM)
        if len(line) > MAX_RECORD_BYTES:
            ctx.quarantine(number, too_long_reason(len(line)), line[:EXCERPT_BYTES])
        elif not line.isspace():
            yield number, line
    limit = MAX_RECORD_BYTES + 1
    while line := stream.readline(limit):
        number += 1
        whole = len(line) < limit or line.endswith(b"\n")
        line = line.removeprefix(BOM)
        if line.isspace():
            number += skip_blank_lines(stream)
            continue
        if whole:
            yield number, line
            continue
        excerpt, size = line[:EXCERPT_BYTES], len(line)
        while not line.endswith(b"\n") and (line := stream.readline(1 << 20)):
            size += len(line)
        size -= len(line) - len(line.rstrip(b"\r\n"))  # the record, without its line end
        ctx.quarantine(number, too_long_reason(size), excerpt)


#: What a blank line may hold besides its line end (bytes.isspace's set).
_BLANK = b" \t\r\n\x0b\x0c"


def skip_blank_lines(stream: BinaryIO) -> int:
    """Consume the whole blank lines at the stream's position, a buffer at a time (bytes.lstrip
    and count, no Python loop per line); returns how many. A stream without ``peek`` is left as
    it is (0): its blank lines are then read one by one."""
    peek = getattr(stream, "peek", None)
    if peek is None:
        return 0
    skipped = 0
    while buf := peek(1 << 16):
        rest = buf.lstrip(_BLANK)
        cut = buf.rfind(b"\n", 0, len(buf) - len(rest)) + 1  # the end of the last blank line in view
        if not cut:
            break
        skipped += buf.count(b"\n", 0, cut)
        stream.read(cut)
        if rest:
            break
    return skipped


@dataclass
class QuarantineEntry:
    file: str
    line: int | None
    reason: str
    raw: str


@dataclass
class ReadContext:
    """What a reader needs besides the stream, and where it reports what it saw."""

    path: str  # the input as the user named it; stored as source_file and used in messages
    fs_path: str | None = None  # the real file on disk (None for stdin), for sibling files
    strict: bool = False
    account: str | None = None  # account-archive owner handle (--account)
    batch_rows: int = DEFAULT_BATCH_ROWS
    # True when the stream is known to hold one JSON value per line (a byte range of a JSON-lines
    # file cut at line ends for parallel ingest): a reader must then not decide the layout from
    # the first line, which may be a broken record.
    jsonl: bool = False
    notices: int = 0
    quarantined: list[QuarantineEntry] = field(default_factory=list)
    # With a spill, quarantine entries are handed to it as they come instead of being kept in
    # ``quarantined``: the ingest writes them to disk, so that a file of bad records cannot fill
    # memory. ``spilled`` counts them.
    spill: Callable[[QuarantineEntry], None] | None = None
    spilled: int = 0

    def builder(self) -> RowBuilder:
        return RowBuilder(self.path, self.batch_rows)

    def notice(self, n: int = 1) -> None:
        self.notices += n

    def quarantine(self, line: int | None, reason: str, raw: bytes | str) -> None:
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", "backslashreplace")
        if self.strict:
            raise QuarantineError(self.path, f"cannot parse record: {reason}", line)
        entry = QuarantineEntry(self.path, line, reason, raw)
        if self.spill is None:
            self.quarantined.append(entry)
        else:
            self.spill(entry)
            self.spilled += 1


Reader = Callable[[BinaryIO, ReadContext], Iterator[pa.RecordBatch]]


@dataclass(frozen=True)
class Format:
    """An input format: ``kwo ingest --format NAME`` reads it with ``read``.

    ``detect``, when given, is asked about a stream's first decompressed bytes (``head``) under
    ``--format auto``, after the rules of the formats kwo ships found nothing."""

    name: str
    description: str  # one line, shown in ``kwo ingest --help`` errors and in the unknown-format message
    read: Reader
    detect: Callable[[bytes], bool] | None = None


#: name -> Format, in the order the formats registered (kwo.formats orders the built-in ones).
REGISTRY: dict[str, Format] = {}


def register_format(fmt: Format) -> Format:
    """Make ``fmt`` readable by its name; a format module calls this once, at import. Registering
    the same name again replaces it (a module imported again registers again)."""
    if not fmt.name or fmt.name == "auto" or fmt.name != fmt.name.strip():
        raise ValueError(f"a format cannot be named {fmt.name!r}")
    REGISTRY[fmt.name] = fmt
    return fmt


def unregister_format(name: str) -> None:
    """Forget the format ``name`` (for formats registered by tests or plugins)."""
    REGISTRY.pop(name, None)
