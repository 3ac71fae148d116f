-- mention_closed: for the mention pairs of brands with opening hours in the roster, whether the
-- mention arrived while the brand was closed. The arrival is taken in the brand's own time zone
-- (roster column tz, default the report's $tz; when it is the report's, the local time already
-- converted in mentions is used); a brand is open when the weekday and minute of the day
-- fall in one of its slots in brand_hours ([start_min, end_min), ISO weekday). hour is the hour
-- of the day of the mention in the report time zone (for the closed share per hour).
-- Pairs of brands without hours are absent (their closed share is unknown, not zero).
-- Depends on: mention_answers, brands, brand_hours. Parameters: $tz.
CREATE OR REPLACE TABLE mention_closed AS
WITH local_arrivals AS (
    SELECT a.tweet_id, a.brand_key, hour(a.local_time) AS hour,
           CASE WHEN coalesce(b.tz, $tz) = $tz THEN a.local_time ELSE timezone(b.tz, a.created_at) END AS lt
    FROM mention_answers a JOIN brands b USING (brand_key)
    WHERE b.has_hours
),
arrivals AS (
    SELECT tweet_id, brand_key, hour, isodow(lt) AS weekday, hour(lt) * 60 + minute(lt) AS minute_of_day
    FROM local_arrivals
)
SELECT a.tweet_id, a.brand_key, a.hour,
       NOT EXISTS (
           SELECT 1 FROM brand_hours h
           WHERE h.brand_key = a.brand_key AND h.weekday = a.weekday
             AND a.minute_of_day >= h.start_min AND a.minute_of_day < h.end_min
       ) AS closed
FROM arrivals a;
