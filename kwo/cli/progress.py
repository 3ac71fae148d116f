"""The ingest progress bar: on stderr, only when asked (the CLI asks only on a terminal)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from ..ingest.workers import NoProgress  # what ingest_progress(False) yields


class RichProgress:
    """One bar per input file ("reading NAME": bytes read of the (compressed) file, speed, time
    left), then one line per phase after reading ("merging", "writing parts", "publishing"), so
    the bar never stands still at its end without a word of what kwo is doing."""

    def __init__(self, progress):
        self._progress = progress
        self._task = None
        self._total: int | None = None
        self._phase = None

    def start_file(self, path: str, total_bytes: int | None) -> None:
        from ..safe_text import visible

        self.end_file()
        name = visible("stdin" if path == "-" else os.path.basename(path) or path)
        self._total = total_bytes
        self._task = self._progress.add_task(f"reading {name}", total=total_bytes)

    def advance(self, nbytes: int) -> None:
        if self._task is not None and nbytes:
            self._progress.advance(self._task, nbytes)

    def end_file(self) -> None:
        if self._task is not None:
            if self._total is not None:  # a compressed file's last bytes may go unreported
                self._progress.update(self._task, completed=self._total)
            self._progress.stop_task(self._task)
            self._task = None

    def phase(self, name: str) -> None:
        """A phase after reading: a line of its own that pulses until the next phase or the end."""
        self.end_file()
        self._end_phase()
        self._phase = self._progress.add_task(name, total=None, phase=True)

    def _end_phase(self) -> None:
        if self._phase is not None:
            self._progress.update(self._phase, total=1, completed=1)
            self._progress.stop_task(self._phase)
            self._phase = None

    def close(self) -> None:
        self.end_file()
        self._end_phase()


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
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )
    from rich.text import Text

    class ForFiles(ProgressColumn):
        """A column shown for the bar of a file only; a phase's line shows its time elapsed there
        (``elapsed=True``) or nothing (it has no bytes to count)."""

        def __init__(self, column: ProgressColumn, elapsed: bool = False):
            super().__init__()
            self.column = column
            self.for_phase = TimeElapsedColumn() if elapsed else None

        def render(self, task):
            if task.fields.get("phase"):
                return self.for_phase.render(task) if self.for_phase else Text("")
            return self.column.render(task)

    progress = Progress(
        # The description is a file name: shown as text, never parsed as markup.
        TextColumn("{task.description}", justify="left", style="bold", markup=False),
        BarColumn(),
        ForFiles(DownloadColumn()),
        ForFiles(TransferSpeedColumn()),
        ForFiles(TimeRemainingColumn(), elapsed=True),
        console=console or Console(stderr=True),
        transient=False,
    )
    with progress:
        bar = RichProgress(progress)
        try:
            yield bar
        finally:
            bar.close()


__all__ = ["NoProgress", "RichProgress", "ingest_progress"]
