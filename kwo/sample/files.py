"""What a sample run writes beside the tweets (brands.csv, truth.json), the month files it
plans, and how it finds an earlier run's files in ``--out``."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ..errors import UsageError
from .plan import YEAR
from .world import World


@dataclass
class SampleResult:
    """What :func:`kwo.sample.generate` wrote: the folder, its data files, and truth.json."""

    out: Path
    files: list[Path]
    truth: dict
    seconds: float
    raw_bytes: int = 0

    @property
    def disk_bytes(self) -> int:
        return sum(f["bytes"] for f in self.truth["archive"]["files"])


def _month_starts() -> list[tuple[str, int]]:
    out = []
    for y in (YEAR - 1, YEAR, YEAR + 1):
        for m in range(1, 13):
            out.append((f"{y}-{m:02d}", int(datetime(y, m, 1, tzinfo=UTC).timestamp())))
    return out


def plan_files(world: World, compress: bool) -> list[tuple[str, int, int]]:
    """The files of a world as (name, first row, end row): one a month (v1, v2), or one (twcs)."""
    t = world.ev["t"]
    gz = ".gz" if compress else ""
    if world.fmt == "twcs":
        return [(f"twcs.csv{gz}", 0, len(t))]
    prefix = "tweets" if world.fmt == "v1" else "search"
    files = []
    months = _month_starts()
    for j, (label, start_t) in enumerate(months[:-1]):
        a, b = np.searchsorted(t, [start_t, months[j + 1][1]])
        if b > a:
            files.append((f"{prefix}-{label}.jsonl{gz}", int(a), int(b)))
    return files


def refuse_inside_archive(out_dir: Path, *, except_itself: bool = False) -> None:
    """Dump files have no place in a kwo archive (the next ingest would find foreign files there);
    ``except_itself``: ``out_dir`` may itself be an archive (a sample archive written again)."""
    from ..output import archive_holding

    holder = archive_holding(out_dir)
    if holder is not None and not (except_itself and holder == out_dir.resolve()):
        raise UsageError(f"--out {out_dir}: is inside the kwo archive {holder}; write the sample to a directory "
                         "outside it")


def previous_files(out_dir: Path) -> set[str]:
    try:
        old = json.loads((out_dir / "truth.json").read_text(encoding="utf-8"))
        return {f["name"] for f in old["archive"]["files"] if "/" not in f["name"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()



def write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)


def write_roster(path: Path, world: World) -> None:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["handle", "name", "sector", "user_id", "hours", "tz"])
    for b in world.brands:
        w.writerow(b.roster_row(world.fmt))
    write_text(path, buf.getvalue())

