"""Shared benchmark plumbing: whole-process runs with wall time and the child's own peak RSS."""

from __future__ import annotations

import os
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
KWO = [PYTHON, "-m", "kwo"]


@dataclass
class Run:
    name: str
    seconds: float
    peak_rss_mb: float


def run_once(name: str, cmd: list[str], env: dict | None = None, cwd: str | None = None) -> Run:
    """Run ``cmd`` as its own process; os.wait4 gives that process's peak RSS (ru_maxrss, KiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed ({proc.returncode}): {shlex.join(cmd)}\n{err[-2000:]}")
    return Run(name, seconds, usage.ru_maxrss / 1024)


def median_run(name: str, cmd: list[str], repeat: int, setup=None, **kw) -> Run:
    runs = []
    for _ in range(repeat):
        if setup:
            setup()
        runs.append(run_once(name, cmd, **kw))
    return Run(name, statistics.median(r.seconds for r in runs), max(r.peak_rss_mb for r in runs))


def fmt_rate(n: float) -> str:
    return f"{n/1000:,.0f}k" if n >= 1000 else f"{n:,.0f}"


def interleaved(commands: list[tuple[str, list[str]]], repeat: int, setup=None) -> list[Run]:
    """Run each command once per round, ``repeat`` rounds, so load drift hits all alike.

    Returns one Run per command: the median time and the largest peak RSS over the rounds.
    """
    results: dict[str, list[Run]] = {name: [] for name, _ in commands}
    for _ in range(repeat):
        for name, cmd in commands:
            if setup:
                setup()
            results[name].append(run_once(name, cmd))
    return [
        Run(name, statistics.median(r.seconds for r in runs), max(r.peak_rss_mb for r in runs))
        for name, runs in results.items()
    ]
