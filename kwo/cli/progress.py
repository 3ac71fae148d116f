"""The ingest progress bar: on stderr, only when asked (the CLI asks only on a terminal)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


class NoProgress:
    """Does nothing; what ``ingest_progress(False)`` yields."""

    def start_file(self, path: str, total_bytes: int | None) -> None: ...

    def advance(self, nbytes: int) -> None: ...

    def end_file(self) -> None: ...


class RichProgress:
    """One bar per input file: bytes read of the (compressed) file, speed, time left."""

    def __init__(self, progress):
        self._progress = progress
        self._task = None
        self._total: int | None = None

    def start_file(self, path: str, total_bytes: int | None) -> None:
        from ..safe_text import visible

        self.end_file()
        name = visible("stdin" if path == "-" else os.path.basename(path) or path)
        self._total = total_bytes
        self._task = self._progress.add_task(name, total=total_bytes)

    def advance(self, nbytes: int) -> None:
        if self._task is not None and nbytes:
            self._progress.advance(self._task, nbytes)

    def end_file(self) -> None:
        if self._task is not None:
            if self._total is not None:  # a compressed file's last bytes may go unreported
                self._progress.update(self._task, completed=self._total)
            self._progress.stop_task(self._task)
            self._task = None


@contextmanager
def ingest_progress(enabled: bool, console=None) -> Iterator[NoProgress | RichProgress]:
    """Yield an object with ``start_file(path, total_bytes|None)``, ``advance(nbytes)``, ``end_file()``;
    the bar goes to ``console`` (default: a rich Console on stderr)."""
    if not enabled:
        yield NoProgress()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    progress = Progress(
        # The description is a file name: shown as text, never parsed as markup.
        TextColumn("{task.description}", justify="left", style="bold", markup=False),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console or Console(stderr=True),
        transient=False,
    )
    with progress:
        bar = RichProgress(progress)
        try:
            yield bar
        finally:
            bar.end_file()


__all__ = ["NoProgress", "RichProgress", "ingest_progress"]
