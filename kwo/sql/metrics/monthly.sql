-- monthly: the trend per brand and calendar month of the report time zone (the month of the
-- mention's local_time, as converted in mentions), one row per brand and month with mentions.
--   handle, month             the brand; YYYY-MM
--   mentions, answered, answered_pct   its mention pairs of the month, the answered ones, their share
--   median_response_minutes   over the month's answered pairs (kwo_quantiles' median)
-- Ordered by handle, then month.
-- Parameters: none.
-- depends: brands, mention_answers, kwo_quantiles
WITH pairs AS (
    SELECT brand_key, strftime(date_trunc('month', local_time), '%Y-%m') AS month, first_reply_at, response_minutes
    FROM mention_answers
),
c AS (
    SELECT brand_key, month, count(*) AS mentions, count(first_reply_at) AS answered
    FROM pairs GROUP BY brand_key, month
),
vals AS (
    SELECT CAST(brand_key AS VARCHAR) || ' ' || month AS g, response_minutes AS v
    FROM pairs WHERE response_minutes IS NOT NULL
),
q AS (SELECT g, median FROM kwo_quantiles('vals'))
SELECT b.handle, c.month, c.mentions, c.answered,
       100 * c.answered::DOUBLE / c.mentions AS answered_pct,
       q.median AS median_response_minutes
FROM c
JOIN brands b USING (brand_key)
LEFT JOIN q ON q.g = CAST(c.brand_key AS VARCHAR) || ' ' || c.month
ORDER BY b.handle, c.month;
