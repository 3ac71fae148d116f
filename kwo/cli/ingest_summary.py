"""The accounting of an ingest run as a table on stdout (``kwo ingest`` without --json)."""

from __future__ import annotations

import sys
from typing import TextIO

COUNTERS = ("records_read", "tweets_written", "duplicates", "notices", "quarantined", "context_written")
HEADERS = ("read", "written", "duplicates", "notices", "quarantined", "context")


def render_ingest_summary(result, out: TextIO | None = None, width: int | None = None) -> None:
    """One row per input file (plus a total row when several), then the identity every run
    keeps: records_read = tweets_written + duplicates + notices + quarantined. Column
    "written" is tweets_written; "context" counts context rows (outside the identity).
    """
    from rich.console import Console

    from ..safe_text import terminal_text

    out = out or sys.stdout
    is_tty = hasattr(out, "isatty") and out.isatty()
    # width: the terminal's (or the caller's); a file or pipe gets 140 columns
    console = Console(file=out, highlight=False, width=width or (None if is_tty else 140))
    # File and archive names are the user's (or an attacker's): plain Text, controls visible.
    title = terminal_text(f"Ingested into {getattr(result, 'archive', '') or 'the archive'}", keep="")
    # In a narrow terminal, columns go by priority (context rows, then format, then notices)
    # rather than being cut off at the right edge; --json has every count.
    shown = list(zip(HEADERS, COUNTERS, strict=True))
    with_format = True
    for drop in (None, "context", "format", "notices"):
        if drop == "format":
            with_format = False
        elif drop is not None:
            shown = [(h, c) for h, c in shown if h != drop]
        file_width = 20 if drop is None else 12
        if _width(result, shown, with_format, file_width) <= console.width:
            break
    t = _table(result, title, shown, with_format, file_width)
    console.print(t)
    left_out = [h for h in ("context", "format", "notices")
                if (h == "format" and not with_format) or (h != "format" and h not in dict(shown))]
    if left_out:
        console.print(f"(left out at this width: {', '.join(left_out)}; kwo ingest --json gives every count)",
                      soft_wrap=True)

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


def _width(result, shown: list[tuple[str, str]], with_format: bool, file_width: int) -> int:
    """The terminal columns the table needs when no number column is squeezed: each column's
    widest cell, its padding (2) and its border (1), and the last border."""
    widths = [file_width]
    if with_format:
        widths.append(max([len("format")] + [len(getattr(f, "format", "") or "") for f in result.per_file]))
    for h, c in shown:
        widths.append(max([len(h), len(f"{getattr(result, c):,}")] + [len(f"{getattr(f, c):,}") for f in result.per_file]))
    return sum(w + 3 for w in widths) + 1


def _table(result, title, shown: list[tuple[str, str]], with_format: bool, file_width: int):
    from rich.table import Table

    from ..safe_text import terminal_text

    t = Table(title=title, title_justify="left")
    t.add_column("file", overflow="fold", min_width=file_width)
    if with_format:
        t.add_column("format", no_wrap=True)
    for h, _ in shown:
        t.add_column(h, justify="right", no_wrap=True)
    for f in result.per_file:
        fmt = getattr(f, "format", "") or ""
        note = " (already ingested)" if getattr(f, "skipped", False) else ""
        t.add_row(terminal_text(str(f.path) + note, keep=""), *([terminal_text(fmt)] if with_format else []),
                  *(f"{getattr(f, c):,}" for _, c in shown))
    if len(result.per_file) != 1:
        t.add_section()
        t.add_row("total", *([""] if with_format else []), *(f"{getattr(result, c):,}" for _, c in shown),
                  style="bold")
    return t


__all__ = ["render_ingest_summary"]
