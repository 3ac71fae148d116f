-- mentioned: every (tweet, brand) pair where a tweet of the archive (collected or context, retweet
-- or not, any time) mentions a roster brand: a mention whose user_id equals b.user_id or whose
-- handle equals b.handle (handles are stored lowercase; lower() keeps archives of older kwo
-- versions right). The mentions list is unnested once here; `mentions` (the KWO mention pairs)
-- and the parent check of `brand_reply_kinds` both read this table instead of the archive.
-- UNION (not ALL) keeps one row per pair: a tweet may name a brand twice (by id and by handle).
-- Depends on: tweets, brands. Parameters: none.
CREATE OR REPLACE TEMP TABLE mentioned AS
WITH unnested AS MATERIALIZED (
    SELECT tweet_id, created_at, collected, coalesce(is_retweet, false) AS is_retweet,
           unnest(mentions, recursive := true)
    FROM tweets
    WHERE len(mentions) > 0
)
SELECT u.tweet_id, b.brand_key, u.created_at, u.collected, u.is_retweet
FROM unnested u JOIN brands b ON u.user_id = b.user_id
UNION
SELECT u.tweet_id, b.brand_key, u.created_at, u.collected, u.is_retweet
FROM unnested u JOIN brands b ON lower(u.handle) = b.handle;
