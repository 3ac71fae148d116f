"""Standard output of the ``kwo`` command: a full disk or a closed pipe ends it cleanly.

Python reports a failed write to standard output as an OSError wherever it happens (inside rich,
click or the interpreter's last flush at exit), which gave tracebacks or "Exception ignored"
messages. :func:`guarded_stdout` puts standard output behind a writer whose failures are a type
of their own, :class:`StdoutFailed`, so the command line can tell them from every other error:

- a **closed pipe** (``kwo sql ... | head``): the reader has all it wanted; kwo stops without a
  word, with exit status 141 (128 + SIGPIPE, what a shell reports for ``cat`` in that place);
- any other failure (``> /dev/full``, a quota): ``Error: cannot write to standard output: No
  space left on device`` on stderr, exit status 1.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

#: The exit status after a closed pipe.
EXIT_PIPE_CLOSED = 128 + 13


class StdoutFailed(Exception):
    """Writing to standard output failed (not an OSError: nothing on the way may swallow it)."""

    def __init__(self, error: OSError):
        super().__init__(error.strerror or str(error))
        self.error = error

    @property
    def pipe_closed(self) -> bool:
        return self.error.errno == errno.EPIPE


class _StdoutRaw(io.RawIOBase):
    def __init__(self, fd: int):
        self._fd = fd

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        try:
            return os.write(self._fd, b)
        except OSError as exc:
            raise StdoutFailed(exc) from None

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def fileno(self) -> int:
        return self._fd

    def close(self) -> None:  # never closes the process's fd 1
        super().close()


@contextmanager
def guarded_stdout() -> Iterator[None]:
    """While the block runs, ``sys.stdout`` raises :class:`StdoutFailed` when a write fails; at the
    end it is flushed (a failure there raises too). Only the process's own standard output is
    replaced, not a stream a test harness put there."""
    original = sys.stdout
    try:
        fd = original.fileno() if original is sys.__stdout__ and original is not None else None
    except (OSError, ValueError, AttributeError):
        fd = None
    if fd is None:
        yield
        return
    original.flush()
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(_StdoutRaw(fd)), encoding=original.encoding,
                                  errors=original.errors, line_buffering=original.line_buffering)
    try:
        yield
    finally:
        # also when the block ends in SystemExit (click's way of ending every command): what is
        # still buffered must reach the file, or the failure be said
        try:
            sys.stdout.flush()
        except StdoutFailed:
            silence_stdout()
            raise
        sys.stdout = original


def silence_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until the process ends


__all__ = ["EXIT_PIPE_CLOSED", "StdoutFailed", "guarded_stdout", "silence_stdout"]
