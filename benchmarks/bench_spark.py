"""`kwo report` on Spark local[1] against local[2] (how it scales with cores), beside DuckDB, on a
sample archive of N mention tweets (issue 17). Every run is a whole process (JVM start included);
the commands alternate round by round, so load drift hits them alike. The JSON reports of all
three are compared too: a benchmark of different figures would measure nothing.

    python benchmarks/bench_spark.py --tweets 1000000 --repeat 1
    python benchmarks/bench_spark.py --archive /tmp/s10m --repeat 1   # an archive already made

Needs the spark extra (`pip install 'kwo[spark]'`) and a Java 17 runtime.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import KWO, run_once  # noqa: E402


def _timed_figures(cmd: list[str]) -> tuple[float, dict]:
    """Wall seconds of the whole process, and its report's JSON without the parameters block
    (which names the engine)."""
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {shlex.join(cmd)}\n{done.stderr[-2000:]}")
    out = json.loads(done.stdout)
    out.pop("parameters", None)
    return seconds, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tweets", type=int, default=1_000_000, help="mention tweets of the sample (default 1M)")
    ap.add_argument("--archive", default=None, help="an archive to use instead of a new sample")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kwo-bench-spark-") as tmp:
        archive = args.archive
        if archive is None:
            archive = str(Path(tmp) / "sample")
            run_once("sample", [*KWO, "sample", "--out", archive, "--tweets", str(args.tweets), "--seed", "1",
                                "--format", "parquet", "-q"])
        report = [*KWO, "report", "--archive", archive, "--brands", str(Path(archive) / "brands.csv"),
                  "--format", "json"]
        commands = {"duckdb (default, 2 threads)": report,
                    "spark local[1]": [*report, "--engine", "spark", "--spark-master", "local[1]"],
                    "spark local[2]": [*report, "--engine", "spark", "--spark-master", "local[2]"]}
        times: dict[str, list[float]] = {name: [] for name in commands}
        figures: dict[str, dict] = {}
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                seconds, figures[name] = _timed_figures(cmd)
                times[name].append(seconds)
    same = all(f == figures["duckdb (default, 2 threads)"] for f in figures.values())
    print(f"archive: {archive}")
    print("| kwo report (json) | seconds (median) | runs |")
    print("|---|---|---|")
    for name, ts in times.items():
        print(f"| {name} | {statistics.median(ts):.1f} | {', '.join(f'{t:.1f}' for t in ts)} |")
    one, two, duck = (statistics.median(times[k]) for k in ("spark local[1]", "spark local[2]",
                                                             "duckdb (default, 2 threads)"))
    print(f"\nspark local[1] / local[2]: {one / two:.2f}x; spark local[2] / duckdb: {two / duck:.1f}x")
    print("figures equal on all three engines" if same else "FIGURES DIFFER between engines")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
