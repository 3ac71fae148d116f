-- mentions (Spark's text): the mention pairs of the period, as kwo/sql/tables/mentions.sql (see there),
-- with local_time converted row by row (the hour-offset shortcut of DuckDB's text reads range()
-- in FROM, which Spark lacks; Spark converts without ICU's per-row cost).
-- Parameters: $since, $until (TIMESTAMPTZ or NULL): the mention time is in [since, until); $tz.
-- depends: mentioned, brand_authored
CREATE OR REPLACE TABLE mentions AS
SELECT m.tweet_id, m.brand_key, m.created_at, m.created_at AT TIME ZONE $tz AS local_time, m.several
FROM mentioned m
WHERE m.collected
  AND NOT m.is_retweet
  AND ($since::TIMESTAMPTZ IS NULL OR m.created_at >= $since::TIMESTAMPTZ)
  AND ($until::TIMESTAMPTZ IS NULL OR m.created_at < $until::TIMESTAMPTZ)
  AND NOT EXISTS (SELECT 1 FROM brand_authored a WHERE a.tweet_id = m.tweet_id AND a.brand_key = m.brand_key);
