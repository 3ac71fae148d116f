"""Reader for the Kaggle "Customer Support on Twitter" CSV (twcs.csv) and its re-saved copies.

Copies found in the wild differ from the original: pandas adds an unnamed leading index column,
Excel writes TRUE/FALSE and CRLF line ends, pandas writes ids as ``3.0``. Some text fields hold
bare carriage returns *without* quotes around them. Python's csv module ends a record at any
CR, so lines are split on the file's own line separator only, and a CR that is not part of it is
hidden from csv behind a placeholder and put back in the fields afterwards.

Customer handles are anonymised to numeric author ids, and texts mention them the same way
(``@115712``), so a numeric mention carries its digits as user id: the id is the join key.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple

import pyarrow as pa

from ..errors import UnknownFormatError
from ..schema import RowBuilder, parse_id, parse_twitter_date, unescape_text
from .base import Format, ReadContext, plausible_time, register_format
from .reasons import BOM, csv_record, invalid_utf8
from .text_mentions import mentions_from_text

REQUIRED_COLUMNS = ("tweet_id", "author_id", "inbound", "created_at", "text", "in_response_to_tweet_id")

_CHUNK = 1 << 20
# A twcs record is a few hundred bytes; a longer line is a broken file, and cutting it keeps
# memory bounded whatever the input.
MAX_LINE_BYTES = 1 << 20
# Strict UTF-8 decoding never yields a lone surrogate, so this placeholder cannot clash with text.
_PLACEHOLDER = "\ud800"
_BOOLS = {"true": True, "false": False}


class _LineTooLong(Exception):
    """Raised through csv.reader when a physical line was cut at MAX_LINE_BYTES."""


class _Columns(NamedTuple):
    width: int
    tweet_id: int
    author_id: int
    inbound: int
    created_at: int
    text: int
    reply: int


def _line_separator(head: bytes) -> bytes:
    """LF (also for CRLF files), or CR for old Mac files whose first line ends in a bare CR."""
    cr, lf = head.find(b"\r"), head.find(b"\n")
    if cr >= 0 and (lf < 0 or cr < lf - 1) and head[cr + 1 : cr + 2] != b"":
        return b"\r"
    return b"\n"


class _PhysicalLines:
    """(line with its separator, cut) pairs; a line over MAX_LINE_BYTES comes cut, its rest skipped.

    :meth:`skip_blank` passes over a run of empty lines in blocks (a search and counts over the
    buffer, no Python per line): 256 MiB of newlines took minutes line by line."""

    def __init__(self, stream: BinaryIO, head: bytes, sep: bytes):
        self.stream = stream
        self.sep = sep
        self.buf = head
        self.pos = 0
        self.eof = False
        self.content = re.compile(rb"[^\r\n]" if sep == b"\n" else rb"[^\r]")  # a byte that is no line end

    def __iter__(self) -> _PhysicalLines:
        return self

    def __next__(self) -> tuple[bytes, bool]:
        while True:
            end = self.buf.find(self.sep, self.pos)
            if end >= 0:
                line = self.buf[self.pos : end + 1]
                self.pos = end + 1
                return (line[:MAX_LINE_BYTES], True) if len(line) - 1 > MAX_LINE_BYTES else (line, False)
            if len(self.buf) - self.pos > MAX_LINE_BYTES:
                line = self.buf[self.pos : self.pos + MAX_LINE_BYTES]
                self._skip_line()
                return line, True
            if not self._fill():
                if self.pos < len(self.buf):
                    line, self.pos = self.buf[self.pos :], len(self.buf)
                    return line, False
                raise StopIteration

    def skip_blank(self) -> int:
        """Pass over the empty lines at the cursor (LF or CRLF ones; CR ones in a CR file);
        returns how many."""
        skipped = 0
        while True:
            m = self.content.search(self.buf, self.pos)
            end = m.start() if m else len(self.buf)
            last = self.buf.rfind(self.sep, self.pos, end) + 1  # just past the run's last whole line
            if last:
                if self.sep == b"\n" and self.buf.count(b"\r", self.pos, last) != self.buf.count(b"\r\n", self.pos, last):
                    return skipped  # a stray CR: a line with content, read the usual way
                skipped += self.buf.count(self.sep, self.pos, last)
                self.pos = last
            if m is not None or not self._fill():
                return skipped

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.stream.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def _skip_line(self) -> None:
        """Drop the rest of an over-long line (up to and with its separator), never holding it."""
        self.buf, self.pos = b"", 0
        while not self.eof:
            chunk = self.stream.read(_CHUNK)
            if not chunk:
                self.eof = True
                return
            end = chunk.find(self.sep)
            if end >= 0:
                self.buf = chunk[end + 1 :]
                return


class _RecordLines:
    """The line iterator csv.reader pulls from; it remembers the raw lines of the current record.

    csv.reader asks for exactly the lines one record needs (no look-ahead), so after each record
    ``start`` and ``raw`` describe that record, for quarantine entries.
    """

    def __init__(self, lines: _PhysicalLines, sep: bytes):
        self._lines = lines
        # CR inside a line of an LF file (but not the CR of a CRLF end, nor a CR ending the file);
        # LF anywhere in a CR file.
        self._stray = "\n" if sep == b"\r" else "\r"
        self._stray_re = re.compile("\n" if sep == b"\r" else r"\r(?!\n|\Z)")
        self.line_no = 0
        self.start = 1
        self.raw: list[bytes] = []
        self.undecodable = False
        self.protected = False

    def __iter__(self) -> _RecordLines:
        return self

    def __next__(self) -> str:
        if not self.raw:  # between records, where an empty line is no record: skip a run of them
            self.line_no += self._lines.skip_blank()
        line, cut = next(self._lines)
        self.line_no += 1
        self.raw.append(line)
        if len(self.raw) == 1:
            self.start = self.line_no
            line = line.removeprefix(BOM)  # not data at the start of a record (docs/robustness.md)
        if cut:
            raise _LineTooLong
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            self.undecodable = True  # csv still needs the line to find where the record ends
            text = line.decode("utf-8", "replace")
        if self._stray in text:
            text, n = self._stray_re.subn(_PLACEHOLDER, text)
            self.protected = self.protected or n > 0
        return text

    def restore(self, fields: list[str]) -> list[str]:
        if not self.protected:
            return fields
        return [f.replace(_PLACEHOLDER, self._stray) for f in fields]

    def raw_record(self) -> bytes:
        return b"".join(self.raw)

    def next_record(self) -> None:
        self.raw = []
        self.undecodable = self.protected = False


def _header(rows: Iterator[list[str]], lines: _RecordLines, ctx: ReadContext) -> _Columns:
    try:
        fields = next(f for f in rows if f)
    except StopIteration:
        raise UnknownFormatError(ctx.path, "empty file: no twcs header line") from None
    except _LineTooLong:
        raise UnknownFormatError(ctx.path, f"twcs header line longer than {MAX_LINE_BYTES} bytes") from None
    except csv.Error:
        raise UnknownFormatError(ctx.path, f"unreadable twcs header line: {csv_record()}") from None
    lines.next_record()
    names = [f.strip().lower() for f in fields]
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)
    missing = [c for c in REQUIRED_COLUMNS if c not in index]
    if missing:
        raise UnknownFormatError(
            ctx.path, f"twcs header lacks column(s) {', '.join(missing)} (header: {','.join(fields)[:300]})"
        )
    return _Columns(len(fields), *(index[c] for c in REQUIRED_COLUMNS))


def _id(value: str, column: str) -> int | None:
    try:
        return parse_id(value)
    except ValueError as exc:
        raise ValueError(f"{column}: {exc}") from None


def _mentions(text: str) -> list[tuple[str | None, str | None]]:
    return [(h if h.isdigit() else None, h) for _, h in mentions_from_text(text)]


def _add_row(builder: RowBuilder, fields: list[str], cols: _Columns) -> None:
    """Append one data row; raises ValueError (the quarantine reason) before touching the builder."""
    if len(fields) != cols.width:
        raise ValueError(f"{len(fields)} fields where the header has {cols.width}")
    tweet_id = _id(fields[cols.tweet_id], "tweet_id")
    if tweet_id is None:
        raise ValueError("empty tweet_id")
    author = fields[cols.author_id]
    if not author.strip():
        raise ValueError("empty author_id")
    inbound = _BOOLS.get(fields[cols.inbound].strip().lower())
    if inbound is None:
        raise ValueError(f"inbound is neither true nor false: {fields[cols.inbound][:50]!r}")
    created_text = fields[cols.created_at].strip()
    created_at = plausible_time(parse_twitter_date(created_text), created_text)
    reply_to = _id(fields[cols.reply], "in_response_to_tweet_id")
    text = unescape_text(fields[cols.text])
    builder.add(
        tweet_id,
        created_at,
        author,
        author,
        text,
        in_reply_to_tweet_id=reply_to,
        mentions=_mentions(text),
        inbound=inbound,
    )


def _record(
    builder: RowBuilder, fields: list[str], cols: _Columns, lines: _RecordLines, ctx: ReadContext
) -> None:
    if lines.undecodable:
        ctx.quarantine(lines.start, invalid_utf8(lines.raw_record()), lines.raw_record())
        return
    try:
        _add_row(builder, fields, cols)
    except ValueError as exc:
        ctx.quarantine(lines.start, str(exc), lines.raw_record())


def read(stream: BinaryIO, ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    head = stream.read(_CHUNK)
    sep = _line_separator(head)
    lines = _RecordLines(_PhysicalLines(stream, head, sep), sep)
    rows = csv.reader(lines)
    cols = _header(rows, lines, ctx)
    builder = ctx.builder()
    while True:
        try:
            fields = next(rows)
        except StopIteration:
            break
        except _LineTooLong:
            ctx.quarantine(lines.start, f"line longer than {MAX_LINE_BYTES} bytes", lines.raw_record())
        except csv.Error:
            ctx.quarantine(lines.start, csv_record(), lines.raw_record())
        else:
            if fields:  # a blank line is no record
                _record(builder, lines.restore(fields), cols, lines, ctx)
        lines.next_record()
        if builder.full:
            yield builder.flush()
    if batch := builder.flush():
        yield batch


register_format(Format(
    name="twcs",
    description='Kaggle "Customer Support on Twitter" CSV (twcs.csv)',
    read=read,
))
