"""What a user could run instead of `kwo ingest`: API v1.1 JSON lines to Parquet with another tool.

    python benchmarks/peer_ingest.py duckdb OUT.parquet FILE...   # read_json, explicit columns
    python benchmarks/peer_ingest.py duckdb-full OUT.parquet FILE...  # the same with every field kwo reads
    python benchmarks/peer_ingest.py polars OUT.parquet FILE...   # scan_ndjson with a schema, sink_parquet
    python benchmarks/peer_ingest.py pandas OUT.parquet FILE... [--limit-lines N]
                                                                  # json.loads + json_normalize, in chunks
    python benchmarks/peer_ingest.py v2-pandas OUT.csv FILE...    # twarc-csv, then pandas: answered share

Each reads the same columns kwo keeps (id, time, author, text, reply fields, mentions, lang,
source); none of them deduplicates, accounts for notices or keeps context tweets. ``duckdb-full``
also reads what kwo reads beyond those (extended_tweet, quotes, embedded retweeted/quoted tweets):
the projection the issue asks to compare with.
"""

from __future__ import annotations

import argparse
import sys

V1_COLUMNS = {
    "id_str": "VARCHAR", "created_at": "VARCHAR", "text": "VARCHAR",
    "user": "STRUCT(id_str VARCHAR, screen_name VARCHAR)",
    "in_reply_to_status_id_str": "VARCHAR", "in_reply_to_user_id_str": "VARCHAR",
    "in_reply_to_screen_name": "VARCHAR", "lang": "VARCHAR", "source": "VARCHAR",
    "entities": "STRUCT(user_mentions STRUCT(id_str VARCHAR, screen_name VARCHAR)[])",
}


def _full_columns() -> dict[str, str]:
    """Everything kwo's v1.1 reader reads: V1_COLUMNS plus the long-tweet text and mentions
    (extended_tweet), quote ids, and the embedded retweeted/quoted tweets (a retweet of a quote
    nests them two deep), which kwo keeps as context rows."""
    mentions = "STRUCT(user_mentions STRUCT(id_str VARCHAR, screen_name VARCHAR)[])"
    flat = {**V1_COLUMNS, "full_text": "VARCHAR", "quoted_status_id_str": "VARCHAR",
            "extended_tweet": f"STRUCT(full_text VARCHAR, entities {mentions})"}

    def struct(cols: dict[str, str]) -> str:
        return "STRUCT(" + ", ".join(f"{k} {v}" for k, v in cols.items()) + ")"

    inner = struct({**flat, "quoted_status": struct(flat)})
    return {**flat, "retweeted_status": inner, "quoted_status": inner}


def duckdb_peer(out: str, files: list[str], full: bool = False) -> None:
    import duckdb

    con = duckdb.connect()
    rel = con.read_json(files, format="newline_delimited", columns=_full_columns() if full else V1_COLUMNS)
    rel.to_parquet(out, compression="zstd")


def polars_peer(out: str, files: list[str]) -> None:
    import polars as pl

    s = pl.String
    schema = {
        "id_str": s, "created_at": s, "text": s,
        "user": pl.Struct({"id_str": s, "screen_name": s}),
        "in_reply_to_status_id_str": s, "in_reply_to_user_id_str": s, "in_reply_to_screen_name": s,
        "lang": s, "source": s,
        "entities": pl.Struct({"user_mentions": pl.List(pl.Struct({"id_str": s, "screen_name": s}))}),
    }
    pl.scan_ndjson(files, schema=schema).sink_parquet(out, compression="zstd")


def pandas_peer(out: str, files: list[str], limit_lines: int | None, chunk: int = 50_000) -> int:
    """The pipeline of many notebooks: json.loads per line, json_normalize, pick columns."""
    import gzip
    import json

    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    keep = ["id_str", "created_at", "text", "user.id_str", "user.screen_name", "in_reply_to_status_id_str",
            "in_reply_to_user_id_str", "in_reply_to_screen_name", "lang", "source", "entities.user_mentions"]
    writer = None
    lines = 0

    def flush(records: list[dict]) -> None:
        nonlocal writer
        df = pd.json_normalize(records).reindex(columns=keep)
        df = df[df["id_str"].notna()]  # stream notices have no id
        df["created_at"] = pd.to_datetime(df["created_at"], format="%a %b %d %H:%M:%S %z %Y")
        df["entities.user_mentions"] = df["entities.user_mentions"].map(
            lambda ms: [{"id_str": m.get("id_str"), "screen_name": m.get("screen_name")} for m in ms]
            if isinstance(ms, list) else [])
        table = pa.Table.from_pandas(df, preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(out, table.schema, compression="zstd")
        writer.write_table(table.cast(writer.schema))

    records: list[dict] = []
    for path in files:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            for line in f:
                if limit_lines is not None and lines >= limit_lines:
                    break
                lines += 1
                records.append(json.loads(line))
                if len(records) >= chunk:
                    flush(records)
                    records = []
    if records:
        flush(records)
    if writer is not None:
        writer.close()
    return lines


def v2_pandas_peer(out_csv: str, files: list[str], brands_csv: str | None) -> None:
    """twarc-csv (what twarc users run) on v2 pages, then the answered share in pandas."""
    import gzip
    import os

    import pandas as pd

    files = [os.path.abspath(f) for f in files]
    out_csv, brands_csv = os.path.abspath(out_csv), os.path.abspath(brands_csv)
    os.chdir(os.path.dirname(out_csv))  # twarc writes twarc.log into the working directory
    from twarc_csv import CSVConverter

    if not hasattr(pd.DataFrame, "applymap"):  # twarc-csv 0.7 calls what pandas 3 renamed to map
        pd.DataFrame.applymap = pd.DataFrame.map
    parts = []
    for i, f in enumerate(files):
        part = f"{out_csv}.{i}.csv"
        opener = gzip.open if f.endswith(".gz") else open
        with opener(f, "rt", encoding="utf-8") as infile, open(part, "w", encoding="utf-8") as outfile:
            CSVConverter(infile, outfile, hide_progress=True).process()
        parts.append(part)
    df = pd.concat([pd.read_csv(p, dtype=str, usecols=lambda c: c in {
        "id", "author_id", "author.username", "in_reply_to_user_id", "referenced_tweets.replied_to.id",
        "referenced_tweets.retweeted.id", "entities.mentions"}) for p in parts], ignore_index=True)
    df = df.drop_duplicates("id")
    brands = pd.read_csv(brands_csv, dtype=str)["handle"].str.lower().str.lstrip("@")
    brand_set = set(brands)
    author = df["author.username"].str.lower()
    mentioned = df["entities.mentions"].fillna("").str.lower().str.findall(r"@(\w+)")
    is_rt = df["referenced_tweets.retweeted.id"].notna()
    pairs = pd.DataFrame({"id": df["id"], "author": author, "m": mentioned})[~is_rt].explode("m")
    pairs = pairs[pairs["m"].isin(brand_set) & (pairs["m"] != pairs["author"])]
    replies = df[author.isin(brand_set) & df["referenced_tweets.replied_to.id"].notna()]
    answered_keys = set(zip(replies["referenced_tweets.replied_to.id"], replies["author.username"].str.lower()))
    pairs["answered"] = [(i, m) in answered_keys for i, m in zip(pairs["id"], pairs["m"])]
    per_tweet = pairs.groupby("id")["answered"].any()
    print(f"v2 via twarc-csv + pandas: {len(per_tweet)} mention tweets, "
          f"{100 * per_tweet.mean():.1f}% answered", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tool", choices=["duckdb", "duckdb-full", "polars", "pandas", "v2-pandas"])
    ap.add_argument("out")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--limit-lines", type=int, default=None, help="pandas: stop after this many lines")
    ap.add_argument("--brands", help="v2-pandas: the roster (brands.csv)")
    a = ap.parse_args(argv)
    if a.tool in ("duckdb", "duckdb-full"):
        duckdb_peer(a.out, a.files, full=a.tool == "duckdb-full")
    elif a.tool == "polars":
        polars_peer(a.out, a.files)
    elif a.tool == "pandas":
        pandas_peer(a.out, a.files, a.limit_lines)
    else:
        v2_pandas_peer(a.out, a.files, a.brands)
    return 0


if __name__ == "__main__":
    sys.exit(main())
