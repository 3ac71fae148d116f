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

from .errors import InputError

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
    """A stream whose first bytes were already read (to sniff them) and are served again."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        return self._rest.readinto(b)


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

        return zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
    return raw


class _Guarded(io.RawIOBase):
    """Turns decompression failures (truncated or corrupt data) into an InputError naming the file."""

    def __init__(self, inner: BinaryIO, path: str, kind: str | None):
        self._inner = inner
        self._path = path
        self._kind = kind

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        try:
            return self._inner.readinto(b) or 0
        except (EOFError, OSError, zlib.error, ValueError) as exc:
            what = f"{self._kind} data" if self._kind else "file"
            raise InputError(self._path, f"truncated or corrupt {what}: {exc}") from None
        except Exception as exc:  # zstandard.ZstdError and friends
            if type(exc).__name__.endswith("Error") and self._kind:
                raise InputError(self._path, f"truncated or corrupt {self._kind} data: {exc}") from None
            raise


@dataclass
class OpenedInput:
    """A decompressed, buffered stream plus what is known about the file it comes from."""

    path: str
    stream: io.BufferedReader
    head: bytes  # the first decompressed bytes, for format detection
    compression: str | None
    _hasher: _HashingReader
    size: int | None

    @property
    def bytes_read(self) -> int:
        return self._hasher.nbytes

    def sha256(self) -> str:
        """Hash of the raw (compressed) bytes; complete once the stream has been read to the end."""
        return self._hasher.sha256.hexdigest()

    def drain(self) -> None:
        """Read what the reader left unread, so that the hash covers the whole file."""
        while self._hasher.read(_READ_BUFFER):
            pass


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_READ_BUFFER):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def open_input(path: str, on_bytes=None) -> Iterator[OpenedInput]:
    """Open ``path`` (or ``-`` for stdin) as a stream of decompressed bytes."""
    if path == "-":
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
        head = bytearray()
        while len(head) < HEAD_BYTES:
            chunk = guarded.read(HEAD_BYTES - len(head))
            if not chunk:
                break
            head += chunk
        head = bytes(head)
        stream = io.BufferedReader(_Prefixed(head, guarded), _READ_BUFFER)
        yield OpenedInput(path, stream, head, kind, hasher, size)
    finally:
        if close:
            raw.close()
