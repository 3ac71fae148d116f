"""Writing what a command produces to ``--output PATH``: one writer for every command.

What it does with the path it is given:

- a **regular file**, or a name that does not exist yet: written under a temporary name in the
  same directory and renamed over the target when complete, so a reader never sees half a
  report and a failed write leaves the old file as it was (its permission bits are kept);
- a **character device or a FIFO** (``/dev/full``, ``/dev/null``, a named pipe), and anything
  under ``/dev`` or ``/proc`` (``/dev/stdout``): opened and written, never replaced. Renaming
  over them would swap the device or pipe for a regular file;
- a **symbolic link**: followed, never replaced; the file it points to is written as above. A
  link to nothing is refused;
- refused: a directory, a block device, a socket, and any path **inside a kwo archive** (the
  archive being reported, or any directory that holds a kwo manifest): ``--output
  A/manifest.json`` would otherwise destroy the archive it was asked to report on.

``-`` means standard output. Refusals raise :class:`kwo.errors.UsageError` (the path is a bad
option value); failures while writing raise :class:`kwo.errors.OutputError`.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .archive.url import local_folder
from .errors import OutputError, UsageError

MANIFEST = "manifest.json"  # kwo.archive.MANIFEST, repeated so that this module imports no DuckDB
_SPECIAL_ROOTS = ("/dev/", "/proc/")


@dataclass(frozen=True)
class OutputTarget:
    """A checked output path: ``kind`` is ``stdout``, ``open`` (written in place) or ``replace``
    (temp file + rename onto ``path``, which symlinks are resolved in)."""

    given: str
    path: str
    kind: str


def archive_holding(path: str | os.PathLike) -> Path | None:
    """The kwo archive ``path`` lies in (its nearest directory with a kwo manifest), if any."""
    p = Path(os.path.realpath(path))
    for directory in [p, *p.parents]:
        if _is_archive(directory):
            return directory
    return None


def _is_archive(directory: Path) -> bool:
    """A directory with kwo's manifest.json, or with a manifest.json beside kwo's tweets/ folder
    (a manifest damaged beyond reading still marks an archive)."""
    manifest = directory / MANIFEST
    try:
        if not manifest.is_file():
            return False
        if (directory / "tweets").is_dir():
            return True
        with open(manifest, "rb") as f:
            data = json.loads(f.read(64 << 20))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and "parts" in data and "files" in data


def check_output(path: str, *, archives: Iterable[str | os.PathLike] = (), what: str = "--output") -> OutputTarget:
    """Where writing ``path`` would go, or a UsageError saying why kwo will not write there."""
    if path == "-":
        return OutputTarget(path, path, "stdout")
    if not path:
        raise UsageError(f"{what}: the file name is empty")
    if path.endswith(("/", os.sep)):
        raise UsageError(f"{what} {path}: is a directory name; give a file name")
    real = os.path.realpath(path)
    for archive in archives:
        folder = local_folder(archive)  # a file:// URL's folder; None: a URL of another file system
        if folder is None:
            continue
        root = os.path.realpath(folder)
        if real == root or real.startswith(root.rstrip(os.sep) + os.sep):
            raise UsageError(f"{what} {path}: is inside the archive {archive}; kwo does not write into an "
                             "archive (choose a path outside it)")
    holder = archive_holding(os.path.dirname(real) or ".")
    if holder is not None:
        raise UsageError(f"{what} {path}: is inside the kwo archive {holder}; kwo does not write into an "
                         "archive (choose a path outside it)")
    try:
        st = os.stat(path)  # follows symlinks: what would be written
    except FileNotFoundError:
        if os.path.islink(path):
            raise UsageError(f"{what} {path}: is a symbolic link to {os.readlink(path)}, which does not exist; "
                             "kwo does not replace links") from None
        parent = os.path.dirname(real) or "."
        if not os.path.isdir(parent):
            raise UsageError(f"{what} {path}: the directory {os.path.dirname(path) or '.'} does not exist") from None
        return OutputTarget(path, real, "replace")
    except OSError as exc:
        raise UsageError(f"{what} {path}: {exc.strerror or exc}") from None
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise UsageError(f"{what} {path}: is a directory")
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return OutputTarget(path, path, "open")
    if stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        kind = "block device" if stat.S_ISBLK(mode) else "socket"
        raise UsageError(f"{what} {path}: is a {kind}; kwo writes to files, FIFOs and character devices")
    if os.path.abspath(path).startswith(_SPECIAL_ROOTS):
        return OutputTarget(path, path, "open")  # /dev/stdout redirected to a file: the shell's file
    return OutputTarget(path, real, "replace")


@contextmanager
def open_output(target: OutputTarget | str, *, binary: bool = False,
                archives: Iterable[str | os.PathLike] = ()) -> Iterator[IO]:
    """A stream to write the output to; complete (renamed into place) when the block ends without
    an exception, removed when it raises. Checks the path again (it may have changed since)."""
    given = target.given if isinstance(target, OutputTarget) else target
    target = check_output(given, archives=archives)
    if target.kind == "stdout":
        stream = sys.stdout.buffer if binary else sys.stdout
        yield stream
        stream.flush()
        return
    if target.kind == "open":
        try:
            f = open(target.path, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"}))
        except OSError as exc:
            raise OutputError(f"{given}: cannot write: {exc.strerror or exc}") from None
        try:
            with f:
                yield f
        except OSError as exc:
            raise OutputError(f"{given}: cannot write: {exc.strerror or exc}") from None
        return
    yield from _replace(given, target.path, binary)


def _replace(given: str, path: str, binary: bool) -> Iterator[IO]:
    directory, name = os.path.split(path)
    tmp = os.path.join(directory, f".{name}.kwo-tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        # O_EXCL: never through a link or over a file someone put at the temporary name
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise OutputError(f"{given}: cannot write: {exc.strerror or exc}") from None
    try:
        try:
            old_mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            old_mode = None
        with open(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": ""})) as f:
            yield f
            f.flush()
            if old_mode is not None:
                os.fchmod(f.fileno(), old_mode)
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise OutputError(f"{given}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        _unlink_quietly(tmp)
        raise


def write_output(target: OutputTarget | str, data: str | bytes, *, archives: Iterable[str | os.PathLike] = ()) -> None:
    """Write ``data`` (text or bytes) as the whole output."""
    with open_output(target, binary=isinstance(data, bytes), archives=archives) as f:
        f.write(data)


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


__all__ = ["OutputTarget", "archive_holding", "check_output", "open_output", "write_output"]
