"""``kwo demo``: generate a KWO16-shaped sample, ingest it, report it, and compare.

The demo is the README's main job: it shows, on a machine with nothing but kwo, that the
analysis recovers every figure the generator decided (``truth.json``) and that those figures
have the published shape of KWO16.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .archive import Archive
from .archive.layout import LOCK_FILE, MANIFEST, QUARANTINE_DIR, STAGING_DIR, TWEETS_DIR, is_run_id
from .archive.leftovers import plan_sweep
from .errors import KwoError, OutputError
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
    _remove_earlier_archive(archive, sample_dir)  # the figures must be this run's
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


#: The dump files the demo ingests (kwo sample's v1 names), in the folder ``sample/``.
_DEMO_INPUT = re.compile(r"tweets-\d{4}-\d{2}\.jsonl\.gz")


def _remove_earlier_archive(archive: Path, sample_dir: Path) -> None:
    """Remove the archive an earlier demo ingested into ``archive``, file by file: only when every
    file in it is kwo's (its manifest, lock, live parts, quarantine files, kwo's leftovers) and
    every file it ingested is a dump file of the demo's ``sample/``. Anything else makes the demo
    stop with an error naming it, before anything is removed."""
    if not os.path.lexists(archive):
        return
    if archive.is_symlink() or not archive.is_dir():
        raise OutputError(f"{archive}: exists and is not a folder kwo made; the demo writes its archive there: "
                          "move it away or choose another --out")
    if not any(archive.iterdir()):
        return
    try:
        manifest, _ = Archive(archive, must_exist=False).read_snapshot()  # None: a first ingest that died
    except KwoError as exc:
        raise OutputError(f"{archive}: is not the archive of an earlier kwo demo ({exc}); the demo replaces only "
                          "its own archive: move it away or choose another --out") from None
    for entry in manifest.files if manifest is not None else ():
        where = Path(str(entry.get("path", "")))
        if not (_DEMO_INPUT.fullmatch(where.name) and where.parent.name == sample_dir.name):
            raise OutputError(f"{archive}: holds files ingested from {entry.get('path')!r}, not only the demo's "
                              f"sample; the demo replaces only its own archive: move it away or choose another --out")
    sweep = plan_sweep(archive, manifest)
    try:
        live = manifest.live_paths() if manifest is not None else set()
        own = live | set(sweep.remove) | {MANIFEST, LOCK_FILE}
        foreign = list(sweep.foreign)
        files = []
        for dirpath, dirnames, filenames in os.walk(archive):
            here = Path(dirpath)
            if here == archive:  # below the top, the sweep tells kwo's folders from others
                foreign += [f"{d}/" for d in dirnames if d not in (TWEETS_DIR, QUARANTINE_DIR, STAGING_DIR)]
            for name in [*filenames, *(d for d in dirnames if (here / d).is_symlink())]:
                rel = (here / name).relative_to(archive).as_posix()
                top, _, rest = rel.partition("/")
                if rel in own or (top == STAGING_DIR and is_run_id(rest.split("/")[0].removeprefix("."))):
                    files.append(rel)
                elif top not in (TWEETS_DIR, QUARANTINE_DIR, STAGING_DIR):
                    foreign.append(rel)
        if foreign:
            more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
            raise OutputError(f"{archive}: holds {foreign[0]}{more}, which kwo did not write; the demo replaces "
                              "only the archive of an earlier demo and has removed nothing: move those files away "
                              "or choose another --out")
    finally:
        sweep.close()
    try:
        for rel in files:
            (archive / rel).unlink()
        for dirpath, _, _ in sorted(os.walk(archive), key=lambda w: -len(w[0])):  # deepest first
            os.rmdir(dirpath)  # empty now: every file in them was kwo's
    except OSError as exc:
        raise OutputError(f"{archive}: cannot remove the earlier demo's archive: {exc.strerror or exc}") from None


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
