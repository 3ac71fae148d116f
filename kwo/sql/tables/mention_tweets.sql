-- mention_tweets: one row per mention tweet (the KWO headline unit), with its local time in the
-- report time zone (as converted in mentions), hour and ISO weekday, and whether at least one of
-- its (tweet, brand) pairs was answered.
-- A view, not a table: a pair that is its tweet's only one (NOT several: nearly all of them) is
-- its tweet's row as it is, read from mention_answers; tweets that may have several pairs come
-- grouped from mention_tweets_several. Storing 1.5M rows again cost more than the few queries
-- that read this view spend on it (they read only the columns they use).
-- Parameters: none.
-- depends: mention_answers, mention_tweets_several, kwo_isodow
CREATE OR REPLACE VIEW mention_tweets AS
WITH per_tweet AS (
    SELECT tweet_id, created_at, local_time, 1::BIGINT AS brands_mentioned,
           first_reply_at IS NOT NULL AS answered, response_minutes AS first_response_minutes
    FROM mention_answers
    WHERE NOT several
    UNION ALL
    SELECT tweet_id, created_at, local_time, brands_mentioned, answered, first_response_minutes
    FROM mention_tweets_several
)
SELECT tweet_id, created_at, local_time, hour(local_time) AS hour, kwo_isodow(local_time) AS weekday,
       brands_mentioned, answered, first_response_minutes
FROM per_tweet;
