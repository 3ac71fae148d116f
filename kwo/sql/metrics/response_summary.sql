-- response_summary: response times of the answered mention pairs, in minutes.
-- The response time of a pair is its earliest answer (direct reply by default) minus the
-- mention's time. median and p90 are quantile_cont's, from kwo_quantiles (tables/kwo_quantiles.*.sql;
-- spill-safe for large archives); p90 comes as p90_minutes__lo, __hi, __frac and
-- kwo.engine.duckdb_sql.run_query interpolates.
-- Parameters: none.
-- depends: mention_answers, kwo_quantiles
WITH totals AS (
    SELECT count(*) AS mention_pairs, count(response_minutes) AS answered_pairs,
           avg(response_minutes) AS mean_minutes
    FROM mention_answers
),
vals AS (
    SELECT 0 AS g, response_minutes AS v
    FROM mention_answers WHERE response_minutes IS NOT NULL
)
SELECT
    t.mention_pairs,
    t.answered_pairs,
    q.median AS median_minutes,
    q.p90__lo AS p90_minutes__lo,
    q.p90__hi AS p90_minutes__hi,
    q.p90__frac AS p90_minutes__frac,
    t.mean_minutes
FROM totals t LEFT JOIN kwo_quantiles('vals') q ON true;
