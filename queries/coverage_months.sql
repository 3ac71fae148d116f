-- coverage_months: tweets per calendar month of the report time zone $tz, every month from the
-- first to the last one that has a collected tweet or a mention (empty months are listed with
-- zeros: a gap in the collection shows as a gap, not as a shorter list).
--   tweets          collected tweets posted in the month (the whole archive, not only the period)
--   mention_tweets  mention tweets of the period posted in the month
--   answered        of those, the answered ones
-- Depends on: tweets, mention_tweets. Parameters: $tz.
WITH t AS (
    SELECT date_trunc('month', timezone($tz, created_at)) AS month, count(*) AS tweets
    FROM tweets WHERE collected GROUP BY 1
),
m AS (
    SELECT date_trunc('month', local_time) AS month, count(*) AS mention_tweets,
           count(*) FILTER (WHERE answered) AS answered
    FROM mention_tweets GROUP BY 1
),
bounds AS (
    SELECT min(month) AS lo, max(month) AS hi
    FROM (SELECT month FROM t UNION ALL SELECT month FROM m)
),
months AS (
    SELECT unnest(generate_series(lo, hi, INTERVAL 1 MONTH)) AS month FROM bounds WHERE lo IS NOT NULL
)
SELECT strftime(months.month, '%Y-%m') AS month,
       coalesce(t.tweets, 0) AS tweets,
       coalesce(m.mention_tweets, 0) AS mention_tweets,
       coalesce(m.answered, 0) AS answered
FROM months
LEFT JOIN t USING (month)
LEFT JOIN m USING (month)
ORDER BY months.month;
