"""The headline KWO figures computed in polars (lazy) straight from a kwo archive's Parquet files.

The same definitions and output as benchmarks/peer_report_pandas.py (DESIGN.md section 3, no
window, no period); tests/test_peer_scripts.py checks both against ``kwo report``.

    python benchmarks/peer_report_polars.py ARCHIVE BRANDS.csv [--tz Europe/Amsterdam]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import polars as pl

COLUMNS = ["tweet_id", "created_at", "author_id", "author_handle", "in_reply_to_tweet_id",
           "collected", "is_retweet", "mentions"]


def part_files(archive: str) -> list[str]:
    manifest = json.loads((Path(archive) / "manifest.json").read_text())
    return [str(Path(archive) / p["path"]) for p in manifest["parts"]]


def load_roster(path: str) -> pl.DataFrame:
    b = pl.read_csv(path, infer_schema=False)
    if "user_id" not in b.columns:
        b = b.with_columns(pl.lit(None, pl.String).alias("user_id"))
    return b.select(
        pl.int_range(pl.len(), dtype=pl.Int32).alias("brand_key"),
        pl.col("handle").str.strip_chars().str.strip_chars_start("@").str.to_lowercase(),
        pl.col("user_id").str.strip_chars().replace("", None),
    )


def match(lf: pl.LazyFrame, id_col: str, handle_col: str, brands: pl.DataFrame, keep: list[str]) -> pl.LazyFrame:
    """Rows of lf paired with the brands they match by user id or by lowercase handle."""
    b = brands.lazy()
    by_id = lf.join(b.filter(pl.col("user_id").is_not_null()), left_on=id_col, right_on="user_id")
    by_handle = lf.with_columns(pl.col(handle_col).str.to_lowercase().alias("_h")).join(
        b, left_on="_h", right_on="handle")
    return pl.concat([by_id.select(*keep, "brand_key"), by_handle.select(*keep, "brand_key")]).unique()


def figures(archive: str, brands_csv: str, tz: str = "Europe/Amsterdam") -> dict:
    brands = load_roster(brands_csv)
    t = pl.scan_parquet(part_files(archive)).select(COLUMNS)

    authored = match(t, "author_id", "author_handle", brands,
                     ["tweet_id", "created_at", "in_reply_to_tweet_id", "collected"]).collect().lazy()

    def exploded(lf: pl.LazyFrame, keep: list[str]) -> pl.LazyFrame:
        return (lf.filter(pl.col("mentions").list.len() > 0).select(*keep, "mentions")
                .explode("mentions")
                .with_columns(pl.col("mentions").struct.field("user_id").alias("m_user_id"),
                              pl.col("mentions").struct.field("handle").alias("m_handle")))

    base = t.filter(pl.col("collected") & ~pl.col("is_retweet").fill_null(False))
    pairs = match(exploded(base, ["tweet_id", "created_at"]), "m_user_id", "m_handle", brands,
                  ["tweet_id", "created_at"])
    pairs = pairs.join(authored.select("tweet_id", "brand_key"), on=["tweet_id", "brand_key"], how="anti")

    replies = authored.filter(pl.col("collected") & pl.col("in_reply_to_tweet_id").is_not_null())
    answered_keys = (replies.select(pl.col("in_reply_to_tweet_id").alias("tweet_id"), "brand_key").unique()
                     .with_columns(pl.lit(True).alias("answered")))
    pairs = (pairs.join(answered_keys, on=["tweet_id", "brand_key"], how="left")
             .with_columns(pl.col("answered").fill_null(False))).collect()

    per_tweet = pairs.group_by("tweet_id").agg(pl.col("created_at").first(), pl.col("answered").any())
    mention_tweets = per_tweet.height
    answered = int(per_tweet["answered"].sum())
    hours = (per_tweet.select(pl.col("created_at").dt.convert_time_zone(tz).dt.hour().alias("hour"))
             .group_by("hour").len().sort(["len", "hour"], descending=[True, False]))
    peak_hour = int(hours["hour"][0]) if hours.height else None

    # brand replies by the kind of their parent (see peer_report_pandas.py)
    parent_ids = replies.select(pl.col("in_reply_to_tweet_id").alias("tweet_id")).unique()
    parents = t.join(parent_ids, on="tweet_id", how="semi").select("tweet_id", "mentions").collect().lazy()
    parent_mentions = match(exploded(parents, ["tweet_id"]), "m_user_id", "m_handle", brands, ["tweet_id"])
    key = ["in_reply_to_tweet_id", "brand_key"]
    r = (
        replies.select("tweet_id", "brand_key", "in_reply_to_tweet_id")
        .join(parents.select(pl.col("tweet_id").alias("in_reply_to_tweet_id"), pl.lit(True).alias("in_archive")),
              on="in_reply_to_tweet_id", how="left")
        .join(authored.select(pl.col("tweet_id").alias("in_reply_to_tweet_id"), "brand_key").unique()
              .with_columns(pl.lit(True).alias("to_self")), on=key, how="left")
        .join(parent_mentions.select(pl.col("tweet_id").alias("in_reply_to_tweet_id"), "brand_key")
              .with_columns(pl.lit(True).alias("to_mention")), on=key, how="left")
        .with_columns(
            pl.when(pl.col("in_archive").is_null()).then(3)
            .when(pl.col("to_self").is_not_null()).then(4)
            .when(pl.col("to_mention").is_not_null()).then(1)
            .otherwise(2).alias("kind"))
        .group_by("tweet_id").agg(pl.col("kind").min())
    ).collect()
    proactive = int((r["kind"] == 2).sum())

    per_brand = pairs.group_by("brand_key").agg(pl.len().alias("mentions"), pl.col("answered").sum())
    roster = brands.join(per_brand, on="brand_key", how="left").with_columns(
        pl.col("mentions").fill_null(0), pl.col("answered").fill_null(0))
    return {
        "totals": {
            "mention_tweets": mention_tweets,
            "mention_pairs": pairs.height,
            "answered": answered,
            "answered_pct": round(100.0 * answered / mention_tweets, 3) if mention_tweets else None,
            "proactive_replies": proactive,
            "peak_hour": peak_hour,
        },
        "brands": sorted(
            ({"handle": h, "mentions": int(m), "answered": int(a)}
             for h, m, a in zip(roster["handle"], roster["mentions"], roster["answered"])),
            key=lambda b: (-b["mentions"], b["handle"]),
        ),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("archive")
    ap.add_argument("brands")
    ap.add_argument("--tz", default="Europe/Amsterdam")
    a = ap.parse_args(argv)
    print(json.dumps(figures(a.archive, a.brands, a.tz)))


if __name__ == "__main__":
    main()
