-- sector_agents: the agents columns of the per-sector table (sectors.sql), one row per sector of
-- the roster, joined to it by sector (kwo.metrics.registry: the sectors metric's `more`). A
-- statement of its own: with sectors.sql's distinct counts in one query, a report under a small
-- memory limit (KWO_MEMORY_LIMIT=40MB, tests/test_spill_safe_quantiles.py) ran out of memory.
--   agents                    distinct signatures per brand of the sector, summed over its brands
--   signed_replies, signed_pct  the sector's replies of the period with a signature (distinct
--                             tweets, reply_signatures) and their share of the sector's replies
-- Parameters: none.
-- depends: brands, brand_reply_kinds, reply_signatures
WITH sector_keys AS (
    SELECT brand_key, dense_rank() OVER (ORDER BY sector) AS sector_key FROM brands
),
sr AS (
    SELECT k.sector_key, count(DISTINCT q.tweet_id) AS replies
    FROM brand_reply_kinds q JOIN sector_keys k USING (brand_key) GROUP BY k.sector_key
),
sa AS (
    SELECT k.sector_key, count(DISTINCT q.signature) AS agents
    FROM reply_signatures q JOIN sector_keys k USING (brand_key) GROUP BY k.sector_key, q.brand_key
),
sg AS (
    SELECT sa.sector_key, sum(sa.agents)::BIGINT AS agents, any_value(ss.signed_replies) AS signed_replies
    FROM sa JOIN (SELECT k.sector_key, count(DISTINCT q.tweet_id) AS signed_replies
                  FROM reply_signatures q JOIN sector_keys k USING (brand_key) GROUP BY k.sector_key) ss
         ON ss.sector_key = sa.sector_key
    GROUP BY sa.sector_key
),
s AS (
    SELECT b.sector, any_value(k.sector_key) AS sector_key
    FROM brands b JOIN sector_keys k USING (brand_key) GROUP BY b.sector
)
SELECT s.sector,
       coalesce(sg.agents, 0) AS agents,
       coalesce(sg.signed_replies, 0) AS signed_replies,
       100.0 * coalesce(sg.signed_replies, 0) / nullif(sr.replies, 0) AS signed_pct
FROM s
LEFT JOIN sr USING (sector_key)
LEFT JOIN sg USING (sector_key)
ORDER BY s.sector;
