"""Reader for Twitter API v1.1 tweet JSON (and the pre-2010 v1 shape).

Handles one JSON object per line (REST dumps, streaming captures with their notice lines) and JSON
documents: arrays of tweets (one line or pretty-printed), search responses
``{"statuses": [...]}``, premium search responses ``{"results": [...]}`` and single tweet objects,
also several of these concatenated. Which of the two layouts a stream has is decided by its first
lines (see :func:`_probe`), never by the file name.

Speed: tweets are decoded with msgspec straight into :class:`_Tweet`, a Struct that projects the
few fields kwo stores, one line per ``decode`` call (measured faster than joining a chunk of lines
into one array). JSON lines are then converted a run of 4,096 lines at a time, column by column
(:func:`_run_batch`: a comprehension per field, Arrow kernels for ids and dates), which takes a
third less CPU per tweet than adding rows one by one; a run it cannot convert exactly goes row
by row. Documents are cut into their elements by msgspec too (see :class:`_Document`), which
are gathered into runs the same way. Everything unusual (notices, old tweets, wrong types) takes a slower path that
decodes to Python objects and says precisely what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import msgspec
import pyarrow as pa

from ..base import Format, ReadContext, record_lines, register_format, skip_blank_lines
from ..reasons import BOM
from .document import _Document
from .records import _Reader
from .scanner import _size_of_first_value, _SyntaxError
from .tweet import _without_lone_surrogates

# A first line longer than this is not read whole to decide the layout: the file is a document.
_PROBE_LIMIT = 64 << 20


# ---------------------------------------------------------------------------------------------
# Layouts: one object per line, or a JSON document


def _is_object(line: bytes) -> bool:
    try:
        msgspec.json.decode(_without_lone_surrogates(line), type=dict)
    except (ValueError, RecursionError):
        return False
    return True


def _probe(stream: BinaryIO) -> tuple[list[bytes | int], bool]:
    """Read the first lines; return them and whether the input is one object per line.

    JSONL when the first non-blank line is a complete JSON object. A first line that does not
    open a document (``{``/``[`` and JSON that goes on in the next lines) gets a second chance:
    the input is JSONL when the next line is an object. Such a line is the tail of a line cut by
    ``split -b``, or a broken record (invalid UTF-8, a NUL byte, nested too deeply), which must
    not turn the good lines after it into one unreadable document.
    """
    lines: list[bytes | int] = []  # an int: that many blank lines (a run of them is not kept)
    second_chance = False
    while True:
        line = stream.readline(_PROBE_LIMIT)
        if not lines:
            line = line.removeprefix(BOM)
        if not line:
            return lines, True
        if line.isspace():
            lines.append(1 + skip_blank_lines(stream))
            continue
        lines.append(line)
        if len(line) >= _PROBE_LIMIT and not line.endswith(b"\n"):
            return lines, False
        if _is_object(line):
            return lines, True
        if second_chance or _opens_document(line):
            return lines, False
        second_chance = True


def _opens_document(line: bytes) -> bool:
    """Whether ``line`` starts a JSON document: a complete value (an array), or the start of one
    that the next lines continue. A line that is broken JSON by itself does not."""
    stripped = line.strip()
    if stripped[:1] not in (b"{", b"["):
        return False
    try:
        _size_of_first_value(stripped)
    except _SyntaxError:
        return False
    return True




def read(stream: BinaryIO, ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    """Batches of v1.1 tweets from ``stream`` (see the reader contract in kwo.formats)."""
    reader = _Reader(ctx)
    if ctx.jsonl:  # a byte range of a JSON-lines file: its first line may be a broken record
        yield from reader.lines(record_lines(stream, ctx))
        return
    head, one_per_line = _probe(stream)
    if one_per_line:
        yield from reader.lines(record_lines(stream, ctx, head))
    else:
        # blank lines before the document count in its line numbers; those after its first line
        # (only where that line was broken) are written out again
        leading = head.pop(0) if isinstance(head[0], int) else 0
        text = b"".join(b"\n" * part if isinstance(part, int) else part for part in head)
        yield from _Document(reader, text, stream, first_line=1 + leading).batches()


register_format(Format(
    name="v1",
    description="Twitter API v1.1 tweet JSON (lines, arrays, search/premium responses, stream captures)",
    read=read,
))
