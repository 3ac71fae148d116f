"""The headline KWO figures computed in pandas straight from a kwo archive's Parquet files.

What a user without kwo would write: the DESIGN.md section 3 definitions (mention, answered,
proactive reply, rush hour) implemented directly, no window, no period, default time zone.
Prints one JSON object in the layout of ``kwo report --format json`` (a subset: totals
mention_tweets, mention_pairs, answered, answered_pct, proactive_replies, peak_hour, and
brands[handle, mentions, answered]); tests/test_peer_scripts.py checks it against kwo.

    python benchmarks/peer_report_pandas.py ARCHIVE BRANDS.csv [--tz Europe/Amsterdam]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

COLUMNS = ["tweet_id", "created_at", "author_id", "author_handle", "in_reply_to_tweet_id",
           "collected", "is_retweet", "mentions"]


def part_files(archive: str) -> list[str]:
    manifest = json.loads((Path(archive) / "manifest.json").read_text())
    return [str(Path(archive) / p["path"]) for p in manifest["parts"]]


def load_roster(path: str) -> pd.DataFrame:
    b = pd.read_csv(path, dtype=str, keep_default_na=False)
    b["handle"] = b["handle"].str.strip().str.lstrip("@").str.lower()
    if "user_id" not in b:
        b["user_id"] = ""
    b["user_id"] = b["user_id"].str.strip().replace("", None)
    b["brand_key"] = range(len(b))
    return b[["brand_key", "handle", "user_id"]]


def match(df: pd.DataFrame, id_col: str, handle_col: str, brands: pd.DataFrame, keep: list[str]) -> pd.DataFrame:
    """Rows of df paired with the brands they match by user id or by lowercase handle."""
    by_id = df.merge(brands.dropna(subset=["user_id"]), left_on=id_col, right_on="user_id")
    lowered = df.assign(_h=df[handle_col].str.lower())
    by_handle = lowered.merge(brands, left_on="_h", right_on="handle")
    return pd.concat([by_id[keep + ["brand_key"]], by_handle[keep + ["brand_key"]]]).drop_duplicates()


def figures(archive: str, brands_csv: str, tz: str = "Europe/Amsterdam") -> dict:
    brands = load_roster(brands_csv)
    # Int64 (nullable) keeps tweet ids exact: the default float64 for a column with nulls rounds
    # ids above 2**53, and then no reply finds its parent.
    table = pq.read_table(part_files(archive), columns=COLUMNS)
    t = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)

    # tweets by a brand (collected or context)
    authored = match(t, "author_id", "author_handle", brands,
                     ["tweet_id", "created_at", "in_reply_to_tweet_id", "collected"])

    # mention pairs: collected, not a retweet, mentions b, not by b
    base = t[t["collected"] & ~t["is_retweet"].fillna(False).astype(bool)]
    base = base[base["mentions"].str.len() > 0][["tweet_id", "created_at", "mentions"]]
    exploded = base.explode("mentions")
    exploded["m_user_id"] = exploded["mentions"].str.get("user_id")
    exploded["m_handle"] = exploded["mentions"].str.get("handle")
    pairs = match(exploded, "m_user_id", "m_handle", brands, ["tweet_id", "created_at"])
    pairs = pairs.merge(authored[["tweet_id", "brand_key"]], on=["tweet_id", "brand_key"], how="left",
                        indicator=True)
    pairs = pairs[pairs["_merge"] == "left_only"].drop(columns="_merge")

    # answered: a collected direct reply by the same brand
    replies = authored[authored["collected"] & authored["in_reply_to_tweet_id"].notna()]
    answered_keys = replies[["in_reply_to_tweet_id", "brand_key"]].drop_duplicates()
    answered_keys = answered_keys.rename(columns={"in_reply_to_tweet_id": "tweet_id"})
    answered_keys["answered"] = True
    pairs = pairs.merge(answered_keys, on=["tweet_id", "brand_key"], how="left")
    pairs["answered"] = pairs["answered"].fillna(False).astype(bool)

    per_tweet = pairs.groupby("tweet_id").agg(created_at=("created_at", "first"), answered=("answered", "any"))
    mention_tweets = len(per_tweet)
    answered = int(per_tweet["answered"].sum())
    hours = per_tweet["created_at"].dt.tz_convert(tz).dt.hour
    counts = hours.value_counts()
    peak_hour = int(min(counts[counts == counts.max()].index)) if len(counts) else None

    # brand replies by the kind of their parent; a reply counts once, under the first of
    # to_mention, proactive, parent_missing, to_self
    parent_ids = set(replies["in_reply_to_tweet_id"])
    parents = t[t["tweet_id"].isin(parent_ids)][["tweet_id", "mentions"]].drop_duplicates("tweet_id")
    pm = parents[parents["mentions"].str.len() > 0].explode("mentions")
    pm["m_user_id"] = pm["mentions"].str.get("user_id")
    pm["m_handle"] = pm["mentions"].str.get("handle")
    parent_mentions = match(pm, "m_user_id", "m_handle", brands, ["tweet_id"])
    r = replies[["tweet_id", "brand_key", "in_reply_to_tweet_id"]].copy()
    r["parent_in_archive"] = r["in_reply_to_tweet_id"].isin(set(parents["tweet_id"]))
    by_self = authored[["tweet_id", "brand_key"]].rename(columns={"tweet_id": "in_reply_to_tweet_id"})
    by_self["to_self"] = True
    r = r.merge(by_self.drop_duplicates(), on=["in_reply_to_tweet_id", "brand_key"], how="left")
    pmb = parent_mentions.rename(columns={"tweet_id": "in_reply_to_tweet_id"})
    pmb["to_mention"] = True
    r = r.merge(pmb.drop_duplicates(), on=["in_reply_to_tweet_id", "brand_key"], how="left")
    kind = pd.Series(2, index=r.index)  # proactive
    kind[r["to_mention"].fillna(False).astype(bool)] = 1
    kind[r["to_self"].fillna(False).astype(bool)] = 4
    kind[~r["parent_in_archive"]] = 3
    r["kind"] = kind
    best = r.groupby("tweet_id")["kind"].min()
    proactive = int((best == 2).sum())

    per_brand = pairs.groupby("brand_key").agg(mentions=("tweet_id", "size"), answered=("answered", "sum"))
    roster = brands.set_index("brand_key").join(per_brand).fillna({"mentions": 0, "answered": 0})
    return {
        "totals": {
            "mention_tweets": mention_tweets,
            "mention_pairs": len(pairs),
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
