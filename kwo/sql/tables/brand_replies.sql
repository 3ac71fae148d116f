-- brand_replies: collected tweets by a brand that reply to a tweet (in_reply_to_tweet_id set).
-- Not limited to the period: a reply after --until still answers a mention inside it.
-- several (from brand_authored): the reply is by two brands (id and handle), so it has two rows.
-- Parameters: none.
-- depends: brand_authored
CREATE OR REPLACE TABLE brand_replies AS
SELECT tweet_id, brand_key, created_at, in_reply_to_tweet_id, several
FROM brand_authored
WHERE collected AND in_reply_to_tweet_id IS NOT NULL;
