"""Capture every output kwo's CLI gives on a fixed set of archives, to compare two trees.

A refactor must not change a byte of what users see. This script runs one kwo (whatever
``--kwo`` names, default the ``kwo`` beside this Python) over sample archives of every input
format, the real files when given, and optionally the KWO16-sized sample, and writes each
output to ``OUT/<archive>/<command>``. Compare two captures with ``diff -r``.

Example:
    python benchmarks/capture_outputs.py --out /tmp/before --work /tmp/capture-work
    # ... change the code ...
    python benchmarks/capture_outputs.py --out /tmp/after --work /tmp/capture-work --reuse
    diff -r /tmp/before /tmp/after && echo identical

``--reuse`` keeps the ingested archives of an earlier run when their inputs are the same, so the
second run measures report outputs only; without it every archive is ingested again and the
ingest summaries and archive contents are compared too.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

WORK = Path(".")
FORMATS = ("table", "json", "csv", "markdown", "html")
SECTIONS = ("answered", "proactive", "rush-hour", "response-times", "brands")
CHARTS = ("rush-hour", "response-by-hour", "closed-by-hour", "heatmap", "response-times",
          "response-times-by-sector", "months")
VARIANTS = {
    "default": [],
    "thread": ["--thread"],
    "window": ["--window", "2h", "--tz", "UTC"],
    "period": ["--since", "2016-03-01", "--until", "2016-06-30"],
}
ARCHIVE_SQL = (
    "SELECT * EXCLUDE (source_file) FROM tweets ORDER BY tweet_id, collected",
    "SELECT count(*) AS n, count(DISTINCT tweet_id) AS ids FROM tweets",
)


def run(kwo: list[str], args: list[str], out: Path, env: dict[str, str]) -> None:
    # In the work folder, with relative archive paths: two captures in two folders compare equal.
    proc = subprocess.run(kwo + args, capture_output=True, env=env, stdin=subprocess.DEVNULL, cwd=WORK)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(proc.stdout + b"\n--- stderr ---\n" + proc.stderr + f"\n--- exit {proc.returncode}\n".encode())


def capture(kwo: list[str], archive: Path, brands: Path | None, out: Path, env: dict[str, str],
            full: bool) -> None:
    b = ["--brands", str(brands)] if brands else []
    base = ["--archive", str(archive)] + b
    for variant, extra in VARIANTS.items():
        if not full and variant != "default":
            continue
        for fmt in FORMATS:
            run(kwo, ["report", *base, *extra, "-f", fmt], out / f"report.{variant}.{fmt}", env)
    for section in SECTIONS:
        for fmt in ("table", "json", "csv"):
            run(kwo, [section, *base, "-f", fmt], out / f"{section}.{fmt}", env)
    for chart in CHARTS:
        run(kwo, ["chart", chart, *base, "-o", str(out / f"chart.{chart}.svg")], out / f"chart.{chart}.log", env)
    for i, q in enumerate(ARCHIVE_SQL):
        run(kwo, ["sql", q, "--archive", str(archive), "--format", "csv"], out / f"sql.{i}.csv", env)


QUARANTINE_NAME = re.compile(rb"quarantine/\d{8}T\d{6}-[0-9a-f]{8}\.jsonl")


def normalise(out: Path) -> None:
    """Replace what differs between two ingests of the same files by design: the archive
    fingerprint (it hashes the part names, which are random) and the quarantine file's name."""
    for folder in sorted(d for d in out.iterdir() if d.is_dir()):
        report = folder / "report.default.json"
        if not report.exists():
            report = folder / "report.json"
        text = report.read_bytes() if report.exists() else b""
        m = re.search(rb'"archive_fingerprint": "([0-9a-f]+)"', text)
        for f in folder.rglob("*"):
            if f.is_file():
                data = f.read_bytes()
                new = QUARANTINE_NAME.sub(b"quarantine/RUN.jsonl", data)
                if m:
                    new = new.replace(m.group(1), b"FINGERPRINT")
                if new != data:
                    f.write_bytes(new)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--work", type=Path, required=True, help="where samples and archives are made")
    p.add_argument("--kwo", default=str(Path(sys.executable).with_name("kwo")))
    p.add_argument("--realdata", type=Path, default=os.environ.get("KWO_REALDATA"))
    p.add_argument("--kwo16", type=Path, help="a KWO16 archive (kwo sample --format parquet) to report on")
    p.add_argument("--reuse", action="store_true")
    p.add_argument("--normalise-only", action="store_true", help="only normalise an existing --out")
    a = p.parse_args()
    if a.normalise_only:
        normalise(a.out)
        return
    global WORK
    a.out = a.out.resolve()
    WORK = a.work = a.work.resolve()
    kwo = [a.kwo]
    env = dict(os.environ, COLUMNS="80", NO_COLOR="1", TERM="dumb")
    a.out.mkdir(parents=True, exist_ok=True)
    a.work.mkdir(parents=True, exist_ok=True)

    jobs: list[tuple[str, Path | None, list[str], bool]] = []
    for fmt in ("v1", "v2", "twcs"):
        src = Path(f"sample-{fmt}")
        if not (WORK / src).exists():
            subprocess.run(kwo + ["sample", "--out", str(src), "-n", "3000", "-s", "7", "-f", fmt, "-q"], check=True,
                           cwd=WORK)
        inputs = sorted(str(src / x.name) for x in (WORK / src).iterdir() if x.name not in ("brands.csv", "truth.json"))
        jobs.append((f"sample-{fmt}", src / "brands.csv", inputs, True))
    pq = Path("sample-parquet")
    if not (WORK / pq).exists():
        subprocess.run(kwo + ["sample", "--out", str(pq), "-n", "5000", "-s", "3", "-f", "parquet", "-q"], check=True,
                       cwd=WORK)
    if a.realdata and a.realdata.is_dir():
        for fmt in ("v1", "v2", "twcs", "archive"):
            files = sorted(str(x) for x in (a.realdata / fmt).iterdir() if x.is_file())
            jobs.append((f"real-{fmt}", None, files, False))

    for name, brands, inputs, full in jobs:
        archive = Path(f"arch-{name}")
        if not (a.reuse and (WORK / archive).exists()):
            if (WORK / archive).exists():
                shutil.rmtree(WORK / archive)
            run(kwo, ["ingest", *inputs, "--archive", str(archive), "--json"], a.out / name / "ingest.json", env)
        capture(kwo, archive, brands, a.out / name, env, full)
    capture(kwo, pq, pq / "brands.csv", a.out / "sample-parquet", env, True)
    if a.kwo16:
        run(kwo, ["report", "--archive", str(a.kwo16), "--brands", str(a.kwo16 / "brands.csv"), "-f", "json"],
            a.out / "kwo16" / "report.json", env)
        run(kwo, ["report", "--archive", str(a.kwo16), "--brands", str(a.kwo16 / "brands.csv"), "-f", "html"],
            a.out / "kwo16" / "report.html", env)
    normalise(a.out)
    print(f"captured into {a.out}")


if __name__ == "__main__":
    main()
