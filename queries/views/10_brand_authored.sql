-- brand_authored: every tweet in the archive (collected or context) written by a roster brand.
-- A tweet is BY brand b when author_id = b.user_id or lower(author_handle) = b.handle
-- (two equality joins instead of one OR join, so DuckDB can hash both).
-- Depends on: tweets, brands. Parameters: none.
CREATE OR REPLACE TEMP TABLE brand_authored AS
SELECT t.tweet_id, b.brand_key, t.created_at, t.in_reply_to_tweet_id, t.collected
FROM tweets t JOIN brands b ON t.author_id = b.user_id
UNION
SELECT t.tweet_id, b.brand_key, t.created_at, t.in_reply_to_tweet_id, t.collected
FROM tweets t JOIN brands b ON lower(t.author_handle) = b.handle;
