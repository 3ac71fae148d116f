"""What ``kwo repair`` did, as plain lines on stdout."""

from __future__ import annotations

import sys
import textwrap
from typing import TextIO

from ..archive.layout import shown

_SHOW = 20  # files listed per group; the rest are counted


def render_repair_summary(result, out: TextIO | None = None) -> None:
    out = out or sys.stdout

    def say(text: str) -> None:
        out.write(textwrap.fill(text, width=80, break_long_words=False, break_on_hyphens=False) + "\n")

    def group(title: str, items: list[str]) -> None:
        if not items:
            return
        out.write(f"{title} ({len(items):,}):\n")
        for item in items[:_SHOW]:
            out.write(f"  {item}\n")
        if len(items) > _SHOW:
            out.write(f"  ... and {len(items) - _SHOW:,} more\n")

    archive = shown(result.archive)
    if not result.rebuilt:
        say(f"{archive}/manifest.json is sound, and every part it names reads whole: nothing to repair.")
        return
    months = sorted({p["month"] for p in result.parts})
    span = f", {months[0]} to {months[-1]}" if months else ""
    say(f"Rebuilt {archive}/manifest.json ({shown(result.reason)}) from {_n(len(result.parts), 'part')}: "
        f"{_n(result.rows, 'tweet')}{span}.")
    if result.set_aside:
        say(f"The previous manifest is kept as {archive}/{result.set_aside}.")
    group("Not adopted, left where they are", [f"{shown(rel)}: {why}" for rel, why in result.not_adopted])
    group("Replaced by a part that was adopted; the next ingest removes them", [shown(r) for r in result.superseded])
    group("Written by an ingest that did not finish; the next ingest removes them", [shown(r) for r in result.unfinished])
    group("Quarantine files kept", [shown(r) for r in result.quarantine])
    group("Not kwo's, left alone", [shown(r) for r in result.left_alone])
    say(f"Lost with the manifest: which input files were ingested (their sha256, sizes and counts). "
        f"The tweets came from {_n(len(result.source_files), 'input file')}. Ingesting one of them again adds "
        "no tweet (the copies in the archive win, so its tweets count as duplicates), quarantines its "
        "bad records again and records the file anew.")


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


__all__ = ["render_repair_summary"]
