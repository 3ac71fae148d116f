"""`kwo staffing` on the KWO16 archive (issue 20: under 2 s including start-up), and the report
time of this tree against a baseline tree (the signatures table costs every report a scan of the
reply texts).

The archive is the KWO16 default sample written as an archive directly:

    kwo sample --out /tmp/kwo16s -f parquet -q
    git worktree add /work/stf-before main        # the baseline tree, for --baseline
    python benchmarks/bench_staffing.py --archive /tmp/kwo16s --repeat 5 --baseline /work/stf-before

Every run is a whole process (start-up included); the commands alternate round by round, so load
drift hits them alike; the table gives each one's median and every run's time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PYTHON, ROOT, run_once  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--archive", required=True, help="an archive (kwo sample -f parquet writes one)")
    ap.add_argument("--brands", default=None, help="the roster (default: ARCHIVE/brands.csv)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--baseline", default=None, help="another kwo tree: its kwo report is timed alternately")
    args = ap.parse_args()
    brands = args.brands or str(Path(args.archive) / "brands.csv")
    figures = ["--archive", args.archive, "--brands", brands]

    def kwo(tree: Path, *cmd: str) -> tuple[list[str], str]:
        # run in the tree: `python -m` puts the working directory first on sys.path, ahead of the
        # editable install of this tree (PYTHONPATH does not beat its import hook)
        return [PYTHON, "-m", "kwo", *cmd], str(tree)

    commands = {"kwo staffing (json)": kwo(ROOT, "staffing", *figures, "--aht", "4m", "--target", "80",
                                           "--within", "60m", "-f", "json", "-o", os.devnull),
                "kwo report (json), this tree": kwo(ROOT, "report", *figures, "-f", "json", "-o", os.devnull)}
    if args.baseline:
        commands["kwo report (json), baseline"] = kwo(Path(args.baseline), "report", *figures, "-f", "json",
                                                      "-o", os.devnull)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, (cmd, cwd) in commands.items():
            times[name].append(run_once(name, cmd, cwd=cwd).seconds)
    print("| run | seconds (median) | runs |")
    print("|---|---|---|")
    for name, ts in times.items():
        print(f"| {name} | {statistics.median(ts):.2f} | {', '.join(f'{t:.2f}' for t in ts)} |")
    if args.baseline:
        ratio = statistics.median(times["kwo report (json), this tree"]) / statistics.median(
            times["kwo report (json), baseline"])
        print(f"\nreport time ratio this tree / baseline: {ratio:.2f}")


if __name__ == "__main__":
    main()
