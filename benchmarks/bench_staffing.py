"""`kwo staffing` on the KWO16 archive (issue 20: under 2 s including start-up) and `kwo report`
on it (issue 19: under 2 s), each against a baseline tree in the same run, and the start-up alone.

The archive is the KWO16 default sample written as an archive directly:

    kwo sample --out /tmp/kwo16s -f parquet -q
    git worktree add /work/spd-before main        # the baseline tree, for --baseline
    python benchmarks/bench_staffing.py --archive /tmp/kwo16s --repeat 5 --baseline /work/spd-before

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

    staffing = ["staffing", *figures, "--aht", "4m", "--target", "80", "--within", "60m", "-f", "json", "-o", os.devnull]
    report = ["report", *figures, "-f", "json", "-o", os.devnull]
    commands = {"kwo staffing (json), this tree": kwo(ROOT, *staffing),
                "kwo report (json), this tree": kwo(ROOT, *report),
                # the start-up alone: Python, click and the imports every command pays
                "kwo --version (start-up), this tree": kwo(ROOT, "--version")}
    if args.baseline:
        commands["kwo staffing (json), baseline"] = kwo(Path(args.baseline), *staffing)
        commands["kwo report (json), baseline"] = kwo(Path(args.baseline), *report)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, (cmd, cwd) in commands.items():
            times[name].append(run_once(name, cmd, cwd=cwd).seconds)
    print("| run | seconds (median) | runs |")
    print("|---|---|---|")
    for name, ts in times.items():
        print(f"| {name} | {statistics.median(ts):.2f} | {', '.join(f'{t:.2f}' for t in ts)} |")
    if args.baseline:
        print()
        for what in ("staffing", "report"):
            ratio = statistics.median(times[f"kwo {what} (json), this tree"]) / statistics.median(
                times[f"kwo {what} (json), baseline"])
            print(f"{what} time ratio this tree / baseline: {ratio:.2f}")


if __name__ == "__main__":
    main()
