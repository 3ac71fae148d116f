-- totals: the headline figures of the period.
--   mention_tweets          distinct mention tweets (the KWO headline count)
--   mention_pairs           (tweet, brand) pairs
--   answered                mention tweets with at least one answered pair
--   answered_pct            answered / mention_tweets * 100 (NULL without mentions)
--   answered_pairs          answered (tweet, brand) pairs
--   brands_mentioned        brands with at least one mention
--   brand_replies           collected replies by brands posted in the period
--   replies_to_mentions     ... whose parent mentions the replying brand
--   proactive_replies       ... whose parent is in the archive, not by the brand, not mentioning it
--   replies_parent_missing  ... whose parent is not in the archive (never counted as proactive)
--   replies_to_self         ... whose parent is by the same brand
--   agents                  distinct signatures per brand, summed over the brands (an agent who
--                           signs for two brands counts twice: each brand's team separately)
--   signed_replies, signed_pct  brand replies with a signature (reply_signatures; distinct tweets)
--                           and their share of brand_replies
-- Reply counts are distinct tweets (a reply by two roster accounts at once counts once, under
-- the first of its kinds in the order listed above).
-- Parameters: none.
-- depends: mention_tweets, mention_answers, brand_reply_kinds, reply_signatures
WITH ranked AS NOT MATERIALIZED (
    SELECT tweet_id, several,
           CASE kind WHEN 'to_mention' THEN 1 WHEN 'proactive' THEN 2 WHEN 'parent_missing' THEN 3 ELSE 4 END AS k
    FROM brand_reply_kinds
),
replies AS (
    -- one row per reply tweet; a reply by two roster accounts at once (several: id and handle name
    -- two brands; in practice a reply has one author) takes the first kind in the order
    -- to_mention, proactive, parent_missing, to_self. Only those are grouped per tweet.
    SELECT k FROM ranked WHERE NOT several
    UNION ALL
    SELECT min(k) AS k FROM ranked WHERE several GROUP BY tweet_id
),
r AS (
    SELECT count(*) AS brand_replies,
           count(*) FILTER (WHERE k = 1) AS replies_to_mentions,
           count(*) FILTER (WHERE k = 2) AS proactive_replies,
           count(*) FILTER (WHERE k = 3) AS replies_parent_missing,
           count(*) FILTER (WHERE k = 4) AS replies_to_self
    FROM replies
),
t AS (
    SELECT count(*) AS mention_tweets, count(*) FILTER (WHERE answered) AS answered FROM mention_tweets
),
p AS (
    SELECT count(*) AS mention_pairs, count(first_reply_at) AS answered_pairs,
           count(DISTINCT brand_key) AS brands_mentioned
    FROM mention_answers
),
sg AS (
    SELECT (SELECT coalesce(sum(n), 0) FROM (SELECT count(DISTINCT signature) AS n FROM reply_signatures
                                             GROUP BY brand_key) per_brand)::BIGINT AS agents,
           count(DISTINCT tweet_id) AS signed_replies
    FROM reply_signatures
)
SELECT t.mention_tweets, p.mention_pairs, t.answered,
       100.0 * t.answered / nullif(t.mention_tweets, 0) AS answered_pct,
       p.answered_pairs, p.brands_mentioned,
       r.brand_replies, r.replies_to_mentions, r.proactive_replies, r.replies_parent_missing, r.replies_to_self,
       sg.agents, sg.signed_replies, 100.0 * sg.signed_replies / nullif(r.brand_replies, 0) AS signed_pct
FROM t, p, r, sg;
