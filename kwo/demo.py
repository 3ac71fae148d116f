"""``kwo demo``: generate a KWO16-shaped sample, ingest it, report it, and compare.

The demo is the README's main job: it shows, on a machine with nothing but kwo, that the
analysis recovers every figure the generator decided (``truth.json``) and that those figures
have the published shape of KWO16.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .ingest import IngestResult, ingest
from .metrics import Report, build_report
from .metrics.registry import METRICS
from .render import render
from .sample import (
    DEFAULT_SEED,
    DEFAULT_TWEETS,
    KWO16_ANSWERED_PCT,
    KWO16_MENTION_TWEETS,
    KWO16_PEAK_HOUR,
    KWO16_PROACTIVE,
    generate,
)

#: The report formats the demo writes next to each other.
REPORT_FORMATS = {"json": "report.json", "markdown": "report.md", "csv": "report.csv", "html": "report.html"}

def _row_key(columns: tuple[str, ...]) -> Callable[[dict], object]:
    if len(columns) == 1:
        return lambda r: r[columns[0]]
    return lambda r: tuple(r[c] for c in columns)


def section_keys() -> dict[str, Callable[[dict], object]]:
    """Rows of a report section are matched to truth.json rows by these keys (kwo.metrics.registry:
    Metric.key, read when called so that a metric registered later is compared too)."""
    return {n: _row_key(m.key) for n, m in METRICS.items() if m.key}


@dataclass
class DemoResult:
    out: Path
    archive: Path
    truth: dict
    report: dict  # the JSON report
    report_obj: Report  # the same, as kwo.metrics.Report (for the other renderers)
    ingest: IngestResult
    files: dict[str, Path] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)


def truth_mismatches(truth: dict, report: dict) -> list[str]:
    """Every figure of ``truth.json`` that the JSON report does not reproduce exactly."""
    out: list[str] = []

    def same(where: str, want, got) -> None:
        if want != got:
            out.append(f"{where}: generator {want!r}, report {got!r}")

    for key, value in truth["totals"].items():
        same(f"totals.{key}", value, report["totals"].get(key))
    for section, key in section_keys().items():
        rows = {key(r): r for r in report.get(section, [])}
        if len(rows) != len(truth.get(section, [])):
            out.append(f"{section}: generator has {len(truth.get(section, []))} rows, report {len(rows)}")
        for row in truth.get(section, []):
            got = rows.get(key(row), {})
            for name, value in row.items():
                same(f"{section}[{key(row)}].{name}", value, got.get(name))
    return out


def run_demo(
    out: str | os.PathLike,
    *,
    tweets: int = DEFAULT_TWEETS,
    seed: int = DEFAULT_SEED,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Sample -> ingest -> report into ``out`` (``sample/``, ``archive/``, ``report.*``)."""
    say = progress or (lambda _msg: None)
    out = Path(out)
    sample_dir, archive = out / "sample", out / "archive"
    if archive.exists():
        shutil.rmtree(archive)  # a previous demo's: the figures must be this run's
    seconds: dict[str, float] = {}

    t = time.perf_counter()
    say(f"generating {tweets:,} mention tweets (seed {seed}) into {sample_dir}")
    sample = generate(sample_dir, tweets=tweets, seed=seed)
    seconds["sample"] = time.perf_counter() - t

    t = time.perf_counter()
    files = sorted(str(p) for p in sample_dir.glob("tweets-*"))
    say(f"ingesting {len(files)} dump files into {archive}")
    ingested = ingest(files, archive)
    seconds["ingest"] = time.perf_counter() - t

    t = time.perf_counter()
    say("computing the report")
    report = build_report(archive, sample_dir / "brands.csv", details=True)  # details: what the HTML report adds
    seconds["report"] = time.perf_counter() - t

    written: dict[str, Path] = {}
    for fmt, name in REPORT_FORMATS.items():
        path = out / name
        try:
            with open(path, "w", encoding="utf-8", newline="") as f:
                render(report, fmt, out=f)
        except (ImportError, ValueError):  # a format this installation cannot render (yet)
            path.unlink(missing_ok=True)
            continue
        written[fmt] = path
    report_json = json.loads(written["json"].read_text(encoding="utf-8"))
    return DemoResult(
        out=out,
        archive=archive,
        truth=sample.truth,
        report=report_json,
        report_obj=report,
        ingest=ingested,
        files=written,
        seconds=seconds,
        mismatches=truth_mismatches(sample.truth, report_json),
    )


def published_rows(report: dict, truth: dict) -> list[tuple[str, str, str, str]]:
    """(figure, this report, the generator's truth, published KWO16) for the headline figures."""
    t, g = report["totals"], truth["totals"]

    def hour(h) -> str:
        return "-" if h is None else f"{h:02d}:00-{(h + 1) % 24:02d}:00"

    return [
        ("mention tweets", f"{t['mention_tweets']:,}", f"{g['mention_tweets']:,}", f"{KWO16_MENTION_TWEETS:,}"),
        ("answered", f"{t['answered_pct']:.1f}%", f"{g['answered_pct']:.1f}%", f"{KWO16_ANSWERED_PCT}%"),
        ("proactive replies", f"{t['proactive_replies']:,}", f"{g['proactive_replies']:,}", f"{KWO16_PROACTIVE:,}"),
        ("peak hour (Amsterdam)", hour(t["peak_hour"]), hour(g["peak_hour"]), hour(KWO16_PEAK_HOUR)),
    ]
