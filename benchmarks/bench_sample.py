"""How fast `kwo sample` writes a synthetic archive (whole-process runs).

Reports wall time, mention tweets per second, lines (records) per second, bytes written and the
peak RSS of the largest process (os.wait4 of the `kwo sample` process; its writer processes are
reaped by it, so their peaks count too).

    python benchmarks/bench_sample.py                      # full KWO16 size, v1, one run
    python benchmarks/bench_sample.py --tweets 200000 --repeat 3 --format v2
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import KWO, ROOT, fmt_rate, run_once  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tweets", type=int, default=None, help="mention tweets (default: the KWO16 size)")
    ap.add_argument("--format", default="v1", choices=["v1", "v2", "twcs", "parquet"],
                    help="parquet: a ready kwo archive (kwo sample --format parquet), no dump files")
    ap.add_argument("--seed", type=int, default=2016)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--out", help="where to write (default: a temporary directory, removed afterwards)")
    ap.add_argument("--json", action="store_true", help="print the results as one JSON object")
    args = ap.parse_args(argv)

    tmp = None
    out = Path(args.out) if args.out else Path(tmp := tempfile.mkdtemp(prefix="kwo-bench-sample-"))
    cmd = [*KWO, "sample", "--out", str(out), "--seed", str(args.seed), "--format", args.format, "--quiet"]
    if args.tweets:
        cmd += ["--tweets", str(args.tweets)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    try:
        runs = [run_once("kwo sample", cmd, cwd=str(ROOT)) for _ in range(args.repeat)]
        truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    seconds = sorted(r.seconds for r in runs)[len(runs) // 2]
    peak = max(r.peak_rss_mb for r in runs)
    archive = truth["archive"]
    mentions = truth["totals"]["mention_tweets"]
    disk = sum(f["bytes"] for f in archive["files"])
    result = {
        "format": args.format, "mention_tweets": mentions, "records": archive["records"], "files": len(archive["files"]),
        "bytes": disk, "seconds": round(seconds, 2), "runs": [round(r.seconds, 2) for r in runs],
        "mention_tweets_per_s": round(mentions / seconds), "records_per_s": round(archive["records"] / seconds),
        "peak_rss_mb": round(peak, 1),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"kwo sample --format {args.format}: {mentions:,} mention tweets, {archive['records']:,} records, "
              f"{len(archive['files'])} files, {disk / 1e6:,.0f} MB on disk")
        print(f"  wall {seconds:.1f} s (median of {len(runs)}: {', '.join(f'{r.seconds:.1f}' for r in runs)}), "
              f"{fmt_rate(mentions / seconds)} mention tweets/s, {fmt_rate(archive['records'] / seconds)} records/s, "
              f"peak RSS {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
