-- mention_closed: for the mention pairs of brands with opening hours in the roster, whether the
-- mention arrived while the brand was closed. The arrival is taken in the brand's own time zone
-- (roster column tz, default the report's $tz); a brand is open when the weekday and minute of
-- the day fall in one of its slots in brand_hours ([start_min, end_min), ISO weekday).
-- Pairs of brands without hours are absent (their closed share is unknown, not zero).
-- Depends on: mentions, brands, brand_hours. Parameters: $tz.
CREATE OR REPLACE TEMP TABLE mention_closed AS
WITH local_arrivals AS (
    SELECT m.tweet_id, m.brand_key, timezone(coalesce(b.tz, $tz), m.created_at) AS lt
    FROM mentions m JOIN brands b USING (brand_key)
    WHERE b.has_hours
),
arrivals AS (
    SELECT tweet_id, brand_key, isodow(lt) AS weekday, hour(lt) * 60 + minute(lt) AS minute_of_day
    FROM local_arrivals
),
open_pairs AS (
    SELECT DISTINCT a.tweet_id, a.brand_key
    FROM arrivals a JOIN brand_hours h
      ON h.brand_key = a.brand_key AND h.weekday = a.weekday
     AND a.minute_of_day >= h.start_min AND a.minute_of_day < h.end_min
)
SELECT a.tweet_id, a.brand_key, o.tweet_id IS NULL AS closed
FROM arrivals a LEFT JOIN open_pairs o ON o.tweet_id = a.tweet_id AND o.brand_key = a.brand_key;
