"""Ingest throughput on a generated API v1.1 file of at least 1 GB.

Measures, as whole processes in one run (median of --repeat runs, peak RSS of each process):
``kwo ingest`` on the plain and the gzipped file, and, as the yardstick, DuckDB's own
``read_json`` with the same columns written to Parquet (what a user could run instead).

    python benchmarks/bench_ingest.py --tweets 330000 --repeat 3
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import KWO, PYTHON, fmt_rate, interleaved  # noqa: E402
from synth_v1 import write  # noqa: E402

DUCKDB_PEER = r"""
import sys, duckdb
src, out = sys.argv[1], sys.argv[2]
con = duckdb.connect()
rel = con.read_json(src, format="newline_delimited", columns={
    "id_str": "VARCHAR", "created_at": "VARCHAR", "text": "VARCHAR",
    "user": "STRUCT(id_str VARCHAR, screen_name VARCHAR)",
    "in_reply_to_status_id_str": "VARCHAR", "in_reply_to_user_id_str": "VARCHAR",
    "in_reply_to_screen_name": "VARCHAR", "lang": "VARCHAR", "source": "VARCHAR",
    "entities": "STRUCT(user_mentions STRUCT(id_str VARCHAR, screen_name VARCHAR)[])",
})
rel.to_parquet(out, compression="zstd")
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tweets", type=int, default=330_000, help="tweets to generate (330k is about 1.1 GB)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", default=None, help="where to put the files (default: a temp dir)")
    args = ap.parse_args()

    work = Path(args.workdir or tempfile.mkdtemp(prefix="kwo-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    plain, gz = work / "tweets.jsonl", work / "tweets.jsonl.gz"
    if not plain.exists():
        write(str(plain), args.tweets, gz=False)
    if not gz.exists():
        write(str(gz), args.tweets, gz=True)
    mb = plain.stat().st_size / 1e6
    print(f"input: {args.tweets:,} tweets, {mb:,.0f} MB plain, {gz.stat().st_size/1e6:,.0f} MB gzipped")

    arch = work / "archive"

    def fresh() -> None:
        shutil.rmtree(arch, ignore_errors=True)

    runs = interleaved(
        [
            ("kwo ingest (plain)", [*KWO, "ingest", str(plain), "--archive", str(arch), "--quiet"]),
            ("kwo ingest (gzip)", [*KWO, "ingest", str(gz), "--archive", str(arch), "--quiet"]),
            ("duckdb read_json -> parquet (plain)", [PYTHON, "-c", DUCKDB_PEER, str(plain), str(work / "peer.parquet")]),
            ("duckdb read_json -> parquet (gzip)", [PYTHON, "-c", DUCKDB_PEER, str(gz), str(work / "peer.parquet")]),
        ],
        args.repeat,
        setup=fresh,
    )
    base = {"plain": runs[2].seconds, "gzip": runs[3].seconds}
    print("\n| run | seconds | tweets/s | MB/s (plain-equivalent) | peak RSS MB | time vs duckdb |")
    print("|---|---|---|---|---|---|")
    for r in runs:
        kind = "gzip" if "gzip" in r.name else "plain"
        print(f"| {r.name} | {r.seconds:.2f} | {fmt_rate(args.tweets / r.seconds)} | "
              f"{mb / r.seconds:,.0f} | {r.peak_rss_mb:,.0f} | {r.seconds / base[kind]:.2f}x |")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
