"""JSON documents (arrays, search responses, objects, several concatenated) read in chunks, one
element in memory at a time."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import BinaryIO

import msgspec
import pyarrow as pa

from ..base import (
    EXCERPT_BYTES,
    MAX_RECORD_BYTES,
    too_long_reason,
)
from .records import _Reader
from .scanner import (
    _CLOSE_ARRAY,
    _CLOSE_OBJECT,
    _COLON,
    _COMMA,
    _NUMBER_START,
    _OPEN_ARRAY,
    _OPEN_OBJECT,
    _QUOTE,
    _WHITESPACE,
    _size_of_first_value,
    _SyntaxError,
)
from .tweet import RESPONSE_KEYS

_CHUNK = 1 << 20



class _Document:
    """JSON documents read in chunks. Each array element (or top-level object) is located by
    letting msgspec skip over it, then decoded on its own, so memory holds one element at a time
    and a search response's list is streamed like a top-level array.
    """

    def __init__(self, reader: _Reader, head: bytes, stream: BinaryIO, first_line: int = 1):
        self.reader = reader
        self.stream = stream
        self.buf = head
        self.pos = 0  # the cursor
        self.mark = 0  # start of the value being read: kept when the buffer is refilled
        self.eof = False
        self.line_pos = 0  # self.line is the line number at buffer offset self.line_pos
        self.line = first_line

    def batches(self) -> Iterator[pa.RecordBatch]:
        try:
            while (c := self._peek(release=True)) is not None:
                if c == _OPEN_ARRAY:
                    yield from self._array(in_response=False)
                elif c == _OPEN_OBJECT:
                    yield from self._object()
                else:
                    self._value(in_response=False)
                if self.reader.ready:
                    yield from self.reader.take()
        except _SyntaxError as exc:
            self.reader.flush()  # the records before the break come first
            self.reader.ctx.quarantine(
                self._line_at_mark(),
                f"broken JSON document ({exc}); the rest of the document cannot be read",
                self.buf[self.mark : self.mark + EXCERPT_BYTES],
            )
        yield from self.reader.finish()

    def _array(self, in_response: bool) -> Generator[pa.RecordBatch, None, int]:
        """The elements of the array at the cursor, each one record. Returns their number."""
        self.pos += 1
        count = 0
        c = self._peek(release=True)
        if c == _CLOSE_ARRAY:
            self.pos += 1
            return count
        while True:
            if c is None:
                raise _SyntaxError("the data ends inside an array")
            self._value(in_response)
            count += 1
            if self.reader.ready:
                yield from self.reader.take()
            c = self._peek(release=True)
            if c == _CLOSE_ARRAY:
                self.pos += 1
                return count
            if c != _COMMA:
                raise _SyntaxError("expected , or ] after an array element")
            self.pos += 1
            c = self._peek(release=True)

    def _object(self) -> Generator[pa.RecordBatch, None, None]:
        """A top-level object: a response (its lists streamed) or one record (read whole)."""
        self.mark = self.pos
        line = self._line_at_mark()
        self.pos += 1
        listed: int | None = None  # records in response lists; None while not a response
        c = self._peek()
        while c != _CLOSE_OBJECT:
            if c != _QUOTE:
                raise _SyntaxError("expected a key in an object")
            key = self._key()
            if self._peek() != _COLON:
                raise _SyntaxError("expected : after a key")
            self.pos += 1
            c = self._peek()
            if key in RESPONSE_KEYS and c == _OPEN_ARRAY:
                listed = (listed or 0) + (yield from self._array(in_response=True))
            elif c is None:
                raise _SyntaxError("the data ends inside an object")
            else:
                self.pos = self._value_end()
            c = self._peek()
            if c == _COMMA:
                self.pos += 1
                c = self._peek()
            elif c != _CLOSE_OBJECT:
                raise _SyntaxError("expected , or } after a value")
        self.pos += 1
        if listed is None:
            self.reader.element(line, self.buf[self.mark : self.pos])
        elif listed == 0:
            self.reader.ctx.notice()  # an empty result page, as in _Reader._response

    def _key(self) -> str | None:
        end = self._value_end()
        try:
            key = msgspec.json.decode(self.buf[self.pos : end])
        except ValueError:
            key = None  # e.g. invalid UTF-8: not a response key; the record will say what is wrong
        self.pos = end
        return key

    def _value(self, in_response: bool) -> None:
        self.mark = self.pos
        line = self._line_at_mark()
        end = self._value_end()
        self.pos = end
        self.reader.element(line, self.buf[self.mark : end], in_response)

    def _value_end(self) -> int:
        """Offset just past the value at the cursor (trailing whitespace included)."""
        while True:
            size = _size_of_first_value(memoryview(self.buf)[self.pos :])
            if size is None:
                if self._more():
                    continue
                raise _SyntaxError("the data ends inside a value")
            end = self.pos + size
            # A number that reaches the end of the buffer may go on in the next chunk.
            if end == len(self.buf) and self.buf[self.pos] in _NUMBER_START and self._more():
                continue
            return end

    def _peek(self, release: bool = False) -> int | None:
        """The next non-blank byte (the cursor moves onto it), None at the end of the data.

        ``release``: nothing before the cursor is needed any more (between array elements and
        top-level values), so that a long run of blanks is not kept in memory.
        """
        if release:
            self.mark = self.pos
        while True:
            self.pos = _WHITESPACE.match(self.buf, self.pos).end()
            if release:  # the blanks go too: 256 MiB of newlines between elements was "a record too long"
                self.mark = self.pos
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return None

    def _more(self) -> bool:
        """Read more data, dropping what lies before the mark. False at the end of the data."""
        if self.eof:
            return False
        if len(self.buf) - self.mark > MAX_RECORD_BYTES:
            # Not a tweet record; holding it whole would let memory grow with the input.
            raise _SyntaxError(too_long_reason(len(self.buf) - self.mark, complete=False))
        # Grow with the value being read, so that a huge value is re-scanned a few times only.
        chunk = self.stream.read(max(_CHUNK, len(self.buf) - self.mark))
        if not chunk:
            self.eof = True
            return False
        keep = self.mark
        if self.line_pos < keep:
            self._line_at_mark()
        self.line_pos -= keep
        self.buf = self.buf[keep:] + chunk
        self.pos -= keep
        self.mark = 0
        return True

    def _line_at_mark(self) -> int:
        self.line += self.buf.count(b"\n", self.line_pos, self.mark)
        self.line_pos = self.mark
        return self.line
