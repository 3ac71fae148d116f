-- mentioned (Spark's text): the same pairs as kwo/sql/tables/mentioned.sql (see there), the mentions
-- list unnested by a lateral join (DuckDB's unnest(..., recursive := true) has no Spark form).
-- Repeated pairs are left for mentioned_once.sql, as in DuckDB's text.
-- Parameters: none.
-- depends: tweets, kwo_handle, brands, brand_handles
CREATE OR REPLACE TABLE mentioned AS
WITH unnested AS (
    SELECT t.tweet_id, t.created_at, t.collected, coalesce(t.is_retweet, false) AS is_retweet,
           array_length(t.mentions) > 1 AS several, m.user_id AS user_id, m.handle AS handle
    FROM tweets t CROSS JOIN unnest(t.mentions) AS u(m)
),
keyed AS (
    SELECT u.tweet_id, u.created_at, u.collected, u.is_retweet, u.several,
           by_id.brand_key AS by_id, by_handle.brand_key AS by_handle
    FROM unnested u
    LEFT JOIN brands by_id ON u.user_id = by_id.user_id
    LEFT JOIN brand_handles by_handle ON kwo_handle(u.handle) = by_handle.handle
    WHERE by_id.brand_key IS NOT NULL OR by_handle.brand_key IS NOT NULL
)
SELECT tweet_id,
       unnest(CASE WHEN by_handle <> by_id THEN [by_id, by_handle] ELSE [coalesce(by_id, by_handle)] END) AS brand_key,
       created_at, collected, is_retweet,
       several OR coalesce(by_handle <> by_id, false) AS several
FROM keyed;
