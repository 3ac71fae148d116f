-- mention_tweets: one row per mention tweet (the KWO headline unit), with its local time in the
-- report time zone (as converted in mentions) and whether at least one of its
-- (tweet, brand) pairs was answered.
-- A pair that is its tweet's only one (NOT several: nearly all of them) is its tweet's row as it
-- is; only the pairs of tweets that may have several are grouped per tweet.
-- Depends on: mention_answers. Parameters: none.
CREATE OR REPLACE TABLE mention_tweets AS
WITH per_tweet AS (
    SELECT tweet_id, created_at, local_time, 1::BIGINT AS brands_mentioned,
           first_reply_at IS NOT NULL AS answered, response_minutes AS first_response_minutes
    FROM mention_answers
    WHERE NOT several
    UNION ALL
    SELECT tweet_id,
           any_value(created_at) AS created_at,
           any_value(local_time) AS local_time,
           count(*) AS brands_mentioned,
           bool_or(first_reply_at IS NOT NULL) AS answered,
           min(response_minutes) AS first_response_minutes
    FROM mention_answers
    WHERE several
    GROUP BY tweet_id
)
SELECT tweet_id, created_at, local_time, hour(local_time) AS hour, isodow(local_time) AS weekday,
       brands_mentioned, answered, first_response_minutes
FROM per_tweet;
