-- response_summary: response times of the answered mention pairs, in minutes.
-- The response time of a pair is its earliest answer (direct reply by default) minus the
-- mention's time. median and p90 interpolate linearly between neighbours exactly like
-- quantile_cont, but spill-safe (quantile_cont holds every value in memory): the answered pairs
-- are grouped by response time (a hash aggregate, which spills), a running count over the
-- distinct times gives each time its positions [upto - c, upto) in the sorted list, and the
-- values at quantile_cont's positions floor(h) and ceil(h), h = (n - 1) * q, are picked out.
-- The median is interpolated here by DuckDB's own quantile_cont on the two neighbours
-- (list_aggregate, fraction 0.5); for p90 the query returns the neighbours and the fraction
-- (p90_minutes__lo, __hi, __frac) and kwo.metrics.run_query interpolates them the same way
-- (the fraction is not a constant of the query).
-- Depends on: mention_answers. Parameters: none.
WITH totals AS (
    SELECT count(*) AS mention_pairs, count(response_minutes) AS answered_pairs,
           avg(response_minutes) AS mean_minutes
    FROM mention_answers
),
vals AS (
    SELECT response_minutes AS v, count(*) AS c
    FROM mention_answers WHERE response_minutes IS NOT NULL GROUP BY response_minutes
),
ranked AS (
    SELECT v, c, sum(c) OVER (ORDER BY v ROWS UNBOUNDED PRECEDING) AS upto FROM vals
),
pos AS (
    SELECT r.v, r.upto - r.c AS first, r.upto, t.answered_pairs AS n,
           (t.answered_pairs - 1) // 2 AS med_lo, t.answered_pairs // 2 AS med_hi,
           (t.answered_pairs - 1)::DOUBLE * 0.9::DOUBLE AS h90
    FROM ranked r, totals t
),
q AS (
    SELECT max(v) FILTER (WHERE first <= med_lo AND med_lo < upto) AS med_lo,
           max(v) FILTER (WHERE first <= med_hi AND med_hi < upto) AS med_hi,
           max(v) FILTER (WHERE first <= floor(h90) AND floor(h90) < upto) AS p90_lo,
           max(v) FILTER (WHERE first <= ceil(h90) AND ceil(h90) < upto) AS p90_hi,
           any_value(h90 - floor(h90)) AS p90_frac,
           any_value(n % 2 = 1) AS odd
    FROM pos
)
SELECT
    t.mention_pairs,
    t.answered_pairs,
    CASE WHEN q.odd THEN q.med_lo ELSE list_aggregate([q.med_lo, q.med_hi], 'quantile_cont', 0.5) END AS median_minutes,
    q.p90_lo AS p90_minutes__lo,
    q.p90_hi AS p90_minutes__hi,
    q.p90_frac AS p90_minutes__frac,
    t.mean_minutes
FROM totals t, q;
