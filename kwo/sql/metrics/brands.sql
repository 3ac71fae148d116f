-- brands: the per-brand table, one row per roster brand (also brands without mentions).
--   mentions                  mention pairs of the brand (= mention tweets naming it)
--   answered, answered_pct    pairs answered by the brand, and their share of its mentions
--   median/p90_response_minutes  over the brand's answered pairs (quantile_cont's values, from
--                             kwo_quantiles, spill-safe for large archives; p90 comes as __lo, __hi,
--                             __frac and kwo.engine.duckdb_sql.run_query interpolates)
--   brand_replies, replies_to_mentions, proactive_replies, replies_parent_missing, replies_to_self
--                             the brand's collected replies in the period, by parent (see
--                             brand_reply_kinds)
--   hours, tz, mentions_while_closed, closed_pct
--                             with opening hours in the roster: mentions that arrived while the
--                             brand was closed (NULL when the roster gives no hours;
--                             tz NULL means the report's time zone)
--   agents, signed_replies, signed_pct
--                             the distinct signatures under the brand's replies of the period, its
--                             signed replies and their share of its replies (reply_signatures)
-- Ordered by mentions (most first), then handle. The counts come from brand_counts (each big
-- table grouped once per report, for this table and the caveats).
-- Parameters: none.
-- depends: brands, brand_counts, mention_answers, mention_closed, kwo_quantiles, reply_signatures
WITH vals AS (
    -- the response times per brand, for kwo_quantiles
    SELECT brand_key AS g, response_minutes AS v
    FROM mention_answers WHERE response_minutes IS NOT NULL
),
q AS (SELECT g AS brand_key, * EXCLUDE (g) FROM kwo_quantiles('vals')),
c AS (
    SELECT brand_key, count(*) FILTER (WHERE closed) AS mentions_while_closed
    FROM mention_closed GROUP BY brand_key
),
sg AS (
    SELECT brand_key, count(DISTINCT signature) AS agents, count(*) AS signed_replies
    FROM reply_signatures GROUP BY brand_key
)
SELECT b.handle, b.name, b.sector,
       n.mention_pairs AS mentions,
       n.answered_pairs AS answered,
       100.0 * n.answered_pairs / nullif(n.mention_pairs, 0) AS answered_pct,
       q.median AS median_response_minutes,
       q.p90__lo AS p90_response_minutes__lo,
       q.p90__hi AS p90_response_minutes__hi,
       q.p90__frac AS p90_response_minutes__frac,
       n.brand_replies,
       n.replies_to_mentions,
       n.proactive_replies,
       n.replies_parent_missing,
       n.replies_to_self,
       b.hours,
       b.tz,
       CASE WHEN b.has_hours THEN coalesce(c.mentions_while_closed, 0) END AS mentions_while_closed,
       CASE WHEN b.has_hours THEN 100.0 * coalesce(c.mentions_while_closed, 0) / nullif(n.mention_pairs, 0) END AS closed_pct,
       coalesce(sg.agents, 0) AS agents,
       coalesce(sg.signed_replies, 0) AS signed_replies,
       100.0 * coalesce(sg.signed_replies, 0) / nullif(n.brand_replies, 0) AS signed_pct
FROM brands b
JOIN brand_counts n USING (brand_key)
LEFT JOIN q USING (brand_key)
LEFT JOIN c USING (brand_key)
LEFT JOIN sg USING (brand_key)
ORDER BY mentions DESC, b.handle;
