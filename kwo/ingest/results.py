"""What an ingest tells: the accounting of each input and of the run."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

# Fields of FileResult that are the run's own business: not in the manifest or in --json.
_TRANSIENT = ("skipped", "decompressed", "ranges")


@dataclass
class FileResult:
    """The accounting of one input: records_read = tweets_written + duplicates + notices + quarantined."""

    path: str
    format: str
    size: int | None = None
    sha256: str = ""
    records_read: int = 0
    tweets_written: int = 0
    context_written: int = 0
    duplicates: int = 0
    notices: int = 0
    quarantined: int = 0
    skipped: bool = False  # already ingested (same sha256): nothing read, counts as duplicates
    decompressed: int | None = None  # bytes after decompression, for a compressed input (not kept)
    ranges: int = 1  # byte ranges it was parsed in (several: parsed by several processes; not kept)

    def to_manifest(self) -> dict:
        entry = asdict(self)
        for name in _TRANSIENT:
            entry.pop(name)
        entry["ingested_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return entry

    def shown(self) -> dict:
        """The fields ``kwo ingest --json`` shows."""
        entry = asdict(self)
        entry.pop("ranges")
        return entry


def skipped_result(path: str, known: dict) -> FileResult:
    """A file ingested before: its tweets are all duplicates now; notices and quarantine as then."""
    tweets = known.get("tweets_written", 0) + known.get("duplicates", 0)
    return FileResult(
        path=path,
        format=known.get("format", "?"),
        size=known.get("size"),
        sha256=known.get("sha256", ""),
        records_read=known.get("records_read", 0),
        duplicates=tweets,
        notices=known.get("notices", 0),
        quarantined=known.get("quarantined", 0),
        skipped=True,
    )


@dataclass
class IngestResult:
    per_file: list[FileResult] = field(default_factory=list)
    archive: str = ""
    quarantine_file: str | None = None
    # Files in the archive's folders that kwo did not write (a README, a copied Parquet file):
    # never removed, reported in the summary.
    left_alone: list[str] = field(default_factory=list)
    # --engine spark: the inputs kwo's own reader read, each with the reason Spark did not
    # (None: not run on Spark)
    read_by_kwo: dict[str, str] | None = None

    @property
    def files(self) -> int:
        return len(self.per_file)

    def _sum(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.per_file)

    records_read = property(lambda self: self._sum("records_read"))
    tweets_written = property(lambda self: self._sum("tweets_written"))
    context_written = property(lambda self: self._sum("context_written"))
    duplicates = property(lambda self: self._sum("duplicates"))
    notices = property(lambda self: self._sum("notices"))
    quarantined = property(lambda self: self._sum("quarantined"))

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "records_read": self.records_read,
            "tweets_written": self.tweets_written,
            "context_written": self.context_written,
            "duplicates": self.duplicates,
            "notices": self.notices,
            "quarantined": self.quarantined,
            "per_file": [f.shown() for f in self.per_file],
            "quarantine_file": self.quarantine_file,
            "left_alone": self.left_alone,
            **({} if self.read_by_kwo is None else {"read_by_kwo": self.read_by_kwo}),
        }
