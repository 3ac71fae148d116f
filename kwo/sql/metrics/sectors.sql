-- sectors: the per-sector table.
--   brands                    roster brands in the sector
--   mention_tweets            distinct mention tweets naming at least one brand of the sector
--   answered, answered_pct    of those, the tweets answered by at least one brand of the sector
--   mention_pairs, answered_pairs
--   median_response_minutes   over the sector's answered pairs (quantile_cont's median, from
--                             kwo_quantiles, spill-safe for large archives)
--   proactive_replies, replies_parent_missing  by the sector's brands (distinct replies)
--   (agents, signed_replies, signed_pct: sector_agents.sql; questions, hand-offs, business hours:
--   sector_insights.sql)
-- Ordered by mention tweets (most first), then sector.
-- Parameters: none.
-- depends: brands, mention_answers, brand_reply_kinds, kwo_quantiles
WITH sector_keys AS (
    -- sectors as small integers, so that the per-tweet grouping below hashes integers, not text
    SELECT brand_key, dense_rank() OVER (ORDER BY sector) AS sector_key FROM brands
),
pairs AS NOT MATERIALIZED (
    SELECT k.sector_key, a.tweet_id, a.first_reply_at, a.response_minutes, a.several
    FROM mention_answers a JOIN sector_keys k USING (brand_key)
),
tweets_by_sector AS (
    -- a tweet's only pair (NOT several) is its row; the others are grouped per sector and tweet
    SELECT sector_key, first_reply_at IS NOT NULL AS answered FROM pairs WHERE NOT several
    UNION ALL
    SELECT sector_key, bool_or(first_reply_at IS NOT NULL) AS answered
    FROM pairs WHERE several GROUP BY sector_key, tweet_id
),
t AS (
    SELECT sector_key, count(*) AS mention_tweets, count(*) FILTER (WHERE answered) AS answered
    FROM tweets_by_sector GROUP BY sector_key
),
p AS (
    SELECT sector_key, count(*) AS mention_pairs, count(first_reply_at) AS answered_pairs
    FROM pairs GROUP BY sector_key
),
vals AS (
    -- the response times per sector, for kwo_quantiles
    SELECT sector_key AS g, response_minutes AS v
    FROM pairs WHERE response_minutes IS NOT NULL
),
med AS (SELECT g AS sector_key, median FROM kwo_quantiles('vals')),
r AS (
    -- distinct reply tweets of the two kinds only (a few percent of the replies)
    SELECT k.sector_key,
           count(DISTINCT q.tweet_id) FILTER (WHERE q.kind = 'proactive') AS proactive_replies,
           count(DISTINCT q.tweet_id) FILTER (WHERE q.kind = 'parent_missing') AS replies_parent_missing
    FROM brand_reply_kinds q JOIN sector_keys k USING (brand_key)
    WHERE q.kind IN ('proactive', 'parent_missing')
    GROUP BY k.sector_key
),
s AS (
    SELECT b.sector, any_value(k.sector_key) AS sector_key, count(*) AS brands
    FROM brands b JOIN sector_keys k USING (brand_key) GROUP BY b.sector
)
SELECT s.sector, s.brands,
       coalesce(t.mention_tweets, 0) AS mention_tweets,
       coalesce(t.answered, 0) AS answered,
       100.0 * t.answered / nullif(t.mention_tweets, 0) AS answered_pct,
       coalesce(p.mention_pairs, 0) AS mention_pairs,
       coalesce(p.answered_pairs, 0) AS answered_pairs,
       med.median AS median_response_minutes,
       coalesce(r.proactive_replies, 0) AS proactive_replies,
       coalesce(r.replies_parent_missing, 0) AS replies_parent_missing
FROM s
LEFT JOIN t USING (sector_key)
LEFT JOIN p USING (sector_key)
LEFT JOIN med USING (sector_key)
LEFT JOIN r USING (sector_key)
ORDER BY mention_tweets DESC, s.sector;
