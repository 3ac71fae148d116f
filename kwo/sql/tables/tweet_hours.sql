-- tweet_hours: collected tweets per UTC hour, with the first and the last instant of each hour's
-- tweets (epoch microseconds), over the whole archive: what the coverage of every report is
-- made of (tweet_months, coverage.sql) in one scan of the archive's times.
-- The hour is computed with integer arithmetic on a shifted time (a million days before the
-- division and back after), so the division floors before 1970 too (back to year -768); min and
-- max are taken over the microseconds, which DuckDB aggregates several times faster than the
-- timestamps themselves. Tweets without a time are in no hour.
-- Parameters: none.
-- depends: tweets, kwo_epoch_us
CREATE OR REPLACE TABLE tweet_hours AS
SELECT (us + 86400000000000000) // 3600000000 - 24000000 AS utc_hour,
       count(*) AS tweets, min(us) AS first_us, max(us) AS last_us
FROM (SELECT kwo_epoch_us(created_at) AS us FROM tweets WHERE collected AND created_at IS NOT NULL)
GROUP BY 1;
