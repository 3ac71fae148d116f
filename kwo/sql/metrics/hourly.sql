-- hourly: the rush hour. Per hour of the day (0-23, local time in the report time zone $tz as
-- fixed when mentions was built): mention tweets, answered mention tweets, answered %,
-- median and p90 response minutes of the answered pairs whose mention arrived in that hour, and
-- (with roster hours) how many pairs of brands with opening hours arrived while the brand was
-- closed, and their share of those pairs. Every hour is listed, also those without mentions.
-- median and p90 are quantile_cont's, from kwo_quantiles (spill-safe for large archives; p90 comes
-- as __lo, __hi, __frac and kwo.engine.duckdb_sql.run_query interpolates).
-- Parameters: none.
-- depends: mention_tweets, mention_answers, mention_closed, kwo_quantiles
WITH hours AS (SELECT h::INTEGER AS hour FROM (SELECT unnest(generate_series(0, 23)) AS h)),
mt AS (
    SELECT hour, count(*) AS mentions, count(*) FILTER (WHERE answered) AS answered
    FROM mention_tweets GROUP BY hour
),
vals AS (
    -- the response times per hour, for kwo_quantiles
    SELECT hour(local_time) AS g, response_minutes AS v
    FROM mention_answers WHERE response_minutes IS NOT NULL
),
rt AS (SELECT g AS hour, * EXCLUDE (g) FROM kwo_quantiles('vals')),
cl AS (
    SELECT hour, count(*) AS pairs_with_hours, count(*) FILTER (WHERE closed) AS closed
    FROM mention_closed
    GROUP BY hour
)
SELECT h.hour,
       coalesce(mt.mentions, 0) AS mentions,
       coalesce(mt.answered, 0) AS answered,
       100.0 * mt.answered / nullif(mt.mentions, 0) AS answered_pct,
       rt.median AS median_response_minutes,
       rt.p90__lo AS p90_response_minutes__lo,
       rt.p90__hi AS p90_response_minutes__hi,
       rt.p90__frac AS p90_response_minutes__frac,
       coalesce(cl.closed, 0) AS mentions_while_closed,
       100.0 * cl.closed / nullif(cl.pairs_with_hours, 0) AS closed_pct
FROM hours h
LEFT JOIN mt USING (hour)
LEFT JOIN rt USING (hour)
LEFT JOIN cl USING (hour)
ORDER BY h.hour;
