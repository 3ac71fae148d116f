-- weekly: the trend per brand and ISO week (Monday to Sunday in the report time zone, of the
-- mention's local_time), one row per brand and week with mentions.
--   handle, week, week_start  the brand; the ISO week as YYYY-Www (the ISO year is the year of the
--                             week's Thursday: 2016-01-01, a Friday, is in 2015-W53); its Monday
--   mentions, answered, answered_pct, median_response_minutes   as in monthly
-- Ordered by handle, then week.
-- Parameters: none.
-- depends: brands, mention_answers, kwo_quantiles, kwo_isoweek
WITH pairs AS (
    SELECT brand_key, CAST(date_trunc('week', local_time) AS DATE) AS monday, first_reply_at, response_minutes
    FROM mention_answers
),
c AS (
    SELECT brand_key, monday, count(*) AS mentions, count(first_reply_at) AS answered
    FROM pairs GROUP BY brand_key, monday
),
vals AS (
    SELECT CAST(brand_key AS VARCHAR) || ' ' || CAST(monday AS VARCHAR) AS g, response_minutes AS v
    FROM pairs WHERE response_minutes IS NOT NULL
),
q AS (SELECT g, median FROM kwo_quantiles('vals'))
SELECT b.handle,
       CAST(year(c.monday + INTERVAL 3 DAY) AS VARCHAR) || '-W' || lpad(CAST(kwo_isoweek(c.monday) AS VARCHAR), 2, '0') AS week,
       CAST(c.monday AS VARCHAR) AS week_start,
       c.mentions, c.answered,
       100 * c.answered::DOUBLE / c.mentions AS answered_pct,
       q.median AS median_response_minutes
FROM c
JOIN brands b USING (brand_key)
LEFT JOIN q ON q.g = CAST(c.brand_key AS VARCHAR) || ' ' || CAST(c.monday AS VARCHAR)
ORDER BY b.handle, c.monday;
