"""The floor of an all-DuckDB ingest: how fast kwo could be if DuckDB did everything.

    python benchmarks/floor_duckdb.py OUT_DIR FILE...

One DuckDB statement reads API v1.1 JSON lines (plain or gzipped) with every field kwo reads,
makes the canonical columns, keeps the first copy of each tweet id, sorts by time and writes
LZ4 month parts in row groups of 131,072 rows, as kwo's archive does. It leaves out everything
kwo does beyond that: no check that a value is of the type the API writes (a number where a
string belongs is read as text), no context rows for embedded retweeted/quoted tweets, no
notice or quarantine accounting, no client labels, no HTML unescaping, no one-per-account
mentions, no manifest. So it is not a reader (its archive is not kwo's); it is a lower bound on
the time of any design that uses DuckDB's reader, measured beside kwo in benchmarks/run.py.
"""

from __future__ import annotations

import shutil
import sys

import duckdb

MENTIONS = "STRUCT(id_str VARCHAR, screen_name VARCHAR)[]"
COLUMNS = {
    "id_str": "VARCHAR", "created_at": "VARCHAR", "text": "VARCHAR", "full_text": "VARCHAR",
    "user": "STRUCT(id_str VARCHAR, screen_name VARCHAR)",
    "extended_tweet": f"STRUCT(full_text VARCHAR, entities STRUCT(user_mentions {MENTIONS}))",
    "entities": f"STRUCT(user_mentions {MENTIONS})",
    "in_reply_to_status_id_str": "VARCHAR", "in_reply_to_user_id_str": "VARCHAR",
    "in_reply_to_screen_name": "VARCHAR", "quoted_status_id_str": "VARCHAR",
    "lang": "VARCHAR", "source": "VARCHAR", "retweeted_status": "STRUCT(id_str VARCHAR)",
}

ROWS = """
SELECT id_str::BIGINT AS tweet_id,
       strptime(created_at, '%a %b %d %H:%M:%S %z %Y') AS created_at,
       r.user.id_str AS author_id, lower(r.user.screen_name) AS author_handle,
       coalesce(r.extended_tweet.full_text, r.full_text, r.text) AS text,
       in_reply_to_status_id_str::BIGINT AS in_reply_to_tweet_id,
       in_reply_to_user_id_str AS in_reply_to_user_id, lower(in_reply_to_screen_name) AS in_reply_to_handle,
       NULL::BIGINT AS conversation_id, r.retweeted_status.id_str::BIGINT AS retweet_of_id,
       quoted_status_id_str::BIGINT AS quote_of_id, r.retweeted_status IS NOT NULL AS is_retweet,
       list_transform(coalesce(r.extended_tweet.entities.user_mentions, r.entities.user_mentions),
                      lambda m: {'user_id': m.id_str, 'handle': lower(m.screen_name)}) AS mentions,
       lang, source, NULL::BOOLEAN AS inbound, true AS collected, filename AS source_file
FROM read_json($files, format = 'newline_delimited', columns = $columns, filename = true) r
WHERE id_str IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY id_str) = 1
"""


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out, files = argv[0], argv[1:]
    shutil.rmtree(out, ignore_errors=True)
    con = duckdb.connect(config={"threads": 2})
    con.execute("SET TimeZone = 'UTC'")
    rows = con.sql(f"SELECT *, strftime(created_at, '%Y-%m') AS month FROM ({ROWS}) ORDER BY created_at, tweet_id",
                   params={"files": files, "columns": COLUMNS})
    rows.write_parquet(out, compression="lz4", partition_by=["month"], row_group_size=131_072)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
