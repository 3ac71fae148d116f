-- hourly: the rush hour. Per hour of the day (0-23, local time in the report time zone $tz as
-- fixed when mentions was built): mention tweets, answered mention tweets, answered %,
-- median and p90 response minutes of the answered pairs whose mention arrived in that hour, and
-- (with roster hours) how many pairs of brands with opening hours arrived while the brand was
-- closed, and their share of those pairs. Every hour is listed, also those without mentions.
-- Depends on: mention_tweets, mention_answers, mention_closed. Parameters: none.
WITH hours AS (SELECT range::INTEGER AS hour FROM range(24)),
mt AS (
    SELECT hour, count(*) AS mentions, count(*) FILTER (WHERE answered) AS answered
    FROM mention_tweets GROUP BY hour
),
rt AS (
    SELECT hour(local_time) AS hour, median(response_minutes) AS median_response_minutes,
           quantile_cont(response_minutes, 0.9) AS p90_response_minutes
    FROM mention_answers
    WHERE response_minutes IS NOT NULL
    GROUP BY 1
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
       rt.median_response_minutes,
       rt.p90_response_minutes,
       coalesce(cl.closed, 0) AS mentions_while_closed,
       100.0 * cl.closed / nullif(cl.pairs_with_hours, 0) AS closed_pct
FROM hours h
LEFT JOIN mt USING (hour)
LEFT JOIN rt USING (hour)
LEFT JOIN cl USING (hour)
ORDER BY h.hour;
