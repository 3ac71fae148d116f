"""The accounting of an ingest run as a table on stdout (``kwo ingest`` without --json)."""

from __future__ import annotations

import sys
from typing import TextIO

COUNTERS = ("records_read", "tweets_written", "duplicates", "notices", "quarantined", "context_written")
HEADERS = ("read", "written", "duplicates", "notices", "quarantined", "context")


def render_ingest_summary(result, out: TextIO | None = None) -> None:
    """One row per input file (plus a total row when several), then the identity every run
    keeps: records_read = tweets_written + duplicates + notices + quarantined. Column
    "written" is tweets_written; "context" counts context rows (outside the identity).
    """
    from rich.console import Console
    from rich.table import Table

    from ..safe_text import terminal_text

    out = out or sys.stdout
    is_tty = hasattr(out, "isatty") and out.isatty()
    console = Console(file=out, highlight=False, width=None if is_tty else 140)
    # File and archive names are the user's (or an attacker's): plain Text, controls visible.
    title = terminal_text(f"Ingested into {getattr(result, 'archive', '') or 'the archive'}", keep="")
    t = Table(title=title, title_justify="left")
    t.add_column("file", overflow="fold", min_width=20)
    t.add_column("format", no_wrap=True)
    for h in HEADERS:
        t.add_column(h, justify="right", no_wrap=True)
    for f in result.per_file:
        fmt = getattr(f, "format", "") or ""
        note = " (already ingested)" if getattr(f, "skipped", False) else ""
        t.add_row(terminal_text(str(f.path) + note, keep=""), terminal_text(fmt),
                  *(f"{getattr(f, c):,}" for c in COUNTERS))
    if len(result.per_file) != 1:
        t.add_section()
        t.add_row("total", "", *(f"{getattr(result, c):,}" for c in COUNTERS), style="bold")
    console.print(t)

    ok = result.records_read == result.tweets_written + result.duplicates + result.notices + result.quarantined
    line = (
        f"records_read = tweets_written + duplicates + notices + quarantined: "
        f"{result.records_read:,} = {result.tweets_written:,} + {result.duplicates:,} + "
        f"{result.notices:,} + {result.quarantined:,}"
    )
    console.print(line if ok else f"{line}  [bold red]MISMATCH[/]", soft_wrap=True)
    from ..io import expansion_note

    for f in result.per_file:
        if note := expansion_note(getattr(f, "size", None), getattr(f, "decompressed", None)):
            console.print(terminal_text(f"note: {f.path} {note}", keep=""), soft_wrap=True)
    qfile = getattr(result, "quarantine_file", None)
    if result.quarantined and qfile:
        console.print(terminal_text(f"{result.quarantined:,} record(s) quarantined with file, line and reason: "
                                    f"{qfile}", keep=""), soft_wrap=True)
    left = getattr(result, "left_alone", None)
    if left:
        from ..archive.layout import shown

        names = ", ".join(shown(n) for n in left[:10]) + (f" and {len(left) - 10:,} more" if len(left) > 10 else "")
        console.print(terminal_text(f"Left alone: {len(left):,} file(s) in the archive's folders that kwo did not "
                                    f"write (it never removes those): {names}", keep=""), soft_wrap=True)


__all__ = ["render_ingest_summary"]
