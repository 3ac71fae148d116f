-- sectors: the per-sector table.
--   brands                    roster brands in the sector
--   mention_tweets            distinct mention tweets naming at least one brand of the sector
--   answered, answered_pct    of those, the tweets answered by at least one brand of the sector
--   mention_pairs, answered_pairs
--   median_response_minutes   over the sector's answered pairs
--   proactive_replies, replies_parent_missing  by the sector's brands (distinct replies)
-- Ordered by mention tweets (most first), then sector.
-- Depends on: brands, mention_answers, brand_reply_kinds. Parameters: none.
WITH pairs AS (
    SELECT b.sector, a.* FROM mention_answers a JOIN brands b USING (brand_key)
),
tweets_by_sector AS (
    SELECT sector, tweet_id, bool_or(first_reply_at IS NOT NULL) AS answered
    FROM pairs GROUP BY sector, tweet_id
),
t AS (
    SELECT sector, count(*) AS mention_tweets, count(*) FILTER (WHERE answered) AS answered
    FROM tweets_by_sector GROUP BY sector
),
p AS (
    SELECT sector, count(*) AS mention_pairs, count(first_reply_at) AS answered_pairs,
           median(response_minutes) AS median_response_minutes
    FROM pairs GROUP BY sector
),
r AS (
    SELECT b.sector,
           count(DISTINCT k.tweet_id) FILTER (WHERE k.kind = 'proactive') AS proactive_replies,
           count(DISTINCT k.tweet_id) FILTER (WHERE k.kind = 'parent_missing') AS replies_parent_missing
    FROM brand_reply_kinds k JOIN brands b USING (brand_key)
    GROUP BY b.sector
),
s AS (SELECT sector, count(*) AS brands FROM brands GROUP BY sector)
SELECT s.sector, s.brands,
       coalesce(t.mention_tweets, 0) AS mention_tweets,
       coalesce(t.answered, 0) AS answered,
       100.0 * t.answered / nullif(t.mention_tweets, 0) AS answered_pct,
       coalesce(p.mention_pairs, 0) AS mention_pairs,
       coalesce(p.answered_pairs, 0) AS answered_pairs,
       p.median_response_minutes,
       coalesce(r.proactive_replies, 0) AS proactive_replies,
       coalesce(r.replies_parent_missing, 0) AS replies_parent_missing
FROM s
LEFT JOIN t USING (sector)
LEFT JOIN p USING (sector)
LEFT JOIN r USING (sector)
ORDER BY mention_tweets DESC, s.sector;
