-- brand_authored: every tweet in the archive (collected or context) written by a roster brand.
-- A tweet is BY brand b when author_id = b.user_id or its handle is one of b's handles (b.handle
-- or an alias of b: brand_handles; kwo_handle: the stored handle, lowercased only for archives
-- from before handles were stored lowercase).
-- One scan of the archive with two equality lookups (by id, by handle; both hash joins against
-- the roster; a handle belongs to one brand) gives each tweet at most two brand keys; a tweet whose id and handle name the same
-- brand is one row. Tweet ids are unique in the archive and brand keys in brands, so the rows
-- are unique (tweet_id, brand_key) pairs without a DISTINCT over 1M rows. several: the tweet's id
-- and handle name two different brands, so it has two rows (false: this row is its only one).
-- Parameters: none.
-- depends: tweets, kwo_handle, brands, brand_handles
CREATE OR REPLACE TABLE brand_authored AS
WITH keyed AS MATERIALIZED (
    SELECT t.tweet_id, t.created_at, t.in_reply_to_tweet_id, t.collected,
           by_id.brand_key AS by_id, by_handle.brand_key AS by_handle
    FROM tweets t
    LEFT JOIN brands by_id ON t.author_id = by_id.user_id
    LEFT JOIN brand_handles by_handle ON kwo_handle(t.author_handle) = by_handle.handle
    WHERE by_id.brand_key IS NOT NULL OR by_handle.brand_key IS NOT NULL
)
SELECT tweet_id, by_id AS brand_key, created_at, in_reply_to_tweet_id, collected,
       coalesce(by_handle <> by_id, false) AS several
FROM keyed WHERE by_id IS NOT NULL
UNION ALL
SELECT tweet_id, by_handle AS brand_key, created_at, in_reply_to_tweet_id, collected,
       by_id IS NOT NULL AS several
FROM keyed WHERE by_handle IS DISTINCT FROM by_id AND by_handle IS NOT NULL;
