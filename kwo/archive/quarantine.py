"""The quarantine file of one ingest run: every record no reader could take, with its file and line."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .layout import QUARANTINE_DIR, real_dir
from .leftovers import RunJournal


def write_quarantine(root: Path, run_id: str, journal: RunJournal, spilled: list[tuple[str, int]]) -> str | None:
    """Gather the staged quarantine entries into ``quarantine/RUN.jsonl``; returns its archive path.

    ``spilled`` holds (entries file of a task, the line ends before its byte range): a byte
    range's lines are counted from its start, and become the file's line numbers here."""
    if not spilled:
        return None
    qdir = real_dir(root, QUARANTINE_DIR)
    rel = f"{QUARANTINE_DIR}/{run_id}.jsonl"
    tmp = qdir / f".{run_id}.tmp"
    journal.record(rel, f"{QUARANTINE_DIR}/{tmp.name}")
    with open(tmp, "w", encoding="utf-8", errors="backslashreplace") as f:
        for path, offset in spilled:
            with open(path, encoding="utf-8") as entries:
                for text in entries:
                    entry = json.loads(text)
                    if entry["line"] is not None:
                        entry["line"] += offset
                    entry["run"] = run_id
                    f.write(json.dumps(entry, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / rel)
    return rel
