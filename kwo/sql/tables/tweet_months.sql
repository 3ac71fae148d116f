-- tweet_months: collected tweets per calendar month of the report time zone $tz, over the whole
-- archive (whatever the period): the coverage of every report (coverage_months.sql) and its gaps
-- (caveats/coverage_gap.sql).
-- Converting every tweet's time with timezone() costs ICU about 0.3 s per 2.6M tweets, so ICU
-- converts only the first and the last instant of each UTC hour of tweet_hours: an hour whose
-- two ends fall in the same local month gives that month all its tweets. The few hours that
-- straddle a local month boundary (zones whose offset is not a whole number of hours) are
-- converted tweet by tweet; without such hours the semi join has an empty side and reads nothing.
-- Parameters: $tz.
-- depends: tweet_hours, tweets, kwo_utc_hour, kwo_timestamptz_us
CREATE OR REPLACE TABLE tweet_months AS
WITH placed AS MATERIALIZED (
    SELECT utc_hour, tweets,
           date_trunc('month', kwo_timestamptz_us(utc_hour * 3600000000) AT TIME ZONE $tz) AS at_start,
           date_trunc('month', kwo_timestamptz_us(utc_hour * 3600000000 + 3599999999) AT TIME ZONE $tz) AS at_end
    FROM tweet_hours
),
split AS (SELECT utc_hour FROM placed WHERE at_start <> at_end),
one_by_one AS (
    SELECT date_trunc('month', t.created_at AT TIME ZONE $tz) AS month, count(*) AS tweets
    FROM tweets t
    SEMI JOIN split s ON s.utc_hour = kwo_utc_hour(t.created_at)
    WHERE t.collected
    GROUP BY 1
)
SELECT month, sum(tweets)::BIGINT AS tweets
FROM (SELECT at_start AS month, tweets FROM placed WHERE at_start = at_end
      UNION ALL
      SELECT month, tweets FROM one_by_one)
GROUP BY month;
