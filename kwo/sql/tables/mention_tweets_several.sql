-- mention_tweets_several: one row per mention tweet that may have several (tweet, brand) pairs
-- (several in mention_answers: it has several mentions, or one naming two brands), its pairs
-- grouped: local time (as converted in mentions), how many brands it names, whether at least one
-- pair was answered, and the earliest response. The other mention tweets (nearly all) have one
-- pair, which is their row as it is: the view mention_tweets (mention_tweets.sql) puts
-- both together, so only these few percent of the pairs are grouped and stored again.
-- Parameters: none.
-- depends: mention_answers
CREATE OR REPLACE TABLE mention_tweets_several AS
SELECT tweet_id,
       any_value(created_at) AS created_at,
       any_value(local_time) AS local_time,
       count(*) AS brands_mentioned,
       bool_or(first_reply_at IS NOT NULL) AS answered,
       min(response_minutes) AS first_response_minutes
FROM mention_answers
WHERE several
GROUP BY tweet_id;
