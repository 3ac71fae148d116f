-- brand_authored: every tweet in the archive (collected or context) written by a roster brand.
-- A tweet is BY brand b when author_id = b.user_id or lower(author_handle) = b.handle
-- (two equality joins instead of one OR join, so DuckDB can hash both). The second join keeps
-- only the pairs the first cannot have found, so the two halves are disjoint and UNION ALL
-- needs no DISTINCT over 1M rows (tweet ids are unique in the archive, brand keys in brands).
-- Depends on: tweets, brands. Parameters: none.
CREATE OR REPLACE TEMP TABLE brand_authored AS
SELECT t.tweet_id, b.brand_key, t.created_at, t.in_reply_to_tweet_id, t.collected
FROM tweets t JOIN brands b ON t.author_id = b.user_id
UNION ALL
SELECT t.tweet_id, b.brand_key, t.created_at, t.in_reply_to_tweet_id, t.collected
FROM tweets t JOIN brands b ON lower(t.author_handle) = b.handle
WHERE t.author_id IS DISTINCT FROM b.user_id;
