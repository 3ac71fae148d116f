-- mention_closed: for the mention pairs of brands with opening hours in the roster, whether the
-- mention arrived while the brand was closed. The arrival is taken in the brand's own time zone
-- (roster column tz, default the report's $tz; when it is the report's, the local time already
-- converted in mentions is used); a brand is open when the weekday and minute of the day
-- fall in one of its slots in brand_hours ([start_min, end_min), ISO weekday). hour is the hour
-- of the day of the mention in the report time zone (for the closed share per hour).
-- The slots of a brand's day may overlap (08:00-12:00,10:00-14:00; a range past midnight), so
-- they are first merged into disjoint open intervals (a few hundred rows); then each arrival
-- falls in at most one of them and one LEFT JOIN on (brand, weekday) with the range as a join
-- condition tells open from closed, without a subquery per arrival.
-- Pairs of brands without hours are absent (their closed share is unknown, not zero).
-- Parameters: $tz.
-- depends: mention_answers, brands, brand_hours, kwo_isodow
CREATE OR REPLACE TABLE mention_closed AS
WITH ordered AS (
    SELECT brand_key, weekday, start_min, end_min,
           max(end_min) OVER (PARTITION BY brand_key, weekday ORDER BY start_min, end_min
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM brand_hours
),
numbered AS (
    -- a slot starting after every earlier slot of the day has ended opens a new interval
    SELECT brand_key, weekday, start_min, end_min,
           count(*) FILTER (WHERE reach IS NULL OR start_min > reach)
               OVER (PARTITION BY brand_key, weekday ORDER BY start_min, end_min ROWS UNBOUNDED PRECEDING) AS interval_no
    FROM ordered
),
open_intervals AS (
    SELECT brand_key, weekday, min(start_min) AS start_min, max(end_min) AS end_min
    FROM numbered GROUP BY brand_key, weekday, interval_no
),
local_arrivals AS (
    SELECT a.tweet_id, a.brand_key, hour(a.local_time) AS hour,
           CASE WHEN coalesce(b.tz, $tz) = $tz THEN a.local_time ELSE a.created_at AT TIME ZONE b.tz END AS lt
    FROM mention_answers a JOIN brands b USING (brand_key)
    WHERE b.has_hours
),
arrivals AS (
    SELECT tweet_id, brand_key, hour, kwo_isodow(lt) AS weekday, hour(lt) * 60 + minute(lt) AS minute_of_day
    FROM local_arrivals
)
SELECT a.tweet_id, a.brand_key, a.hour, o.brand_key IS NULL AS closed
FROM arrivals a
LEFT JOIN open_intervals o
       ON o.brand_key = a.brand_key AND o.weekday = a.weekday
      AND a.minute_of_day >= o.start_min AND a.minute_of_day < o.end_min;
