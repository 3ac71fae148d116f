"""Running an ingest's tasks: inline in this process, or in a pool of worker processes."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed

from ..io import file_sha256
from .plan import Plan, task_bytes
from .staging import Outcome, Task, init_worker, stage


class NoProgress:
    """The progress of a caller that shows none (the library's default), and what a progress
    object is told: each input read (start_file, advance, end_file), then the phases after
    reading (``phase("merging")``, ``phase("writing parts")``, ``phase("publishing")``)."""

    def start_file(self, path: str, total_bytes: int | None) -> None: ...
    def advance(self, nbytes: int) -> None: ...
    def end_file(self) -> None: ...
    def phase(self, name: str) -> None: ...


def run_inline(tasks: list[Task], progress) -> list[Outcome]:
    outcomes = []
    for task in tasks:
        progress.start_file(task.path, None if task.path == "-" else task_bytes(task))
        try:
            outcomes.append(stage(task, on_bytes=progress.advance))
        finally:
            progress.end_file()
    return outcomes


def run_pool(plan: Plan, workers: int, progress) -> tuple[list[Outcome], dict[int, str]]:
    """Workers parse (and count the lines of their byte ranges); meanwhile this process hashes
    the files cut into ranges. Returns the outcomes and those hashes (input index -> sha256)."""
    tasks = plan.tasks
    paths = {t.path for t in tasks}
    label = tasks[0].path if len(paths) == 1 else f"{len(paths)} files"
    progress.start_file(label, sum(task_bytes(t) for t in tasks))
    # spawn, not fork: a forked child would inherit DuckDB's and pyarrow's threads mid-state
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=init_worker, initargs=(os.getpid(),))
    try:
        futures = [pool.submit(stage, t) for t in tasks]
        hashes = {index: file_sha256(path) for index, path in plan.ranged.items()}
        outcomes = []
        for fut in as_completed(futures):
            o = fut.result()
            progress.advance(task_bytes(o.task) if o.task.start is not None else (o.size or 0))
            outcomes.append(o)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        progress.end_file()
    pool.shutdown(wait=True)
    return outcomes, hashes
