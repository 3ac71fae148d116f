"""Planning an ingest: which inputs to read, in which tasks (a large plain JSON-lines file is cut
into byte ranges that several processes parse), and which were ingested before (same sha256)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..archive import Manifest
from ..io import Member, file_sha256, member_sha256
from .results import FileResult, skipped_result
from .staging import Task, is_plain_jsonl, split_lines
from .tuning import IngestTuning


@dataclass
class Plan:
    names: list[str]  # each input's name: a path, "-", or PATH!member of a zip
    skipped: dict[int, FileResult] = field(default_factory=dict)  # input index -> result, ingested before
    tasks: list[Task] = field(default_factory=list)
    ranged: dict[int, str] = field(default_factory=dict)  # input index -> path, of the inputs cut into ranges

    def bytes(self) -> int:
        """The bytes the tasks read (a zip member's own bytes; stdin unknown, 0)."""
        return sum(task_bytes(t) for t in self.tasks if t.path != "-")

    def parallel(self, workers: int, tuning: IngestTuning) -> bool:
        """Whether a pool of worker processes pays off: several tasks, enough bytes, no stdin."""
        return (workers > 1 and len(self.tasks) > 1 and all(t.path != "-" for t in self.tasks)
                and self.bytes() >= tuning.parallel_min_bytes)


def plan(inputs: Sequence[str | Member], manifest: Manifest, staging: Path, *, fmt: str, strict: bool,
         account: str | None, workers: int, tuning: IngestTuning) -> Plan:
    """One task per input to read, or one per byte range of a large plain JSON-lines file; the
    inputs the manifest already holds (same content, same or auto format) are skipped."""
    out = Plan(names=[e.display if isinstance(e, Member) else e for e in inputs])
    for index, entry in enumerate(inputs):
        path = out.names[index]
        known = _already_ingested(manifest, entry, fmt)
        if known is not None:
            out.skipped[index] = skipped_result(path, known)
            continue
        member = entry if isinstance(entry, Member) else None
        common = dict(index=index, path=path, fmt=fmt, strict=strict, account=account,
                      batch_rows=tuning.batch_rows, member=member)
        size = None if path == "-" or member is not None else os.path.getsize(path)
        name = None
        if workers > 1 and size is not None and size >= tuning.parallel_min_bytes:
            name = is_plain_jsonl(path)
            if fmt != "auto" and name != fmt:
                name = None
        if name:
            ranges = split_lines(path, size, max(2, min(workers * 4, size // tuning.range_min_bytes)))
            out.ranged[index] = path
            for part, (start, end) in enumerate(ranges):
                out.tasks.append(Task(**{**common, "fmt": name}, part=part, start=start, end=end,
                                      target=str(staging / f"{index:06d}-{part:03d}.parquet")))
        else:
            out.tasks.append(Task(**common, target=str(staging / f"{index:06d}-000.parquet")))
    return out


def task_bytes(task: Task) -> int:
    """The bytes a task reads (what its progress counts): its byte range, or a zip member's own bytes."""
    if task.start is not None:
        return task.end - task.start
    return task.member.size if task.member is not None else os.path.getsize(task.path)


def _already_ingested(manifest: Manifest, entry: str | Member, fmt: str) -> dict | None:
    """The manifest entry of an identical file (or zip member), hashing only when a size matches."""
    if entry == "-":
        return None
    size = entry.size if isinstance(entry, Member) else os.path.getsize(entry)
    if not any(e.get("size") == size for e in manifest.files):
        return None
    sha256 = member_sha256(entry) if isinstance(entry, Member) else file_sha256(entry)
    for known in manifest.files:
        # An explicit --format reads the file anew when it was read as another format before:
        # that is how the v2 lines of a mixed file, quarantined by the v1 reader, get in.
        if known.get("sha256") == sha256 and fmt in ("auto", known.get("format")):
            return known
    return None
