-- brands: the per-brand table, one row per roster brand (also brands without mentions).
--   mentions                  mention pairs of the brand (= mention tweets naming it)
--   answered, answered_pct    pairs answered by the brand, and their share of its mentions
--   median/p90_response_minutes  over the brand's answered pairs (quantile_cont's values, computed
--                             spill-safe as in response_summary.sql; p90 comes as __lo, __hi,
--                             __frac and kwo.metrics.run_query interpolates)
--   brand_replies, replies_to_mentions, proactive_replies, replies_parent_missing, replies_to_self
--                             the brand's collected replies in the period, by parent (see
--                             brand_reply_kinds)
--   hours, tz, mentions_while_closed, closed_pct
--                             with opening hours in the roster: mentions that arrived while the
--                             brand was closed (NULL when the roster gives no hours;
--                             tz NULL means the report's time zone)
-- Ordered by mentions (most first), then handle.
-- Depends on: brands, mention_answers, brand_reply_kinds, mention_closed. Parameters: none.
WITH m AS (
    SELECT brand_key, count(*) AS mentions, count(first_reply_at) AS answered
    FROM mention_answers GROUP BY brand_key
),
vals AS (
    -- the median and p90 are quantile_cont's, computed spill-safe (see response_summary.sql):
    -- distinct response times per brand with their counts, positions by a running count
    SELECT brand_key, response_minutes AS v, count(*) AS c
    FROM mention_answers WHERE response_minutes IS NOT NULL GROUP BY brand_key, response_minutes
),
ranked AS (
    SELECT brand_key, v, c,
           sum(c) OVER (PARTITION BY brand_key ORDER BY v ROWS UNBOUNDED PRECEDING) AS upto,
           sum(c) OVER (PARTITION BY brand_key) AS n
    FROM vals
),
pos AS (
    SELECT brand_key, v, upto - c AS first, upto, n, (n - 1) // 2 AS med_lo, n // 2 AS med_hi,
           (n - 1)::DOUBLE * 0.9::DOUBLE AS h90
    FROM ranked
),
q AS (
    SELECT brand_key,
           max(v) FILTER (WHERE first <= med_lo AND med_lo < upto) AS med_lo,
           max(v) FILTER (WHERE first <= med_hi AND med_hi < upto) AS med_hi,
           max(v) FILTER (WHERE first <= floor(h90) AND floor(h90) < upto) AS p90_lo,
           max(v) FILTER (WHERE first <= ceil(h90) AND ceil(h90) < upto) AS p90_hi,
           any_value(h90 - floor(h90)) AS p90_frac,
           any_value(n % 2 = 1) AS odd
    FROM pos GROUP BY brand_key
),
r AS (
    SELECT brand_key,
           count(*) AS brand_replies,
           count(*) FILTER (WHERE kind = 'to_mention') AS replies_to_mentions,
           count(*) FILTER (WHERE kind = 'proactive') AS proactive_replies,
           count(*) FILTER (WHERE kind = 'parent_missing') AS replies_parent_missing,
           count(*) FILTER (WHERE kind = 'to_self') AS replies_to_self
    FROM brand_reply_kinds GROUP BY brand_key
),
c AS (
    SELECT brand_key, count(*) FILTER (WHERE closed) AS mentions_while_closed
    FROM mention_closed GROUP BY brand_key
)
SELECT b.handle, b.name, b.sector,
       coalesce(m.mentions, 0) AS mentions,
       coalesce(m.answered, 0) AS answered,
       100.0 * m.answered / nullif(m.mentions, 0) AS answered_pct,
       CASE WHEN q.odd THEN q.med_lo
            ELSE list_aggregate([q.med_lo, q.med_hi], 'quantile_cont', 0.5) END AS median_response_minutes,
       q.p90_lo AS p90_response_minutes__lo,
       q.p90_hi AS p90_response_minutes__hi,
       q.p90_frac AS p90_response_minutes__frac,
       coalesce(r.brand_replies, 0) AS brand_replies,
       coalesce(r.replies_to_mentions, 0) AS replies_to_mentions,
       coalesce(r.proactive_replies, 0) AS proactive_replies,
       coalesce(r.replies_parent_missing, 0) AS replies_parent_missing,
       coalesce(r.replies_to_self, 0) AS replies_to_self,
       b.hours,
       b.tz,
       CASE WHEN b.has_hours THEN coalesce(c.mentions_while_closed, 0) END AS mentions_while_closed,
       CASE WHEN b.has_hours THEN 100.0 * coalesce(c.mentions_while_closed, 0) / nullif(m.mentions, 0) END AS closed_pct
FROM brands b
LEFT JOIN m USING (brand_key)
LEFT JOIN q USING (brand_key)
LEFT JOIN r USING (brand_key)
LEFT JOIN c USING (brand_key)
ORDER BY mentions DESC, b.handle;
