-- brands: the per-brand table, one row per roster brand (also brands without mentions).
--   mentions                  mention pairs of the brand (= mention tweets naming it)
--   answered, answered_pct    pairs answered by the brand, and their share of its mentions
--   median/p90_response_minutes  over the brand's answered pairs (quantile_cont's values, from
--                             kwo_quantiles, spill-safe for large archives; p90 comes as __lo, __hi,
--                             __frac and kwo.metrics.run_query interpolates)
--   brand_replies, replies_to_mentions, proactive_replies, replies_parent_missing, replies_to_self
--                             the brand's collected replies in the period, by parent (see
--                             brand_reply_kinds)
--   hours, tz, mentions_while_closed, closed_pct
--                             with opening hours in the roster: mentions that arrived while the
--                             brand was closed (NULL when the roster gives no hours;
--                             tz NULL means the report's time zone)
-- Ordered by mentions (most first), then handle.
-- Depends on: brands, mention_answers, brand_reply_kinds, mention_closed, kwo_quantiles. Parameters: none.
WITH m AS (
    SELECT brand_key, count(*) AS mentions, count(first_reply_at) AS answered
    FROM mention_answers GROUP BY brand_key
),
vals AS (
    -- the response times per brand, for kwo_quantiles
    SELECT brand_key AS g, response_minutes AS v
    FROM mention_answers WHERE response_minutes IS NOT NULL
),
q AS (SELECT g AS brand_key, * EXCLUDE (g) FROM kwo_quantiles('vals')),
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
       q.median AS median_response_minutes,
       q.p90__lo AS p90_response_minutes__lo,
       q.p90__hi AS p90_response_minutes__hi,
       q.p90__frac AS p90_response_minutes__frac,
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
