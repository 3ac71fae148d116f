-- mentions: the mention pairs (tweet, brand) of the period.
-- A mention of brand b is a collected tweet, not a retweet, that mentions b (see `mentioned`:
-- a mention whose user_id equals b.user_id or whose handle equals b.handle) and is not by b.
-- One row per (tweet_id, brand_key); the distinct tweet_ids are the mention tweets.
-- Depends on: mentioned, brand_authored.
-- Parameters: $since, $until (TIMESTAMPTZ or NULL): the mention time is in [since, until).
CREATE OR REPLACE TEMP TABLE mentions AS
SELECT m.tweet_id, m.brand_key, m.created_at
FROM mentioned m
ANTI JOIN brand_authored a ON a.tweet_id = m.tweet_id AND a.brand_key = m.brand_key
WHERE m.collected
  AND NOT m.is_retweet
  AND ($since::TIMESTAMPTZ IS NULL OR m.created_at >= $since::TIMESTAMPTZ)
  AND ($until::TIMESTAMPTZ IS NULL OR m.created_at < $until::TIMESTAMPTZ);
