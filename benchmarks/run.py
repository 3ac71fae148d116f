"""kwo's benchmarks in one run: ingest and report against the hardware limit and the peers.

Generates archives with ``kwo sample`` (kept under --workdir and reused), then measures, each as
a whole process (start-up included), --repeat rounds run round-robin so that machine load hits
every command alike; the median time and the largest peak RSS (os.wait4, children included):

1. ingest of API v1.1 JSON lines, plain (one file) and gzipped (the sample's month files):
   the limits (python-isal decompress only, msgspec projected parse only, both, 2 processes;
   DuckDB read_json parsing kwo's columns, 2 threads; kwo's share is of the fastest of them),
   ``kwo ingest``, DuckDB ``read_json`` with the same columns to Parquet, polars ``scan_ndjson``
   with a schema to Parquet, and a pandas ``json_normalize`` pipeline (on the first
   --pandas-lines lines, scaled per line);
2. v2 input: ``kwo ingest`` against twarc-csv followed by pandas computing the answered share;
3. ``kwo report`` (all sections, JSON) against the same figures in pandas and in polars
   (benchmarks/peer_report_*.py, checked here to give kwo's numbers);
4. scaling: ``kwo report`` at each of --scale tweets, on archives that ``kwo sample --format
   parquet`` writes straight to Parquet (generation time and RSS recorded too)::

       python benchmarks/run.py --only scaling --scale 1000000,10000000,100000000 --workdir /tmp/kwo-scale

    python benchmarks/run.py --tweets 1000000 --repeat 3 --workdir /tmp/kwo-bench
    python benchmarks/run.py --quick          # a smoke run: small sizes, one round
    kwo bench --quick                         # the same, from the kwo command

Compare the ratios of one run; absolute times drift with the load of a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import KWO, PYTHON, fmt_rate, interleaved, run_once  # noqa: E402

HERE = Path(__file__).resolve().parent
KWO16 = 1_508_812


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Inputs


def sample(work: Path, tweets: int, fmt: str = "v1") -> Path:
    """A kwo sample of ``tweets`` mention tweets (generated once, then reused)."""
    out = work / f"sample-{fmt}-{tweets}"
    if not (out / "truth.json").exists():
        shutil.rmtree(out, ignore_errors=True)
        r = run_once("kwo sample", [*KWO, "sample", "--out", str(out), "--tweets", str(tweets), "--format", fmt,
                                    "--quiet"])
        log(f"kwo sample --tweets {tweets:,} --format {fmt}: {r.seconds:.0f} s")
    return out


def dump_files(sample_dir: Path) -> list[str]:
    return sorted(str(p) for p in sample_dir.iterdir() if p.name.endswith(".jsonl.gz"))


def plain_copy(sample_dir: Path) -> Path:
    """The sample's month files decompressed into one plain JSON-lines file."""
    plain = sample_dir / "all.jsonl"
    if not plain.exists():
        from isal import igzip

        tmp = plain.with_suffix(".tmp")
        with open(tmp, "wb") as out:
            for f in dump_files(sample_dir):
                with igzip.open(f, "rb") as src:
                    shutil.copyfileobj(src, out, 8 << 20)
        os.replace(tmp, plain)
    return plain


def storage_stamp() -> str:
    """A digest of the kwo code that decides how an archive is stored (readers, staging, part
    writing, the sample generator): an archive or sample made by other code is made again, so a
    benchmark never measures a report on parts an older kwo wrote."""
    import hashlib

    kwo = HERE.parent / "kwo"
    files = sorted([*kwo.glob("formats/**/*.py"), *kwo.glob("sample/*.py"), *kwo.glob("ingest/*.py"),
                    *kwo.glob("archive/*.py"), *kwo.glob("sql/ingest/**/*.sql"), kwo / "schema.py"])
    h = hashlib.sha256()
    for f in files:
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def archive_of(sample_dir: Path) -> Path:
    arch = sample_dir.parent / (sample_dir.name + "-archive")
    stamp = arch.parent / (arch.name + ".stamp")
    if not (arch / "manifest.json").exists() or not stamp.exists() or stamp.read_text() != storage_stamp():
        shutil.rmtree(arch, ignore_errors=True)
        r = run_once("kwo ingest", [*KWO, "ingest", *dump_files(sample_dir), "--archive", str(arch), "--quiet"])
        log(f"kwo ingest {sample_dir.name}: {r.seconds:.0f} s, peak RSS {r.peak_rss_mb:,.0f} MB")
        stamp.write_text(storage_stamp())
    return arch


def count_lines(path: Path) -> int:
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(16 << 20):
            n += chunk.count(b"\n")
    return n


# ---------------------------------------------------------------------------------------------
# Sections


def bench_ingest(work: Path, args) -> dict:
    s = sample(work, args.tweets)
    gz = dump_files(s)
    plain = str(plain_copy(s))
    lines = count_lines(Path(plain))
    mb = os.path.getsize(plain) / 1e6
    gz_mb = sum(os.path.getsize(f) for f in gz) / 1e6
    log(f"ingest input: {lines:,} lines, {mb:,.0f} MB plain, {gz_mb:,.0f} MB gzipped in {len(gz)} files")
    out = work / "out"
    limit_py = str(HERE / "limits.py")
    peer_py = str(HERE / "peer_ingest.py")
    pandas_lines = min(args.pandas_lines, lines)
    cmds = [
        ("limit: decompress only (isal, 2 procs)", [PYTHON, limit_py, "decompress", *gz]),
        ("limit: parse only (msgspec projected, 2 procs)", [PYTHON, limit_py, "parse", plain]),
        ("limit: decompress+parse (isal + msgspec, 2 procs)", [PYTHON, limit_py, "decompress+parse", *gz]),
    ]
    if _has("simdjson"):
        cmds.append(("limit: parse only (simdjson, 2 procs)", [PYTHON, limit_py, "parse", plain, "--simdjson"]))
    cmds += [
        ("limit: parse only (DuckDB read_json, kwo's columns, 2 threads)",
         [PYTHON, limit_py, "parse", plain, "--duckdb"]),
        ("limit: decompress+parse (DuckDB read_json, kwo's columns, 2 threads)",
         [PYTHON, limit_py, "decompress+parse", *gz, "--duckdb"]),
    ]
    cmds += [
        ("kwo ingest (plain)", [*KWO, "ingest", plain, "--archive", str(out / "arch"), "--quiet"]),
        ("kwo ingest (gzip)", [*KWO, "ingest", *gz, "--archive", str(out / "arch"), "--quiet"]),
        ("duckdb read_json (plain)", [PYTHON, peer_py, "duckdb", str(out / "p.parquet"), plain]),
        ("duckdb read_json (gzip)", [PYTHON, peer_py, "duckdb", str(out / "p.parquet"), *gz]),
        ("duckdb read_json, kwo's columns (plain)", [PYTHON, peer_py, "duckdb-full", str(out / "p.parquet"), plain]),
        ("duckdb read_json, kwo's columns (gzip)", [PYTHON, peer_py, "duckdb-full", str(out / "p.parquet"), *gz]),
        ("floor: all-DuckDB ingest, unchecked (plain)", [PYTHON, str(HERE / "floor_duckdb.py"), str(out / "floor"), plain]),
        ("floor: all-DuckDB ingest, unchecked (gzip)", [PYTHON, str(HERE / "floor_duckdb.py"), str(out / "floor"), *gz]),
        ("polars scan_ndjson (plain)", [PYTHON, peer_py, "polars", str(out / "p.parquet"), plain]),
        ("polars scan_ndjson (gzip)", [PYTHON, peer_py, "polars", str(out / "p.parquet"), *gz]),
    ]
    if _has("pandas"):
        cmds.append((f"pandas json_normalize (plain, first {pandas_lines:,} lines)",
                     [PYTHON, peer_py, "pandas", str(out / "p.parquet"), plain, "--limit-lines", str(pandas_lines)]))

    def fresh() -> None:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)

    runs = interleaved(cmds, args.repeat, setup=fresh)
    shutil.rmtree(out, ignore_errors=True)
    rows = []
    for r in runs:
        n = pandas_lines if r.name.startswith("pandas") else lines
        scale = lines / n
        seconds = r.seconds * scale  # per-line time scaled to the whole input
        rows.append({"name": r.name, "seconds": round(seconds, 2), "measured_seconds": round(r.seconds, 2),
                     "lines_per_s": round(lines / seconds), "mb_per_s": round(mb / seconds, 1),
                     "peak_rss_mb": round(r.peak_rss_mb), "scaled": scale != 1})
    by = {r["name"]: r for r in rows}

    def ratio(a: str, b: str) -> float | None:
        """Time of the fastest run named ``b...`` over the time of ``a...``."""
        a_ = next((r for n, r in by.items() if n.startswith(a)), None)
        b_ = min((r["seconds"] for n, r in by.items() if n.startswith(b)), default=None)
        return round(b_ / a_["seconds"], 2) if a_ and b_ else None

    ratios = {}
    for kind in ("plain", "gzip"):
        k = f"kwo ingest ({kind})"
        # the limit is the fastest parser measured (msgspec, simdjson or DuckDB's reader)
        limit = "limit: parse only" if kind == "plain" else "limit: decompress+parse"
        ratios[kind] = {
            "speed vs duckdb": ratio(k, f"duckdb read_json ({kind})"),
            "speed vs duckdb (kwo's columns)": ratio(k, f"duckdb read_json, kwo's columns ({kind})"),
            "speed vs polars": ratio(k, f"polars scan_ndjson ({kind})"),
            "speed vs pandas": ratio(k, "pandas"),
            "share of limit": ratio(k, limit),
            "speed vs the all-DuckDB floor": ratio(k, f"floor: all-DuckDB ingest, unchecked ({kind})"),
        }
    return {"lines": lines, "plain_mb": round(mb), "gzip_mb": round(gz_mb), "files_gz": len(gz),
            "tweets": args.tweets, "runs": rows, "ratios": ratios}


def bench_v2(work: Path, args) -> dict:
    s = sample(work, args.v2_tweets, "v2")
    files = dump_files(s)
    mb = sum(os.path.getsize(f) for f in files) / 1e6
    out = work / "out-v2"

    def fresh() -> None:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)

    cmds = [("kwo ingest (v2, gzip)", [*KWO, "ingest", *files, "--archive", str(out / "arch"), "--quiet"])]
    if _has("twarc_csv") and _has("pandas"):
        cmds.append(("twarc-csv + pandas answered share (v2, gzip)",
                     [PYTHON, str(HERE / "peer_ingest.py"), "v2-pandas", str(out / "v2.csv"), *files,
                      "--brands", str(s / "brands.csv")]))
    runs = interleaved(cmds, args.repeat, setup=fresh)
    shutil.rmtree(out, ignore_errors=True)
    rows = [{"name": r.name, "seconds": round(r.seconds, 2), "mention_tweets_per_s": round(args.v2_tweets / r.seconds),
             "gz_mb_per_s": round(mb / r.seconds, 1), "peak_rss_mb": round(r.peak_rss_mb)} for r in runs]
    ratio = round(runs[1].seconds / runs[0].seconds, 2) if len(runs) > 1 else None
    return {"mention_tweets": args.v2_tweets, "gzip_mb": round(mb), "runs": rows, "speed vs twarc-csv+pandas": ratio,
            "note": None if len(runs) > 1 else "twarc-csv or pandas not installed (pip install kwo[bench])"}


def check_peers(arch: Path, brands: Path) -> dict:
    """The peers must compute kwo's figures, or the comparison means nothing."""
    rep = json.loads(subprocess.run([*KWO, "report", "--archive", str(arch), "--brands", str(brands),
                                     "--format", "json"], check=True, capture_output=True).stdout)
    keys = ("mention_tweets", "mention_pairs", "answered", "proactive_replies", "peak_hour")
    want = {"totals": {k: rep["totals"][k] for k in keys},
            "brands": [{k: b[k] for k in ("handle", "mentions", "answered")} for b in rep["brands"]]}
    verdict = {}
    for peer in ("pandas", "polars"):
        if not _has(peer):
            verdict[peer] = "not installed"
            continue
        got = json.loads(subprocess.run([PYTHON, str(HERE / f"peer_report_{peer}.py"), str(arch), str(brands)],
                                        check=True, capture_output=True).stdout)
        same = {k: got["totals"][k] for k in keys} == want["totals"] and got["brands"] == want["brands"]
        verdict[peer] = "same figures as kwo" if same else "DIFFERENT figures from kwo"
    return verdict


def report_cmds(arch: Path, brands: Path, peers: bool) -> list[tuple[str, list[str]]]:
    cmds = [("kwo report (all sections, json)",
             [*KWO, "report", "--archive", str(arch), "--brands", str(brands), "--format", "json"])]
    if peers:
        for peer in ("pandas", "polars"):
            if _has(peer):
                cmds.append((f"{peer} peer (headline figures)",
                             [PYTHON, str(HERE / f"peer_report_{peer}.py"), str(arch), str(brands)]))
    return cmds


def bench_report(work: Path, args) -> dict:
    s = sample(work, args.report_tweets)
    arch = archive_of(s)
    brands = s / "brands.csv"
    verdict = check_peers(arch, brands)
    cmds = [*report_cmds(arch, brands, True),
            ("start-up only (python -c 'import kwo.cli')", [PYTHON, "-c", "import kwo.cli"])]
    runs = interleaved(cmds, args.repeat)
    rows = [{"name": r.name, "seconds": round(r.seconds, 2), "peak_rss_mb": round(r.peak_rss_mb)} for r in runs]
    kwo_s = runs[0].seconds
    return {"mention_tweets": args.report_tweets, "peers": verdict, "runs": rows,
            "ratios": {r.name: round(r.seconds / kwo_s, 2) for r in runs[1:]}}


def parquet_sample(work: Path, tweets: int) -> tuple[Path, dict]:
    """A ``kwo sample --format parquet`` archive of ``tweets`` mention tweets (generated once, then
    reused) and how its generation went (kept beside it in a .gen.json)."""
    out = work / f"sample-parquet-{tweets}"
    info_path = work / f"sample-parquet-{tweets}.gen.json"
    info = json.loads(info_path.read_text()) if info_path.exists() else {}
    if not (out / "truth.json").exists() or not (out / "manifest.json").exists() or info.get("stamp") != storage_stamp():
        shutil.rmtree(out, ignore_errors=True)
        r = run_once("kwo sample", [*KWO, "sample", "--out", str(out), "--tweets", str(tweets),
                                    "--format", "parquet", "--quiet"])
        info_path.write_text(json.dumps({"seconds": round(r.seconds, 1), "peak_rss_mb": round(r.peak_rss_mb),
                                         "stamp": storage_stamp()}))
        log(f"kwo sample --tweets {tweets:,} --format parquet: {r.seconds:.0f} s, peak RSS {r.peak_rss_mb:,.0f} MB")
    info = json.loads(info_path.read_text())
    info.pop("stamp", None)
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    info.update(rows=truth["archive"]["tweets"], parts=len(truth["archive"]["files"]),
                archive_bytes=sum(f["bytes"] for f in truth["archive"]["files"]))
    return out, info


def bench_scaling(work: Path, args) -> dict:
    """``kwo report`` on archives of each --scale size, generated straight to Parquet (ingesting
    JSON dumps of 100 million tweets would take hours and is measured in the ingest section)."""
    rows = []
    for n in args.scale:
        arch, gen = parquet_sample(work, n)
        (r,) = interleaved(report_cmds(arch, arch / "brands.csv", False), args.repeat)
        rows.append({"mention_tweets": n, "rows": gen["rows"], "parts": gen["parts"],
                     "archive_mb": round(gen["archive_bytes"] / 1e6), "generate_seconds": gen["seconds"],
                     "generate_peak_rss_mb": gen["peak_rss_mb"],
                     "seconds": round(r.seconds, 2), "peak_rss_mb": round(r.peak_rss_mb)})
        log(f"kwo report at {n:,}: {r.seconds:.2f} s, peak RSS {r.peak_rss_mb:,.0f} MB")
    for row in rows[1:]:
        row["time_vs_first"] = round(row["seconds"] / rows[0]["seconds"], 2)
    growth = round(rows[-1]["seconds"] / rows[0]["seconds"], 2) if len(rows) > 1 else None
    return {"runs": rows, "growth": growth, "repeat": args.repeat}


# ---------------------------------------------------------------------------------------------
# Output


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def versions() -> dict:
    # Versions from the package metadata: importing pyarrow, polars or pandas here would raise
    # this process's RSS, and a child's ru_maxrss starts from its parent's at fork.
    out = {"python": platform.python_version(), "machine": f"{os.cpu_count()} cores, "
           f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, {platform.platform()}"}
    for m in ("kwo", "pyarrow", "duckdb", "polars", "msgspec", "isal", "pandas", "pysimdjson", "twarc-csv"):
        out[m] = _dist_version(m)
    return out


def _dist_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def markdown(res: dict) -> str:
    lines = [f"command: `{res['command']}`", ""]
    if "ingest" in res:
        ing = res["ingest"]
        lines += [f"### Ingest: {ing['tweets']:,} mention tweets = {ing['lines']:,} lines, {ing['plain_mb']:,} MB plain, "
                  f"{ing['gzip_mb']:,} MB gzipped ({ing['files_gz']} files)", "",
                  "| run | seconds | lines/s | MB/s (plain) | peak RSS MB |", "|---|---|---|---|---|"]
        for r in ing["runs"]:
            star = " (scaled)" if r["scaled"] else ""
            lines.append(f"| {r['name']} | {r['seconds']:.2f}{star} | {fmt_rate(r['lines_per_s'])} | "
                         f"{r['mb_per_s']:,.0f} | {r['peak_rss_mb']:,} |")
        lines += ["", "| kwo ingest | vs duckdb | vs duckdb (kwo's columns) | vs polars | vs pandas | share of limit "
                  "| vs all-DuckDB floor |", "|---|---|---|---|---|---|---|"]
        for kind, rt in ing["ratios"].items():
            lines.append(f"| {kind} | " + " | ".join(f"{v:.2f}x" if v is not None else "-" for v in rt.values()) + " |")
        lines.append("")
    if "v2" in res:
        v2 = res["v2"]
        lines += [f"### v2 input: {v2['mention_tweets']:,} mention tweets, {v2['gzip_mb']:,} MB gzipped", "",
                  "| run | seconds | mention tweets/s | peak RSS MB |", "|---|---|---|---|"]
        lines += [f"| {r['name']} | {r['seconds']:.2f} | {fmt_rate(r['mention_tweets_per_s'])} | {r['peak_rss_mb']:,} |"
                  for r in v2["runs"]]
        lines += ["", f"kwo ingest vs twarc-csv + pandas: {v2['speed vs twarc-csv+pandas']}x"
                  + (f" ({v2['note']})" if v2["note"] else ""), ""]
    if "report" in res:
        rep = res["report"]
        lines += [f"### Report: {rep['mention_tweets']:,} mention tweets "
                  f"(peers: {', '.join(f'{k}: {v}' for k, v in rep['peers'].items())})", "",
                  "| run | seconds | peak RSS MB | time / kwo |", "|---|---|---|---|"]
        kwo_s = rep["runs"][0]["seconds"]
        lines += [f"| {r['name']} | {r['seconds']:.2f} | {r['peak_rss_mb']:,} | {r['seconds'] / kwo_s:.2f}x |"
                  for r in rep["runs"]]
        lines.append("")
    if "scaling" in res:
        sc = res["scaling"]
        lines += [f"### Report scaling (archives from kwo sample --format parquet; report: median of "
                  f"{sc.get('repeat', '?')} runs)", "",
                  "| mention tweets | rows | parts | archive MB | generate s | generate RSS MB "
                  "| report s | report peak RSS MB | report time / first |",
                  "|---|---|---|---|---|---|---|---|---|"]
        lines += [f"| {r['mention_tweets']:,} | {r['rows']:,} | {r['parts']} | {r['archive_mb']:,} "
                  f"| {r['generate_seconds']} | {r['generate_peak_rss_mb']} | {r['seconds']:.2f} "
                  f"| {r['peak_rss_mb']:,} | {r.get('time_vs_first', 1.0)}x |" for r in sc["runs"]]
        if sc["growth"]:
            lines.append(f"\ngrowth first to last: {sc['growth']}x")
        lines.append("")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="benchmarks/run.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tweets", type=int, default=1_000_000, help="mention tweets of the ingest input")
    ap.add_argument("--report-tweets", type=int, default=KWO16, help="mention tweets of the report archive")
    ap.add_argument("--scale", default="1000000,10000000",
                    help="comma-separated sizes for the report scaling ('' to skip)")
    ap.add_argument("--v2-tweets", type=int, default=100_000, help="mention tweets of the v2 input")
    ap.add_argument("--pandas-lines", type=int, default=200_000,
                    help="the pandas ingest pipeline reads this many lines; its time is scaled per line")
    ap.add_argument("--repeat", type=int, default=3, help="rounds (median time, largest peak RSS)")
    ap.add_argument("--only", default="ingest,v2,report,scaling", help="sections to run")
    ap.add_argument("--workdir", default="/tmp/kwo-bench", help="samples and archives (kept and reused)")
    ap.add_argument("--json", dest="json_out", help="also write the results as JSON here")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: 20k tweets, one round, scaling at 20k and 50k")
    a = ap.parse_args(argv)
    if a.quick:
        a.tweets, a.report_tweets, a.v2_tweets, a.repeat = 20_000, 20_000, 5_000, 1
        a.pandas_lines, a.scale = 20_000, "20000,50000"
    a.scale = [int(x) for x in a.scale.split(",") if x.strip()]
    a.only = {x.strip() for x in a.only.split(",") if x.strip()}
    return a


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    res: dict = {"command": "python benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
                 "versions": versions(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                 "load_average_at_start": os.getloadavg()}
    sections = [("ingest", bench_ingest), ("v2", bench_v2), ("report", bench_report), ("scaling", bench_scaling)]
    for name, fn in sections:
        if name in args.only and (name != "scaling" or args.scale):
            log(f"== {name}")
            res[name] = fn(work, args)
            if args.json_out:
                Path(args.json_out).write_text(json.dumps(res, indent=1))
    res["load_average_at_end"] = os.getloadavg()
    print(markdown(res))
    print(f"\nversions: {json.dumps(res['versions'])}\nload average: {res['load_average_at_start']} -> "
          f"{res['load_average_at_end']}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
