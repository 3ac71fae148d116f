"""Where DuckDB spills to (and a local Spark session puts its warehouse), and the cleaning up after
runs that died.

Every kwo process that opens a DuckDB connection gets one folder under the system temp dir,
``kwo-spill-<pid>-<8 hex>/``, made by kwo (mode 0700) and holding ``.kwo-lock``, a file the
process keeps an exclusive ``flock`` on until it exits (the OS releases it when the process dies,
however it dies). Each connection spills into a subfolder ``c<n>/`` of it, which DuckDB makes and
removes when the connection closes; the report's scratch databases are ``scratch-<n>.duckdb`` in
it. At exit the process removes its folder.

A process killed with SIGKILL (or by the kernel for memory) leaves its folder behind, and DuckDB's
spill files in it can be gigabytes. The next kwo process that opens a connection removes such
folders (:func:`clean_dead_folders`), and only when all of this holds: the name is kwo's
(``kwo-spill-<pid>-<hex>``), it is a real directory (not a link) owned by this user, its
``.kwo-lock`` can be locked (no live process holds it) and no process with that pid exists.
Inside, only what kwo and DuckDB put there is removed (DuckDB's ``duckdb_temp*`` files in
``c<n>/``, the scratch databases and their write-ahead logs, the lock); a folder holding anything
else is left where it is.
"""

from __future__ import annotations

import atexit
import itertools
import os
import re
import secrets
import stat
import tempfile
import threading

PREFIX = "kwo-spill-"
LOCK = ".kwo-lock"
_NAME = re.compile(rf"{PREFIX}(\d+)-[0-9a-f]{{8}}")
_CONNECTION_DIR = re.compile(r"c\d+")
#: A local Spark session's warehouse folder (kwo.engine.spark): Spark makes it, empty.
WAREHOUSE = "spark-warehouse"
_SCRATCH = re.compile(r"scratch-\d+\.duckdb(\.wal)?")
_DUCKDB_FILE = re.compile(r"duckdb_temp.*")

_lock = threading.Lock()
_folder: str | None = None
_folder_pid: int | None = None
_lock_fd: int | None = None
_counter = itertools.count()


def process_folder() -> str:
    """This process's spill folder (made, locked and the dead ones cleaned on first use)."""
    global _folder, _folder_pid, _lock_fd
    with _lock:
        if _folder is not None and _folder_pid == os.getpid():
            return _folder
        # first use in this process (or in a forked child, which must not share its parent's)
        clean_dead_folders()
        folder = os.path.join(tempfile.gettempdir(), f"{PREFIX}{os.getpid()}-{secrets.token_hex(4)}")
        os.mkdir(folder, 0o700)
        fd = os.open(os.path.join(folder, LOCK), os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                     0o600)
        _flock(fd, blocking=True)
        _folder, _folder_pid, _lock_fd = folder, os.getpid(), fd
        atexit.register(_remove_own, folder, os.getpid())
        return folder


def connection_spill_dir() -> str:
    """A fresh path for one connection's spill files (DuckDB makes it when it first spills and
    removes it when the connection closes)."""
    return os.path.join(process_folder(), f"c{next(_counter)}")


def scratch_path() -> str:
    """A fresh path for a scratch database file."""
    return os.path.join(process_folder(), f"scratch-{next(_counter)}.duckdb")


def spark_warehouse_dir() -> str:
    """The folder a local Spark session may make as its warehouse (kwo keeps no tables in it)."""
    return os.path.join(process_folder(), WAREHOUSE)


def clean_dead_folders(directory: str | None = None) -> list[str]:
    """Remove the spill folders of kwo processes that died; returns the folders removed."""
    directory = directory or tempfile.gettempdir()
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    removed = []
    for name in names:
        m = _NAME.fullmatch(name)
        if not m or int(m.group(1)) == os.getpid() or _pid_alive(int(m.group(1))):
            continue
        path = os.path.join(directory, name)
        try:
            st = os.lstat(path)
            if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
                continue
            fd = os.open(os.path.join(path, LOCK), os.O_RDWR | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            continue  # no lock file: not a folder kwo made (or one being made right now)
        try:
            if not _flock(fd, blocking=False):
                continue  # a live process holds it (a pid of another namespace, say)
            if _empty_folder(path):
                os.unlink(os.path.join(path, LOCK))
                os.rmdir(path)
                removed.append(path)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def _empty_folder(path: str) -> bool:
    """Remove what kwo and DuckDB put in a dead process's folder; True when only the lock is left."""
    clean = True
    for entry in os.scandir(path):
        if entry.name == LOCK:
            continue
        if _SCRATCH.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            os.unlink(entry.path)
        elif (_CONNECTION_DIR.fullmatch(entry.name) or entry.name == WAREHOUSE) and entry.is_dir(follow_symlinks=False):
            for inner in os.scandir(entry.path):
                if _DUCKDB_FILE.fullmatch(inner.name) and inner.is_file(follow_symlinks=False):
                    os.unlink(inner.path)
            try:
                os.rmdir(entry.path)
            except OSError:  # something else is in it: leave it
                clean = False
        else:
            clean = False
    return clean


def _remove_own(folder: str, pid: int) -> None:
    if os.getpid() != pid:  # a forked child exiting: the folder is its parent's
        return
    try:
        _empty_folder(folder)
        os.unlink(os.path.join(folder, LOCK))
        os.rmdir(folder)
    except OSError:
        pass


def _flock(fd: int, *, blocking: bool) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock, so no folder is taken for dead
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        return True
    except BlockingIOError:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists, but is someone else's
    return True


__all__ = ["LOCK", "PREFIX", "WAREHOUSE", "clean_dead_folders", "connection_spill_dir", "process_folder", "scratch_path",
           "spark_warehouse_dir"]
