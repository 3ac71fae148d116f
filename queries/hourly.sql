-- hourly: the rush hour. Per hour of the day (0-23, local time in the report time zone $tz as
-- fixed when mentions was built): mention tweets, answered mention tweets, answered %,
-- median and p90 response minutes of the answered pairs whose mention arrived in that hour, and
-- (with roster hours) how many pairs of brands with opening hours arrived while the brand was
-- closed, and their share of those pairs. Every hour is listed, also those without mentions.
-- median and p90 are quantile_cont's, computed spill-safe as in response_summary.sql (p90 comes
-- as __lo, __hi, __frac and kwo.metrics.run_query interpolates).
-- Depends on: mention_tweets, mention_answers, mention_closed. Parameters: none.
WITH hours AS (SELECT range::INTEGER AS hour FROM range(24)),
mt AS (
    SELECT hour, count(*) AS mentions, count(*) FILTER (WHERE answered) AS answered
    FROM mention_tweets GROUP BY hour
),
vals AS (
    -- the median and p90 are quantile_cont's, computed spill-safe (see response_summary.sql):
    -- distinct response times per hour with their counts, positions by a running count
    SELECT hour(local_time) AS hour, response_minutes AS v, count(*) AS c
    FROM mention_answers WHERE response_minutes IS NOT NULL GROUP BY 1, 2
),
ranked AS (
    SELECT hour, v, c,
           sum(c) OVER (PARTITION BY hour ORDER BY v ROWS UNBOUNDED PRECEDING) AS upto,
           sum(c) OVER (PARTITION BY hour) AS n
    FROM vals
),
pos AS (
    SELECT hour, v, upto - c AS first, upto, n, (n - 1) // 2 AS med_lo, n // 2 AS med_hi,
           (n - 1)::DOUBLE * 0.9::DOUBLE AS h90
    FROM ranked
),
rt AS (
    SELECT hour,
           max(v) FILTER (WHERE first <= med_lo AND med_lo < upto) AS med_lo,
           max(v) FILTER (WHERE first <= med_hi AND med_hi < upto) AS med_hi,
           max(v) FILTER (WHERE first <= floor(h90) AND floor(h90) < upto) AS p90_lo,
           max(v) FILTER (WHERE first <= ceil(h90) AND ceil(h90) < upto) AS p90_hi,
           any_value(h90 - floor(h90)) AS p90_frac,
           any_value(n % 2 = 1) AS odd
    FROM pos GROUP BY hour
),
cl AS (
    SELECT hour, count(*) AS pairs_with_hours, count(*) FILTER (WHERE closed) AS closed
    FROM mention_closed
    GROUP BY hour
)
SELECT h.hour,
       coalesce(mt.mentions, 0) AS mentions,
       coalesce(mt.answered, 0) AS answered,
       100.0 * mt.answered / nullif(mt.mentions, 0) AS answered_pct,
       CASE WHEN rt.odd THEN rt.med_lo
            ELSE list_aggregate([rt.med_lo, rt.med_hi], 'quantile_cont', 0.5) END AS median_response_minutes,
       rt.p90_lo AS p90_response_minutes__lo,
       rt.p90_hi AS p90_response_minutes__hi,
       rt.p90_frac AS p90_response_minutes__frac,
       coalesce(cl.closed, 0) AS mentions_while_closed,
       100.0 * cl.closed / nullif(cl.pairs_with_hours, 0) AS closed_pct
FROM hours h
LEFT JOIN mt USING (hour)
LEFT JOIN rt USING (hour)
LEFT JOIN cl USING (hour)
ORDER BY h.hour;
