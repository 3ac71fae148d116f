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
    from rich.text import Text

    out = out or sys.stdout
    is_tty = hasattr(out, "isatty") and out.isatty()
    console = Console(file=out, highlight=False, width=None if is_tty else 140)
    t = Table(title=f"Ingested into {getattr(result, 'archive', '') or 'the archive'}", title_justify="left")
    t.add_column("file", overflow="fold", min_width=20)
    t.add_column("format", no_wrap=True)
    for h in HEADERS:
        t.add_column(h, justify="right", no_wrap=True)
    for f in result.per_file:
        fmt = getattr(f, "format", "") or ""
        note = " (already ingested)" if getattr(f, "skipped", False) else ""
        t.add_row(Text(str(f.path) + note), Text(fmt), *(f"{getattr(f, c):,}" for c in COUNTERS))
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
    qfile = getattr(result, "quarantine_file", None)
    if result.quarantined and qfile:
        console.print(f"{result.quarantined:,} record(s) quarantined with file, line and reason: {qfile}",
                      markup=False, soft_wrap=True)
    left = getattr(result, "left_alone", None)
    if left:
        from ..layout import shown

        names = ", ".join(shown(n) for n in left[:10]) + (f" and {len(left) - 10:,} more" if len(left) > 10 else "")
        console.print(f"Left alone: {len(left):,} file(s) in the archive's folders that kwo did not write "
                      f"(it never removes those): {names}", markup=False, soft_wrap=True)


__all__ = ["render_ingest_summary"]
