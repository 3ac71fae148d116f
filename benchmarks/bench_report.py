"""`kwo report` on a KWO16-sized archive (1,508,812 mention tweets by default).

Generates the archive with ``kwo sample`` (once; reused with --workdir), ingests it, then runs
the full report as whole processes (start-up included), median of --repeat runs, with peak RSS.

    python benchmarks/bench_report.py --workdir /tmp/kwo16 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import KWO, median_run, run_once  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tweets", type=int, default=1_508_812, help="mention tweets in the sample")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", default=None, help="keep the sample and archive here (reused when present)")
    args = ap.parse_args()

    work = Path(args.workdir or tempfile.mkdtemp(prefix="kwo-bench-report-"))
    sample, arch = work / "sample", work / "archive"
    if not (sample / "truth.json").exists():
        r = run_once("kwo sample", [*KWO, "sample", "--out", str(sample), "--tweets", str(args.tweets), "--quiet"])
        print(f"kwo sample: {r.seconds:.1f} s, peak RSS {r.peak_rss_mb:,.0f} MB")
    if not (arch / "manifest.json").exists():
        files = sorted(str(p) for p in sample.glob("tweets-*"))
        r = run_once("kwo ingest", [*KWO, "ingest", *files, "--archive", str(arch), "--quiet"])
        print(f"kwo ingest: {r.seconds:.1f} s, peak RSS {r.peak_rss_mb:,.0f} MB")
    truth = json.loads((sample / "truth.json").read_text())
    print(f"archive: {truth['totals']['mention_tweets']:,} mention tweets")

    brands = str(sample / "brands.csv")
    runs = [
        median_run("kwo report (all sections, json)",
                   [*KWO, "report", "--archive", str(arch), "--brands", brands, "--format", "json"], args.repeat),
        median_run("kwo report --thread",
                   [*KWO, "report", "--archive", str(arch), "--brands", brands, "--format", "json", "--thread"],
                   args.repeat),
        median_run("python -c 'import kwo.metrics' (start-up only)",
                   [sys.executable, "-c", "import kwo.metrics, kwo.report"], args.repeat),
    ]
    print("\n| run | seconds (median) | peak RSS MB |")
    print("|---|---|---|")
    for r in runs:
        print(f"| {r.name} | {r.seconds:.2f} | {r.peak_rss_mb:,.0f} |")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
