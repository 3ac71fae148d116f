-- mentions: the mention pairs (tweet, brand) of the period, with the mention's wall-clock time in
-- the report time zone $tz (local_time; mention_answers, mention_tweets, mention_closed and the
-- hourly figures read it).
-- A mention of brand b is a collected tweet, not a retweet, that mentions b (see `mentioned`:
-- a mention whose user_id equals b.user_id or whose handle equals b.handle) and is not by b.
-- One row per (tweet_id, brand_key); the distinct tweet_ids are the mention tweets. several (from
-- mentioned): the tweet may have other pairs; false means this is its only one.
-- local_time is timezone($tz, created_at), computed without converting every row: ICU converts
-- only the start and the end of each UTC hour of the period's span, and a mention in an hour
-- whose UTC offset is the same at both ends gets created_at + that offset (exact: zones change
-- offset at most once in an hour). Mentions in an hour with a transition, before 1970 or without
-- a time are converted one by one.
-- Parameters: $since, $until (TIMESTAMPTZ or NULL): the mention time is in [since, until); $tz.
-- depends: mentioned, brand_authored
CREATE OR REPLACE TABLE mentions AS
WITH pairs AS MATERIALIZED (
    SELECT m.tweet_id, m.brand_key, m.created_at, m.several, epoch_us(m.created_at) // 3600000000 AS utc_hour
    FROM mentioned m
    WHERE m.collected
      AND NOT m.is_retweet
      AND ($since::TIMESTAMPTZ IS NULL OR m.created_at >= $since::TIMESTAMPTZ)
      AND ($until::TIMESTAMPTZ IS NULL OR m.created_at < $until::TIMESTAMPTZ)
      -- not by the brand; NOT EXISTS (a mark join) builds its hash table on brand_authored (1M
      -- rows), where an ANTI JOIN was planned on the larger mention side
      AND NOT EXISTS (SELECT 1 FROM brand_authored a WHERE a.tweet_id = m.tweet_id AND a.brand_key = m.brand_key)
),
utc_hours AS (
    SELECT h.range AS utc_hour
    FROM (SELECT greatest(min(utc_hour), 0) AS lo, max(utc_hour) AS hi FROM pairs) s, range(s.lo, s.hi + 1) h
),
offsets AS (
    SELECT utc_hour,
           epoch_us(timezone($tz, make_timestamptz(utc_hour * 3600000000))) - utc_hour * 3600000000 AS at_start,
           epoch_us(timezone($tz, make_timestamptz(utc_hour * 3600000000 + 3599999999)))
               - (utc_hour * 3600000000 + 3599999999) AS at_end
    FROM utc_hours
)
SELECT p.tweet_id, p.brand_key, p.created_at,
       CASE WHEN o.at_start = o.at_end THEN make_timestamp(epoch_us(p.created_at) + o.at_start)
            ELSE timezone($tz, p.created_at) END AS local_time,
       p.several
FROM pairs p
LEFT JOIN offsets o USING (utc_hour);
