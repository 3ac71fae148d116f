"""Opening inputs: files or ``-`` (stdin), compressed or not, hashed while they stream."""

from __future__ import annotations

import bz2
import hashlib
import io
import os
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from ..errors import InputError

HEAD_BYTES = 256 * 1024
_READ_BUFFER = 1 << 20

_MAGIC = {
    b"\x1f\x8b": "gzip",
    b"BZh": "bz2",
    b"\x28\xb5\x2f\xfd": "zstd",
}


def compression_of(head: bytes) -> str | None:
    for magic, name in _MAGIC.items():
        if head.startswith(magic):
            return name
    if len(head) >= 4 and head[0] & 0xF0 == 0x50 and head[1:4] == b"\x2a\x4d\x18":
        return "zstd"  # a skippable frame first, as pzstd writes
    return None


class _HashingReader(io.RawIOBase):
    """Passes bytes through while hashing them and counting them (for sha256 and progress)."""

    def __init__(self, raw: BinaryIO, on_bytes=None):
        self._raw = raw
        self.sha256 = hashlib.sha256()
        self.nbytes = 0
        self._on_bytes = on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self._raw.readinto(b)
        if n:
            mv = memoryview(b)[:n]
            self.sha256.update(mv)
            self.nbytes += n
            if self._on_bytes:
                self._on_bytes(n)
        return n or 0


class _Prefixed(io.RawIOBase):
    """A stream whose first bytes were already read (to sniff them) and are served again, after
    ``newlines`` line ends: the blank lines skipped before them, served again without ever being
    held (so line numbers stay those of the file)."""

    def __init__(self, head: bytes, rest: BinaryIO, newlines: int = 0):
        self._head = memoryview(head)
        self._rest = rest
        self._newlines = newlines

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self._newlines:
            n = min(len(b), self._newlines)
            b[:n] = b"\n" * n
            self._newlines -= n
            return n
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        return self._rest.readinto(b)


#: Bytes that make a line blank (and a UTF-8 BOM, which may come before them).
BLANK = b" \t\r\n"

#: An input that decompresses to more than EXPANSION_RATIO times its size, and to at least
#: EXPANSION_MIN_BYTES, gets a note in the ingest summary: tweet JSON compresses 5- to 15-fold
#: (gzip 6-fold on the KWO16 sample, zstd -19 a little more), so a hundredfold file is mostly
#: repetition (a bomb, blank lines, one record copied over and over). It is read all the same.
EXPANSION_RATIO = 100
EXPANSION_MIN_BYTES = 16 << 20


def expansion_note(size: int | None, decompressed: int | None) -> str | None:
    """The ingest summary's note on an input whose decompressed size is absurd, or None."""
    if not size or not decompressed or decompressed < EXPANSION_MIN_BYTES or decompressed < size * EXPANSION_RATIO:
        return None
    return (f"decompressed to {decompressed / size:,.0f} times its size ({_size(size)} to {_size(decompressed)}): "
            "a file this repetitive is mostly blank lines or filler, not tweets")


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"


def _skip_blank(stream: BinaryIO, head: bytearray) -> int:
    """When ``head`` (the first bytes read) starts with blank lines: drop them and read on past
    more of them in blocks, at the speed of bytes.lstrip and never holding them, until a line with
    content; then fill ``head`` up to HEAD_BYTES from there. Returns the line ends dropped (served
    again by _Prefixed). Detection then sees the content, not 256 KiB of blank lines."""
    newlines = 0
    while True:
        first = len(head) - len(head.lstrip(BLANK))  # where the content starts
        cut = head.rfind(b"\n", 0, first) + 1  # the blank lines end there (spaces after it stay)
        if cut:
            newlines += head.count(b"\n", 0, cut)
            del head[:cut]
        if first - cut < len(head):
            break  # content
        chunk = stream.read(HEAD_BYTES)
        if not chunk:
            return newlines
        head += chunk
    while newlines and len(head) < HEAD_BYTES:
        chunk = stream.read(HEAD_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    return newlines


def _decompressor(kind: str | None, raw: BinaryIO) -> BinaryIO:
    if kind == "gzip":
        try:
            from isal import igzip  # 2x the gzip module's speed (DESIGN.md section 7)

            return igzip.IGzipFile(fileobj=raw, mode="rb")
        except ImportError:  # pragma: no cover - isal is a dependency; keep a fallback anyway
            import gzip

            return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "bz2":
        return bz2.BZ2File(raw, "rb")
    if kind == "zstd":
        import zstandard

        return zstandard.ZstdDecompressor().stream_reader(_ZstdFrames(raw), read_across_frames=True)
    return raw


_ZSTD_MAGIC = 0xFD2FB528
_ZSTD_SKIPPABLE = range(0x184D2A50, 0x184D2A60)


class _ZstdFrames(io.RawIOBase):
    """Passes zstd data through while following its frame structure (frame headers and block
    sizes, without decoding anything), so that data ending inside a frame is an error: the
    zstandard stream reader just ends there, as if the file were whole."""

    _FIELD_BYTES = {"magic": 4, "skippable": 4, "descriptor": 1, "block": 3}

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._checksum = False
        self._head = bytearray()
        self._expect("magic")

    def _expect(self, field: str, skip: int = 0) -> None:
        """Pass over ``skip`` bytes, then gather the header field ``field``."""
        self._field, self._want, self._skip = field, self._FIELD_BYTES[field], skip

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self._raw.readinto(b) or 0
        if n:
            self._walk(memoryview(b)[:n])
        elif self._field != "magic" or self._head or self._skip:
            raise EOFError("the data ends inside a zstd frame")
        return n

    def _walk(self, data: memoryview) -> None:
        i = 0
        while i < len(data):
            if self._skip:
                k = min(self._skip, len(data) - i)
                self._skip -= k
                i += k
                continue
            k = min(self._want - len(self._head), len(data) - i)
            self._head += data[i : i + k]
            i += k
            if len(self._head) == self._want:
                value = int.from_bytes(self._head, "little")
                self._head.clear()
                self._gathered(value)

    def _gathered(self, value: int) -> None:
        field = self._field
        if field == "magic":
            if value == _ZSTD_MAGIC:
                self._expect("descriptor")
            elif value in _ZSTD_SKIPPABLE:
                self._expect("skippable")
            else:
                raise ValueError("not zstd data where a frame should start")
        elif field == "skippable":  # its size, then its data
            self._expect("magic", skip=value)
        elif field == "descriptor":  # Frame_Header_Descriptor: how long the rest of the header is
            single = value >> 5 & 1
            self._checksum = bool(value >> 2 & 1)
            rest = (0 if single else 1) + (0, 1, 2, 4)[value & 3] + (single, 2, 4, 8)[value >> 6]
            self._expect("block", skip=rest)
        else:  # Block_Header: last-block flag, block type, block size
            kind, size = value >> 1 & 3, value >> 3
            if kind == 3:
                raise ValueError("corrupt zstd data (reserved block type)")
            data = 1 if kind == 1 else size  # an RLE block holds one byte
            if value & 1:
                self._expect("magic", skip=data + (4 if self._checksum else 0))
            else:
                self._expect("block", skip=data)


class _Guarded(io.RawIOBase):
    """Turns decompression failures (truncated or corrupt data) into an InputError naming the file;
    counts the decompressed bytes."""

    def __init__(self, inner: BinaryIO, path: str, kind: str | None):
        self._inner = inner
        self._path = path
        self._kind = kind
        self.nbytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        # The decompressors' own messages are not passed on (they change between releases).
        try:
            n = self._inner.readinto(b) or 0
            self.nbytes += n
            return n
        except EOFError:
            raise InputError(self._path, f"truncated or corrupt {self._what}: it ends inside the compressed data") from None
        except OSError as exc:
            if exc.errno is not None:  # the disk, not the data
                raise InputError(self._path, f"cannot read: {exc.strerror}") from None
            raise InputError(self._path, f"truncated or corrupt {self._what}: the compressed data is damaged") from None
        except (zlib.error, ValueError):
            raise InputError(self._path, f"truncated or corrupt {self._what}: the compressed data is damaged") from None
        except Exception as exc:  # zstandard.ZstdError and friends
            if type(exc).__name__.endswith("Error") and self._kind:
                raise InputError(self._path, f"truncated or corrupt {self._what}: the compressed data is damaged") from None
            raise

    @property
    def _what(self) -> str:
        return f"{self._kind} data" if self._kind else "file"


@dataclass
class OpenedInput:
    """A decompressed, buffered stream plus what is known about the file it comes from."""

    path: str
    stream: io.BufferedReader
    head: bytes  # the first decompressed bytes with content (after blank lines), for format detection
    compression: str | None
    _hasher: _HashingReader
    size: int | None
    _decompressed: _Guarded | None = None

    @property
    def bytes_read(self) -> int:
        return self._hasher.nbytes

    @property
    def decompressed_bytes(self) -> int | None:
        """Decompressed bytes read so far (None for an uncompressed input)."""
        return self._decompressed.nbytes if self._decompressed is not None and self.compression else None

    def sha256(self) -> str:
        """Hash of the raw (compressed) bytes; complete once the stream has been read to the end."""
        return self._hasher.sha256.hexdigest()

    def drain(self) -> None:
        """Read what the reader left unread, so that the hash covers the whole file."""
        while self._hasher.read(_READ_BUFFER):
            pass


def file_sha256(path: str) -> str:
    """The sha256 of a file, read into one reused buffer (no fresh pages per chunk). The ingest's
    main process hashes a file cut into byte ranges while the workers parse it."""
    h = hashlib.sha256()
    buf = bytearray(_READ_BUFFER)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as f:
        while n := f.readinto(buf):
            h.update(view[:n])
    return h.hexdigest()


@contextmanager
def open_input(path: str, on_bytes=None, member=None) -> Iterator[OpenedInput]:
    """Open ``path`` (or ``-`` for stdin) as a stream of decompressed bytes; with ``member`` (a
    kwo.io.zip.Member), that member of a zip, ``path`` being its ``PATH!member`` name."""
    if member is not None:
        from .zip import open_member

        raw = open_member(member)
        size = member.size
        close = True
    elif path == "-":
        raw: BinaryIO = sys.stdin.buffer
        size = None
        close = False
    else:
        try:
            raw = open(path, "rb")
            size = os.fstat(raw.fileno()).st_size
        except IsADirectoryError:
            raise InputError(path, "is a directory, not a file") from None
        except OSError as exc:
            raise InputError(path, f"cannot open: {exc.strerror or exc}") from None
        close = True
    try:
        hasher = _HashingReader(raw, on_bytes)
        buffered_raw = io.BufferedReader(hasher, _READ_BUFFER)
        try:
            magic = buffered_raw.peek(4)[:4]
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
        kind = compression_of(magic)
        guarded = _Guarded(_decompressor(kind, buffered_raw), path, kind)
        if member is not None:  # a zip bomb, or a .gz bomb inside a zip, stops at its limit
            from .zip import Bounded

            guarded = Bounded(guarded, member)
        head = bytearray()
        while len(head) < HEAD_BYTES:
            chunk = guarded.read(HEAD_BYTES - len(head))
            if not chunk:
                break
            head += chunk
        bom = b"\xef\xbb\xbf" if head.startswith(b"\xef\xbb\xbf") else b""
        del head[: len(bom)]
        newlines = _skip_blank(guarded, head)
        head = bom + bytes(head) if not newlines else bytes(head)  # a BOM before blank lines goes with them
        stream = io.BufferedReader(_Prefixed(head, guarded, newlines), _READ_BUFFER)
        yield OpenedInput(path, stream, head, kind, hasher, size, guarded)
    finally:
        if close:
            raw.close()
