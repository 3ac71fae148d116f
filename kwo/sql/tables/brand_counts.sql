-- brand_counts: one row per roster brand (also brands without any tweet) with the counts that
-- the brand table (brands.sql) and the caveats (caveats/*.sql) read, each big table grouped once:
--   mention_pairs, answered_pairs   the brand's mention pairs of the period, and the answered ones
--   brand_replies, replies_to_mentions, proactive_replies, replies_parent_missing, replies_to_self
--                                   its collected replies of the period, by parent (brand_reply_kinds)
--   own_tweets                      its collected tweets in the whole archive (brand_authored)
--   occurs                          whether the archive has any tweet by it or mentioning it (collected
--                                   or context, retweets too, any time)
-- Parameters: none.
-- depends: brands, mention_answers, brand_reply_kinds, brand_authored, mentioned
CREATE OR REPLACE TABLE brand_counts AS
WITH m AS (
    SELECT brand_key, count(*) AS mention_pairs, count(first_reply_at) AS answered_pairs
    FROM mention_answers GROUP BY brand_key
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
a AS (
    SELECT brand_key, count(*) FILTER (WHERE collected) AS own_tweets FROM brand_authored GROUP BY brand_key
),
unseen AS MATERIALIZED (
    -- brands without mention pairs and without tweets of their own: only they may occur nowhere,
    -- so only their keys are looked for in mentioned (usually none, and the join reads nothing)
    SELECT brand_key FROM brands ANTI JOIN m USING (brand_key) ANTI JOIN a USING (brand_key)
),
n AS (
    SELECT DISTINCT brand_key FROM mentioned SEMI JOIN unseen USING (brand_key)
)
SELECT b.brand_key,
       coalesce(m.mention_pairs, 0) AS mention_pairs,
       coalesce(m.answered_pairs, 0) AS answered_pairs,
       coalesce(r.brand_replies, 0) AS brand_replies,
       coalesce(r.replies_to_mentions, 0) AS replies_to_mentions,
       coalesce(r.proactive_replies, 0) AS proactive_replies,
       coalesce(r.replies_parent_missing, 0) AS replies_parent_missing,
       coalesce(r.replies_to_self, 0) AS replies_to_self,
       coalesce(a.own_tweets, 0) AS own_tweets,
       m.brand_key IS NOT NULL OR a.brand_key IS NOT NULL OR n.brand_key IS NOT NULL AS occurs
FROM brands b
LEFT JOIN m USING (brand_key)
LEFT JOIN r USING (brand_key)
LEFT JOIN a USING (brand_key)
LEFT JOIN n USING (brand_key);
