"""Issue 21's first question: is a native JSON-to-Arrow reader faster than kwo's own v1.1 reader?

    python benchmarks/probe_native_decode.py FILE.jsonl[.gz] [--repeat 3]

Each contestant runs in this process on one thread (ingest already runs one parse worker per
core, so one core per parse is the fair share) and is timed in CPU seconds
(``time.process_time``), interleaved, median of the repeats; ratios are against kwo's reader in
the same run:

- ``kwo``: ``kwo.io.open_input`` (decompression and sha256) and ``kwo.formats.v1.read``, every check, context rows, canonical batches (today's path).
- ``pyarrow.json``: ``pyarrow.json.read_json`` with an explicit schema of every field kwo reads
  (benchmarks/peer_ingest.py ``_full_columns``), decode only: no check, no canonical row.
- ``duckdb``: ``read_json`` with those typed columns, one thread, fetched as Arrow: decode only.
- ``duckdb+checks``: the same plus a lower bound of the checks in Arrow compute (``_some_checks``).

A fast path would add the vector checks and the canonical columns to the two native decoders,
so it can only win if their decode alone is well under kwo's whole reader.
"""

from __future__ import annotations

import argparse
import statistics
import time

import pyarrow as pa
from peer_ingest import _full_columns


def _arrow_schema() -> pa.Schema:
    """The DuckDB column types of ``_full_columns`` as an Arrow schema (one source of truth)."""
    import duckdb

    con = duckdb.connect()
    cols = ", ".join(f"NULL::{t} AS \"{k}\"" for k, t in _full_columns().items())
    return con.sql(f"SELECT {cols}").arrow().schema  # noqa: S608 - our own constants, no user value


def run_kwo(path: str) -> int:
    from kwo.formats.base import ReadContext
    from kwo.formats.v1 import read
    from kwo.io import open_input

    with open_input(path) as opened:  # as ingest opens it: isal for gzip, and the sha256 on the way
        return sum(b.num_rows for b in read(opened.stream, ReadContext(path=path, jsonl=True)))


def run_pyarrow(path: str, schema: pa.Schema) -> int:
    import pyarrow.json as pj

    source = pa.input_stream(path, compression="gzip" if path.endswith(".gz") else None)
    table = pj.read_json(
        source, read_options=pj.ReadOptions(use_threads=False, block_size=16 << 20),
        parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"))
    return table.num_rows


def run_duckdb(path: str) -> int:
    import duckdb

    con = duckdb.connect(config={"threads": 1})
    return con.read_json(path, format="newline_delimited", columns=_full_columns()).arrow().read_all().num_rows


_DIGITS = r"^[0-9]{1,19}$"
_TWITTER_TIME = "%a %b %d %H:%M:%S +0000 %Y"


def _some_checks(t: pa.Table | pa.StructArray) -> None:
    """A lower bound of a vectorised path's own work on one level of tweets: the id checks and
    casts, the time parse, lowercased handles, the mention lists flattened and checked. Missing
    (so a real path costs more): the text choice and html unescape, the source labels, the
    collected/context rows, the shape checks that decide the per-chunk fallback."""
    import pyarrow.compute as pc

    def col(name):
        return t[name] if isinstance(t, pa.Table) else pc.struct_field(t, name)

    for name in ("id_str", "in_reply_to_status_id_str", "quoted_status_id_str"):
        ids = col(name)
        pc.all(pc.match_substring_regex(ids, _DIGITS))
        pc.cast(ids, pa.int64())
    pc.strptime(col("created_at"), format=_TWITTER_TIME, unit="ms")
    user = col("user")
    pc.utf8_lower(pc.struct_field(user, "screen_name"))
    pc.all(pc.match_substring_regex(pc.struct_field(user, "id_str"), _DIGITS))
    pc.utf8_lower(col("in_reply_to_screen_name"))
    for entities in (col("entities"), pc.struct_field(col("extended_tweet"), "entities")):
        mentions = pc.list_flatten(pc.struct_field(entities, "user_mentions"))
        pc.all(pc.match_substring_regex(pc.struct_field(mentions, "id_str"), _DIGITS))
        pc.utf8_lower(pc.struct_field(mentions, "screen_name"))


def run_duckdb_checked(path: str) -> int:
    import duckdb

    con = duckdb.connect(config={"threads": 1})
    table = con.read_json(path, format="newline_delimited", columns=_full_columns()).arrow().read_all()
    _some_checks(table)
    for nested in ("retweeted_status", "quoted_status"):
        _some_checks(table[nested].combine_chunks())
    return table.num_rows


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    schema = _arrow_schema()
    runs = {"kwo": lambda: run_kwo(args.file), "pyarrow.json": lambda: run_pyarrow(args.file, schema),
            "duckdb": lambda: run_duckdb(args.file),
            "duckdb+checks": lambda: run_duckdb_checked(args.file)}
    times: dict[str, list[float]] = {name: [] for name in runs}
    rows: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, fn in runs.items():
            start = time.process_time()
            rows[name] = fn()
            times[name].append(time.process_time() - start)
    base = statistics.median(times["kwo"])
    print(f"{'contestant':<15} {'rows':>8} {'CPU s (median)':>15} {'kwo / it':>9}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:<15} {rows[name]:>8} {med:>15.2f} {base / med:>8.2f}x")


if __name__ == "__main__":
    main()
