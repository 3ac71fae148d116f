"""An archive on disk (its connection is kwo.engine.duckdb.connect_archive).

Layout::

    ARCHIVE/
      manifest.json            what was ingested and which data files are live (atomic swaps)
      tweets/month=YYYY-MM/    Parquet parts (LZ4); only the parts listed in the manifest count
      quarantine/              one JSON-lines file per ingest run: file, line, reason, raw text
      .staging/<run>/          a writer's staging files and journal (kwo.archive.leftovers)
      .lock                    flocked by a writer while it ingests (kwo.archive.lock)

A data file becomes visible only when a new manifest naming it has been renamed into place, so
a crash at any point leaves the archive exactly as the last completed ingest left it; the files
a dead run's journal names and no manifest names are leftovers, removed by the next ingest.
Nothing in the archive is read through a symbolic link or as a glob pattern (kwo.layout).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import ArchiveError
from .layout import (
    MANIFEST,
    QUARANTINE_DIR,
    TWEETS_DIR,
    absolute,
    check_real,
    duckdb_path,
    fsync_dir,
    is_quarantine_path,
    part_month,
    shown,
)
from .lock import read_manifest_bytes
from .manifest import FORMAT_VERSION, Manifest, parse_manifest
from .url import is_url

__all__ = ["FORMAT_VERSION", "MANIFEST", "Archive", "Manifest", "damaged_archive", "fsync_dir", "holds_data"]


class Archive:
    """A kwo archive directory. ``path`` is kept as given, for messages; files are reached
    through its absolute form."""

    def __init__(self, path: str | os.PathLike, *, must_exist: bool = True):
        if is_url(path):  # else Path() would take "s3a://b/a" for the local folder ./s3a:/b/a
            raise ArchiveError(f"{shown(str(path))}: an archive at a URL is read by the report commands with "
                               "--engine spark only; this command needs an archive folder on this machine")
        self.path = Path(path)
        self.root = absolute(path)
        if must_exist:
            self._check_exists()

    def _check_exists(self) -> None:
        if not os.path.lexists(self.root):
            raise ArchiveError(f"{self.path}: no such archive (create one with `kwo ingest FILE --archive {self.path}`)")
        if not self.root.is_dir():
            raise ArchiveError(f"{self.path}: not a kwo archive (not a directory)")
        if check_real(self.root, MANIFEST, kind="file") is None:
            raise self._missing_manifest()

    def _missing_manifest(self) -> ArchiveError:
        if holds_data(self.root):
            return damaged_archive(self.path)
        return ArchiveError(f"{self.path}: not a kwo archive (no {MANIFEST})")

    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST

    def read_manifest(self) -> Manifest:
        manifest, _ = self.read_snapshot()
        if manifest is None:
            raise self._missing_manifest()
        return manifest

    def read_snapshot(self) -> tuple[Manifest | None, bytes | None]:
        """The manifest and its bytes (for a writer's compare-and-swap); (None, None) when the
        archive has none yet."""
        data = read_manifest_bytes(self.root)
        if data is None:
            return None, None
        return parse_manifest(data, str(self.manifest_path), str(self.path)), data

    def write_manifest(self, manifest: Manifest) -> None:
        """Replace the manifest atomically (temp file, fsync, rename, fsync the directory), for a
        writer of a new archive (kwo sample); ingests publish with kwo.archive.lock.publish."""
        tmp = self.root / f".{MANIFEST}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(manifest.to_json())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.root / MANIFEST)
        fsync_dir(self.root)

    def part_paths(self, manifest: Manifest | None = None) -> list[str]:
        """The live parts, as paths for DuckDB (absolute, glob characters escaped), each checked
        first: there, a regular file reached without a symbolic link, ending as Parquet does."""
        manifest = manifest or self.read_manifest()
        return [duckdb_path(self.check_part(p["path"])) for p in manifest.parts]

    def check_part(self, rel: str) -> Path:
        problem = self.part_problem(rel)
        if problem is not None:
            raise ArchiveError(
                f"{self.path}: the manifest names {shown(rel)}, which {problem}: the archive is damaged. "
                f"Restore the file, or rebuild the manifest from the parts that are whole with `kwo repair "
                f"--archive {self.path}` (this part's tweets are then missing until their files are "
                "ingested again)")
        return self.root / rel

    def part_problem(self, rel: str) -> str | None:
        """What is wrong with the live part ``rel`` as far as a look at it tells, or None. Raises
        when a symbolic link is on the way."""
        st = check_real(self.root, rel)
        if st is None:
            return "is missing (deleted or moved by hand?)"
        if not stat.S_ISREG(st.st_mode):
            return "is not a regular file"
        if not _ends_as_parquet(self.root / rel, st.st_size):
            return f"is not a complete Parquet file ({st.st_size:,} bytes, no end marker)"
        return None

def damaged_archive(path: str | os.PathLike) -> ArchiveError:
    return ArchiveError(
        f"{path}: damaged archive: it holds parts in {TWEETS_DIR}/ but no {MANIFEST} (the list of what "
        f"is live); nothing was changed. `kwo repair --archive {path}` rebuilds the manifest from the "
        "parts, verifying each")


def holds_data(root: Path) -> bool:
    """Whether ``root`` holds files in the places of kwo's parts or quarantine files."""
    for folder, wanted in ((TWEETS_DIR, None), (QUARANTINE_DIR, is_quarantine_path)):
        if check_real(root, folder) is None:
            continue
        for dirpath, _, filenames in os.walk(root / folder):
            rel_dir = Path(dirpath).relative_to(root).as_posix()
            for name in filenames:
                rel = f"{rel_dir}/{name}"
                if (wanted or _part_like)(rel):
                    return True
    return False


def _part_like(rel: str) -> bool:
    return part_month(rel.removesuffix(".tmp")) is not None


def _ends_as_parquet(path: Path, size: int) -> bool:
    """Whether the file ends with Parquet's footer marker (a truncated copy does not)."""
    if size < 12:  # "PAR1", a footer length, "PAR1"
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return os.pread(fd, 4, size - 4) == b"PAR1"
    finally:
        os.close(fd)
