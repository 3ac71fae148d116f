-- coverage_months: tweets per calendar month of the report time zone, every month from the
-- first to the last one that has a collected tweet or a mention (empty months are listed with
-- zeros: a gap in the collection shows as a gap, not as a shorter list).
--   tweets          collected tweets posted in the month (the whole archive, not only the period)
--   mention_tweets  mention tweets of the period posted in the month
--   answered        of those, the answered ones
-- Mention tweets are counted per local day first (integer arithmetic on the local time, shifted
-- by a million days so that the division floors before 1970 too) and the few hundred days then
-- put in their months: cheaper than truncating 1.5M timestamps to months.
-- Parameters: none.
-- depends: tweet_months, mention_tweets, kwo_epoch_us, kwo_timestamp_us
WITH d AS (
    SELECT (kwo_epoch_us(local_time) + 86400000000000000) // 86400000000 - 1000000 AS day,
           count(*) AS mention_tweets, count(*) FILTER (WHERE answered) AS answered
    FROM mention_tweets
    WHERE local_time IS NOT NULL
    GROUP BY 1
),
m AS (
    SELECT date_trunc('month', kwo_timestamp_us(day * 86400000000)) AS month,
           sum(mention_tweets)::BIGINT AS mention_tweets, sum(answered)::BIGINT AS answered
    FROM d GROUP BY 1
),
bounds AS (
    SELECT min(month) AS lo, max(month) AS hi
    FROM (SELECT month FROM tweet_months UNION ALL SELECT month FROM m)
),
months AS (
    SELECT unnest(generate_series(lo, hi, INTERVAL 1 MONTH)) AS month FROM bounds WHERE lo IS NOT NULL
)
SELECT strftime(months.month, '%Y-%m') AS month,
       coalesce(t.tweets, 0) AS tweets,
       coalesce(m.mention_tweets, 0) AS mention_tweets,
       coalesce(m.answered, 0) AS answered
FROM months
LEFT JOIN tweet_months t USING (month)
LEFT JOIN m USING (month)
ORDER BY months.month;
