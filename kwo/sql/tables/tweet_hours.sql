-- tweet_hours: collected tweets per UTC hour, with the first and the last instant of each hour's
-- tweets (epoch microseconds), over the whole archive: what the coverage of every report is
-- made of (tweet_months, coverage.sql) in one scan of the archive's times.
-- The hour is the prelude's kwo_utc_hour (integer arithmetic that floors before 1970 too); min and
-- max are taken over the microseconds, which DuckDB aggregates several times faster than the
-- timestamps themselves. Tweets without a time are in no hour.
-- Parameters: none.
-- depends: tweets, kwo_utc_hour, kwo_epoch_us
CREATE OR REPLACE TABLE tweet_hours AS
SELECT kwo_utc_hour(created_at) AS utc_hour,
       count(*) AS tweets, min(kwo_epoch_us(created_at)) AS first_us, max(kwo_epoch_us(created_at)) AS last_us
FROM tweets WHERE collected AND created_at IS NOT NULL
GROUP BY 1;
