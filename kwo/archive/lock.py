"""One writer at a time: the archive's lock, and the compare-and-swap of its manifest.

The lock is an exclusive ``flock`` on ``ARCHIVE/.lock``. The OS releases it when the holder
exits or dies, so a lock is never stale and kwo does not delete the file (but with the folder a
failed first ingest made, under the lock: kwo.archive.layout.remove_new_archive). A user may still delete
it (it looks stale to anyone who does not know flock); then a second writer can lock a new
``.lock`` while the first one runs. Two more checks keep that from losing data:

- a writer finds the staging folder of a writer that is still running (its journal is flocked,
  kwo.archive.leftovers) and refuses to start;
- :func:`publish` replaces the manifest only if it is still the one the writer started from
  (the same bytes; its ``generation`` counts the publishes), under an flock on the archive
  folder itself, which no one can delete while it holds an archive. Otherwise it fails loudly
  and the run publishes nothing.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import stat
import time
from pathlib import Path

from ..errors import ArchiveError
from .layout import LOCK_FILE, MANIFEST, fsync_dir, link_error
from .manifest import Manifest


class WriterLock:
    """The exclusive flock on ``root/.lock``, waited for up to ``wait`` seconds (``on_wait(wait)``
    is called once when waiting starts). ``busy`` ends the message when the lock stays held."""

    def __init__(self, root: Path, *, wait: float = 0.0, on_wait=None,
                 busy: str = "try again when it has finished (kwo ingest --wait SECONDS waits longer)"):
        self.root = root
        self.path = root / LOCK_FILE
        self._fd = _acquire(self.path, root, wait, on_wait, busy)

    def still_held(self) -> bool:
        """Whether ``.lock`` is still the file this lock holds (not deleted or replaced)."""
        try:
            st = os.lstat(self.path)
        except FileNotFoundError:
            return False
        held = os.fstat(self._fd)
        return (st.st_dev, st.st_ino) == (held.st_dev, held.st_ino)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # releases the flock
            self._fd = None


def _acquire(path: Path, root: Path, wait: float, on_wait, busy: str) -> int:
    deadline = time.monotonic() + wait
    while True:
        fd = _open_lock_file(path, root)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            left = deadline - time.monotonic()
            if left <= 0:
                waited = f" (waited {wait:g} s)" if wait else ""
                raise ArchiveError(f"{root}: another kwo ingest is writing to this archive{waited}; {busy}") from None
            if on_wait is not None:
                on_wait(wait)
                on_wait = None
            time.sleep(min(0.1, left))
            continue
        # Locked: but if .lock was deleted (or replaced) between the open and the flock, this
        # is a lock nobody else will ever see. Lock the file that is there now instead.
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            st = None
        held = os.fstat(fd)
        if st is not None and (st.st_dev, st.st_ino) == (held.st_dev, held.st_ino):
            return fd
        os.close(fd)


def _open_lock_file(path: Path, root: Path) -> int:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise link_error(root, LOCK_FILE) from None
        raise ArchiveError(f"{root}: cannot open the lock file {LOCK_FILE}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ArchiveError(f"{root}: {LOCK_FILE} is not a regular file")
    return fd


def read_manifest_bytes(root: Path) -> bytes | None:
    """The bytes of ``root/manifest.json`` (None when there is none), never through a link."""
    try:
        fd = os.open(root / MANIFEST, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise link_error(root, MANIFEST) from None
        raise ArchiveError(f"{root / MANIFEST}: unreadable manifest: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise ArchiveError(f"{root / MANIFEST}: not a regular file")
        try:
            return f.read()
        except OSError as exc:
            raise ArchiveError(f"{root / MANIFEST}: unreadable manifest: {exc.strerror or exc}") from None


def publish(root: Path, manifest: Manifest, *, started_from: bytes | None, tmp_dir: Path,
            before_rename=None) -> None:
    """Replace ``root/manifest.json`` by ``manifest`` if it still holds ``started_from`` (None:
    there was no manifest), atomically: written and fsynced in ``tmp_dir`` (a folder of the same
    file system), renamed over the manifest, the folder fsynced. ``before_rename()`` is called
    once the swap is certain (the run's journal records it)."""
    tmp = tmp_dir / MANIFEST
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(manifest.to_json())
        f.flush()
        os.fsync(f.fileno())
    with _folder_lock(root):
        now = read_manifest_bytes(root)
        if now != started_from:
            raise ArchiveError(
                f"{root}: the manifest changed while this ingest ran ({_generation(started_from)} "
                f"when it started, {_generation(now)} now): another program wrote to the archive "
                f"at the same time, which the lock should have prevented (was {LOCK_FILE} deleted? "
                "kwo never needs that). Nothing of this run was published, and the archive is as "
                "the other writer left it; run this ingest again"
            )
        if before_rename is not None:
            before_rename()
        os.replace(tmp, root / MANIFEST)
    fsync_dir(root)


def _generation(data: bytes | None) -> str:
    if data is None:
        return "no manifest"
    try:
        return f"generation {int(json.loads(data).get('generation', 0))}"
    except (ValueError, TypeError, AttributeError):
        return "an unreadable manifest"


class _folder_lock:
    """An exclusive flock on the archive folder for the few system calls of a manifest swap.
    Where the file system cannot lock a folder, the comparison alone remains."""

    def __init__(self, root: Path):
        self.root = root
        self.fd: int | None = None

    def __enter__(self):
        try:
            self.fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except OSError:
            if self.fd is not None:
                os.close(self.fd)
                self.fd = None
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)

