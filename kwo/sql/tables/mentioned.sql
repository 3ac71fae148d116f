-- mentioned: every (tweet, brand) pair where a tweet of the archive (collected or context, retweet
-- or not, any time) mentions a roster brand: a mention whose user_id equals b.user_id or whose
-- handle is one of b's handles (b.handle or an alias of b: brand_handles; handles are stored
-- lowercase; kwo_handle lowercases them for archives from before that). The mentions list is unnested once here; `mentions` (the KWO mention pairs)
-- and the parent check of `brand_reply_kinds` both read this table instead of the archive.
-- Each unnested mention is looked up by id and by handle in one pass (two hash joins against
-- the roster), giving at most two brand keys, and yields a row per key: one for a mention naming
-- the same brand by id and by handle, two for one naming two brands. The rows stream straight
-- into the table; a tweet whose several mentions name the same brand gets that pair more than
-- once here (also a tweet naming the brand and its alias), and mentioned_once.sql deletes the repeats right after (a few percent of
-- the rows are looked at), which is cheaper than splitting the stream for a DISTINCT.
-- several: whether the tweet may have other pairs (it has several mentions, or its one mention
-- names two brands); false means this row is the tweet's only pair, so later tables that need one
-- row per tweet skip the grouping for it (mention_tweets, sectors).
-- The list is unnested by a lateral join, which Spark runs too (it has no unnest(..., recursive));
-- DuckDB runs it as fast as unnest in the select list (2.67M mentions: 0.11 s both).
-- Parameters: none.
-- depends: tweets, kwo_handle, brands, brand_handles
CREATE OR REPLACE TABLE mentioned AS
WITH unnested AS (
    SELECT t.tweet_id, t.created_at, t.collected, coalesce(t.is_retweet, false) AS is_retweet,
           array_length(t.mentions) > 1 AS several, u.m.user_id AS user_id, u.m.handle AS handle
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
