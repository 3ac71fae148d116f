"""The archive's layout on disk: its names, the forms of the files kwo writes, and the checks
that keep every read, write and removal inside the archive.

Three rules hold for every path below the archive folder (the folder itself may be anything
the user names, a symbolic link included):

- no symbolic link is followed: the archive's folders, month folders, parts, manifest and lock
  must be the things themselves, or kwo refuses with an error naming the link;
- a path that reaches DuckDB is absolute and has its glob characters escaped, so it names
  exactly one file (``q?/tweets/...`` must not also read ``qx/tweets/...``);
- a file is removed only when its name has the form kwo gives its own files (and the caller has
  a record that kwo made it: kwo.archive.leftovers).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ..errors import ArchiveError

MANIFEST = "manifest.json"
TWEETS_DIR = "tweets"
QUARANTINE_DIR = "quarantine"
STAGING_DIR = ".staging"
LOCK_FILE = ".lock"
#: In a run's staging folder: the files the run creates outside it (kwo.archive.leftovers.RunJournal).
JOURNAL = "journal"

#: A run id: UTC start time and 8 random hex digits (kwo.ingest.transaction).
RUN_ID = r"\d{8}T\d{6}-[0-9a-f]{8}"
_RUN_ID_RE = re.compile(RUN_ID)
_MONTH = r"\d{4}-(?:0[1-9]|1[0-2])"
_PART_RE = re.compile(rf"{TWEETS_DIR}/month=({_MONTH})/([^/\x00]+\.parquet)")
_QUARANTINE_RE = re.compile(rf"{QUARANTINE_DIR}/([^/\x00]+\.jsonl)")


def is_run_id(name: str) -> bool:
    return _RUN_ID_RE.fullmatch(name) is not None


def part_month(rel: str) -> str | None:
    """The month of a part path ``tweets/month=YYYY-MM/NAME.parquet``; None for any other path
    (absolute, with ``..``, elsewhere in the archive)."""
    m = _PART_RE.fullmatch(rel)
    return m.group(1) if m else None


def is_quarantine_path(rel: str) -> bool:
    m = _QUARANTINE_RE.fullmatch(rel)
    return m is not None and not m.group(1).startswith(".")


def run_file_names(run_id: str) -> re.Pattern:
    """The paths (relative to the archive) a run with this id creates outside its staging
    folder: its month parts and rewritten parts, their temporary files, its quarantine file."""
    r = re.escape(run_id)
    return re.compile(rf"{TWEETS_DIR}/month={_MONTH}/part-{r}(?:-r\d{{4}})?\.parquet(?:\.tmp)?"
                      rf"|{QUARANTINE_DIR}/(?:{r}\.jsonl|\.{r}\.tmp)")


def shown(text: object) -> str:
    """``text`` for a message: control characters (a terminal escape in a file name) made visible."""
    s = str(text)
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in s)


def absolute(path: str | os.PathLike) -> Path:
    """``path`` made absolute without resolving links (a relative ``~x`` stays in the working
    directory: pyarrow and DuckDB would take a leading ``~`` for the home directory)."""
    return Path(os.path.abspath(os.fspath(path)))


def duckdb_path(path: str | os.PathLike) -> str:
    """A path for DuckDB's file readers, which take every path as a glob pattern: absolute, and
    each glob character in a one-character class (``[?]`` matches only ``?``)."""
    return re.sub(r"([][*?])", r"[\1]", str(absolute(path)))


def link_error(root: Path, rel: str) -> ArchiveError:
    return ArchiveError(
        f"{root}: {shown(rel)} is a symbolic link; kwo does not follow links inside an archive "
        "(nothing was changed). Put the folder or file itself in its place"
    )


def check_real(root: Path, rel: str, *, kind: str | None = None) -> os.stat_result | None:
    """Each component of ``rel`` below ``root`` is the thing itself, not a symbolic link;
    returns the last one's lstat (None when it does not exist). ``kind`` "dir" or "file"
    also checks what the last component is."""
    path = root
    st = None
    for part in Path(rel).parts:
        path = path / part
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return None
        if stat.S_ISLNK(st.st_mode):
            raise link_error(root, path.relative_to(root).as_posix())
    if st is not None and kind == "dir" and not stat.S_ISDIR(st.st_mode):
        raise ArchiveError(f"{root}: {shown(rel)} is not a folder")
    if st is not None and kind == "file" and not stat.S_ISREG(st.st_mode):
        raise ArchiveError(f"{root}: {shown(rel)} is not a regular file")
    return st


def real_dir(root: Path, rel: str) -> Path:
    """The folder ``root/rel``, created where missing; each component a real folder."""
    path = root
    for part in Path(rel).parts:
        path = path / part
        try:
            path.mkdir()
        except FileExistsError:
            pass
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            raise link_error(root, path.relative_to(root).as_posix())
        if not stat.S_ISDIR(st.st_mode):
            raise ArchiveError(f"{root}: {shown(path.relative_to(root).as_posix())} is not a folder")
    return path


def remove_file(root: Path, rel: str) -> bool:
    """Remove the regular file ``root/rel``; never a link, a folder or anything reached through
    a link. Returns whether a file was removed."""
    try:
        st = check_real(root, rel)
    except ArchiveError:
        return False
    if st is None or not stat.S_ISREG(st.st_mode):
        return False
    try:
        os.unlink(root / rel)
    except FileNotFoundError:
        return False
    return True


def remove_new_archive(root: Path) -> bool:
    """Remove the archive folder a failed first ingest made, if nothing is left in it but kwo's
    empty folders and its lock file: a failed first ingest leaves no directory behind. Only empty
    folders are removed, and the lock file of this very run (the folder did not exist before it);
    anything else in it (a file a user put there meanwhile) keeps the folder. Returns whether the
    folder is gone."""
    for rel in (f"{TWEETS_DIR}", f"{QUARANTINE_DIR}", f"{STAGING_DIR}"):
        folder = root / rel
        try:
            if check_real(root, rel, kind="dir") is None:
                continue
        except ArchiveError:  # a link or a file where kwo's folder would be: not ours, kept
            return False
        for sub, _, _ in sorted(os.walk(folder, followlinks=False), reverse=True):  # deepest first
            try:
                os.rmdir(sub)
            except OSError:
                pass  # not empty: kept
    if any(p.name != LOCK_FILE for p in root.iterdir()):
        return False
    remove_file(root, LOCK_FILE)
    try:
        os.rmdir(root)
    except OSError:
        return False
    return True


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable (where the OS can fsync a folder)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
