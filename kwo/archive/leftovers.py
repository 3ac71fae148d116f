"""What a writer leaves behind, and how the next one tells kwo's leftovers from other files.

Every run has a staging folder ``.staging/<run>/`` with a *journal*: before the run creates a
file outside that folder (a month part, a rewritten part, their ``.tmp`` files, its quarantine
file) it appends the file's path to the journal and fsyncs it, and just before its manifest is
renamed into place it appends ``publish``. The run holds an flock on the journal while it runs.

So the next writer knows exactly which files are kwo's leftovers: those a dead run's journal
names (in the form kwo gives that run's files) and the parts the last publish retired, unless
the manifest names them. It removes only those. Anything else in ``tweets/``, ``quarantine/``
or ``.staging/`` (a README, notes, a Parquet file copied in, a file of an older kwo that kept no
journal) is left where it is and reported. A journal that is still locked belongs to a writer
that is running: then the lock was bypassed (``.lock`` deleted), and the writer refuses.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ArchiveError
from .layout import (
    JOURNAL,
    LOCK_FILE,
    MANIFEST,
    QUARANTINE_DIR,
    STAGING_DIR,
    TWEETS_DIR,
    check_real,
    fsync_dir,
    is_quarantine_path,
    is_run_id,
    part_month,
    real_dir,
    remove_file,
    run_file_names,
)
from .manifest import Manifest

_OLD_MANIFEST_TMP = re.compile(re.escape(f".{MANIFEST}.tmp-") + r"\d+")  # written by kwo before journals


class RunJournal:
    """The staging folder and journal of the running writer (see the module docstring)."""

    def __init__(self, root: Path, run_id: str):
        self.root = root
        self.run_id = run_id
        self._names = run_file_names(run_id)
        staging = real_dir(root, STAGING_DIR)
        # The folder is made under a hidden name and renamed once its journal is locked, so a
        # folder named by a run id always has a journal that tells whether its run is alive.
        new = staging / f".{run_id}"
        new.mkdir()
        self.created: list[str] = []
        self._fd: int | None = os.open(new / JOURNAL, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND
                                       | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        # A new file: only another writer's probe of it (plan_sweep) can hold it, for an instant.
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        self.dir = staging / run_id
        os.rename(new, self.dir)
        fsync_dir(staging)

    def record(self, *rels: str) -> None:
        """Note files this run is about to create (durably, before they exist)."""
        for rel in rels:
            assert self._names.fullmatch(rel), rel  # only names the next run will accept as this run's
        self._write("".join(f"create\t{rel}\n" for rel in rels))
        self.created.extend(rels)

    def mark_publish(self) -> None:
        """The manifest naming this run's files is about to be renamed into place."""
        self._write("publish\n")

    def _write(self, text: str) -> None:
        os.write(self._fd, text.encode())
        os.fsync(self._fd)

    def discard(self, live: set[str]) -> None:
        """After a failure: remove what this run created, except what a manifest names."""
        for rel in self.created:
            if rel not in live:
                remove_file(self.root, rel)

    def close(self) -> None:
        """Remove the staging folder and release the journal's lock."""
        shutil.rmtree(self.dir, ignore_errors=True)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@dataclass
class DeadRun:
    """The staging folder of a run that ended without removing it (killed, or the machine died)."""

    run_id: str
    dir: Path
    created: list[str] = field(default_factory=list)  # what its journal names, in the run's own form
    published: bool = False  # its journal reached "publish"
    fd: int | None = None  # its journal, flocked while the sweep runs


@dataclass
class Sweep:
    """What a writer found in the archive's folders before writing."""

    root: Path
    runs: list[DeadRun] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)  # kwo's leftovers no manifest names
    foreign: list[str] = field(default_factory=list)  # not kwo's as far as kwo can tell: left alone
    data: list[str] = field(default_factory=list)  # parts and quarantine files among foreign ones

    def execute(self) -> None:
        """Remove kwo's leftovers: the files listed, then the dead runs' staging folders."""
        for rel in self.remove:
            remove_file(self.root, rel)
        for run in self.runs:
            if not os.path.islink(run.dir):
                shutil.rmtree(run.dir, ignore_errors=True)
        for entry in _entries(self.root):
            if _OLD_MANIFEST_TMP.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                remove_file(self.root, entry.name)
        self.close()

    def close(self) -> None:
        for run in self.runs:
            if run.fd is not None:
                os.close(run.fd)
                run.fd = None


def plan_sweep(root: Path, manifest: Manifest | None, own_run: str | None = None) -> Sweep:
    """Find kwo's leftovers and the files that are not kwo's; nothing is changed. Raises when a
    staging folder belongs to a writer that is running (its journal is locked)."""
    for rel in (TWEETS_DIR, QUARANTINE_DIR, STAGING_DIR):
        check_real(root, rel, kind="dir")
    check_real(root, MANIFEST, kind="file")
    check_real(root, LOCK_FILE, kind="file")
    sweep = Sweep(root)
    recorded: set[str] = set()
    try:
        for entry in _entries(root / STAGING_DIR):
            if entry.name == own_run:
                continue
            hidden = entry.name.startswith(".") and is_run_id(entry.name[1:])
            if not (is_run_id(entry.name) or hidden):
                sweep.foreign.append(f"{STAGING_DIR}/{entry.name}")
                continue
            run = _dead_run(root, entry, hidden=hidden)
            if run is not None:
                sweep.runs.append(run)
                recorded.update(run.created)
    except BaseException:
        sweep.close()
        raise
    live = manifest.live_paths() if manifest is not None else set()
    kwo_files = recorded | (set(manifest.retired) if manifest is not None else set())
    for rel in _archive_files(root, sweep):
        if rel in live:
            continue
        if rel in kwo_files:
            sweep.remove.append(rel)
        else:
            sweep.foreign.append(rel)
            if part_month(rel) is not None or is_quarantine_path(rel):
                sweep.data.append(rel)
    sweep.foreign.sort()
    return sweep


def _dead_run(root: Path, entry: os.DirEntry, *, hidden: bool = False) -> DeadRun | None:
    """The run of a staging folder, if it is dead. None: not a folder kwo made, or a hidden one
    (a run starting, or one that died in its first instant: a journal that names nothing), which
    is left alone. Raises if the run is alive."""
    path = root / STAGING_DIR / entry.name
    if not entry.is_dir(follow_symlinks=False):
        return None
    run = DeadRun(entry.name.lstrip("."), path)
    try:
        run.fd = os.open(path / JOURNAL, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None if hidden else run  # an older kwo's run folder: no journal, nothing recorded
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None  # not kwo's journal: leave the folder alone
        raise
    try:
        fcntl.flock(run.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(run.fd)
        raise ArchiveError(
            f"{root}: another kwo ingest (run {run.run_id}) is writing to this archive, though it does "
            f"not hold {LOCK_FILE} (was {LOCK_FILE} deleted? kwo never needs that); nothing was changed: "
            "try again when it has finished"
        ) from None
    if not stat.S_ISREG(os.fstat(run.fd).st_mode):
        os.close(run.fd)
        return None
    if hidden:
        os.close(run.fd)
        return None
    names = run_file_names(run.run_id)
    with open(run.fd, "rb", closefd=False) as f:
        text = f.read().decode("utf-8", "replace")
    for line in text.splitlines():
        kind, _, rel = line.partition("\t")
        if kind == "create" and names.fullmatch(rel):
            run.created.append(rel)
        elif kind == "publish":
            run.published = True
    return run


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _archive_files(root: Path, sweep: Sweep):
    """The paths in tweets/ (two levels: month folders, their files) and quarantine/. A path that
    is not a file where kwo puts files (a folder, a link, a file beside the month folders) is
    reported as foreign here and not yielded."""
    for month in _entries(root / TWEETS_DIR):
        rel = f"{TWEETS_DIR}/{month.name}"
        if not (month.name.startswith("month=") and month.is_dir(follow_symlinks=False)):
            sweep.foreign.append(rel + ("/" if month.is_dir(follow_symlinks=False) else ""))
            continue
        for f in _entries(root / rel):
            if f.is_file(follow_symlinks=False):
                yield f"{rel}/{f.name}"
            else:
                sweep.foreign.append(f"{rel}/{f.name}" + ("/" if f.is_dir(follow_symlinks=False) else ""))
    for f in _entries(root / QUARANTINE_DIR):
        if f.is_file(follow_symlinks=False):
            yield f"{QUARANTINE_DIR}/{f.name}"
        else:
            sweep.foreign.append(f"{QUARANTINE_DIR}/{f.name}" + ("/" if f.is_dir(follow_symlinks=False) else ""))
