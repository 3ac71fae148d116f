-- mentions: the mention pairs (tweet, brand) of the period.
-- A mention of brand b is a collected tweet, not a retweet, that mentions b (a mention whose
-- user_id equals b.user_id or whose handle equals b.handle, case-insensitively) and is not by b.
-- One row per (tweet_id, brand_key); the distinct tweet_ids are the mention tweets.
-- Depends on: tweets, brands, brand_authored.
-- Parameters: $since, $until (TIMESTAMPTZ or NULL): the mention time is in [since, until).
CREATE OR REPLACE TEMP TABLE mentions AS
WITH mentioned AS MATERIALIZED (
    SELECT tweet_id, created_at, unnest(mentions, recursive := true)
    FROM tweets
    WHERE collected
      AND NOT coalesce(is_retweet, false)
      AND len(mentions) > 0
      AND ($since::TIMESTAMPTZ IS NULL OR created_at >= $since::TIMESTAMPTZ)
      AND ($until::TIMESTAMPTZ IS NULL OR created_at < $until::TIMESTAMPTZ)
),
pairs AS (
    SELECT m.tweet_id, b.brand_key, m.created_at FROM mentioned m JOIN brands b ON m.user_id = b.user_id
    UNION
    SELECT m.tweet_id, b.brand_key, m.created_at FROM mentioned m JOIN brands b ON lower(m.handle) = b.handle
)
SELECT p.tweet_id, p.brand_key, p.created_at
FROM pairs p
ANTI JOIN brand_authored a ON a.tweet_id = p.tweet_id AND a.brand_key = p.brand_key;
