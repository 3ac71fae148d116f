-- brand_reply_kinds: every collected reply by a brand in the period, classified by its parent p:
--   parent_missing    p is not in the archive at all (neither collected nor context)
--   to_self           p is by the same brand (a thread the brand continues)
--   to_mention        p mentions the brand (a reactive reply; p may be a context tweet or a retweet)
--   proactive         p is in the archive, not by the brand and does not mention it
-- Parent mentions come from `mentioned` (matched like mentions; p may be context or a retweet).
-- A parent found in brand_authored or mentioned is in the archive, so only the parents of the
-- remaining replies (a few percent) are looked up among all tweet ids of the archive.
-- several (from brand_authored): the reply is by two brands, so it has two rows here.
-- Parameters: $since, $until (TIMESTAMPTZ or NULL): the reply time is in [since, until).
-- depends: tweets, mentioned, brand_authored, brand_replies
CREATE OR REPLACE TABLE brand_reply_kinds AS
WITH r AS (
    SELECT * FROM brand_replies
    WHERE ($since::TIMESTAMPTZ IS NULL OR created_at >= $since::TIMESTAMPTZ)
      AND ($until::TIMESTAMPTZ IS NULL OR created_at < $until::TIMESTAMPTZ)
),
matched AS MATERIALIZED (
    SELECT r.tweet_id, r.brand_key, r.created_at, r.in_reply_to_tweet_id, r.several,
           -- EXISTS: mark joins, whose hash tables hold only the keys of brand_authored and mentioned
           EXISTS (SELECT 1 FROM brand_authored s
                   WHERE s.tweet_id = r.in_reply_to_tweet_id AND s.brand_key = r.brand_key) AS to_self,
           EXISTS (SELECT 1 FROM mentioned pm
                   WHERE pm.tweet_id = r.in_reply_to_tweet_id AND pm.brand_key = r.brand_key) AS to_mention
    FROM r
),
parents AS MATERIALIZED (
    -- only the ids: whether the parent of an otherwise unexplained reply is in the archive at all
    SELECT t.tweet_id FROM tweets t
    SEMI JOIN (SELECT DISTINCT in_reply_to_tweet_id AS id FROM matched WHERE NOT to_self AND NOT to_mention) p
           ON p.id = t.tweet_id
)
SELECT m.tweet_id, m.brand_key, m.created_at, m.in_reply_to_tweet_id,
       CASE
           WHEN m.to_self THEN 'to_self'
           WHEN m.to_mention THEN 'to_mention'
           WHEN p.tweet_id IS NULL THEN 'parent_missing'
           ELSE 'proactive'
       END AS kind,
       m.several
FROM matched m
LEFT JOIN parents p ON p.tweet_id = m.in_reply_to_tweet_id;
