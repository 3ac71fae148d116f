-- sector_insights: the columns of the per-sector table (sectors.sql) beyond KWO16, one row per
-- sector of the roster, joined to it by sector (kwo.metrics.registry: the sectors metric's `more`).
--   question_tweets, questions_answered, questions_answered_pct
--                             distinct question tweets (mention_questions) naming a brand of the
--                             sector, those answered by at least one brand of it, and their share
--   dm_handoff_replies, dm_handoff_pct
--                             distinct replies to mentions by the sector's brands that hand off to
--                             a private channel (dm_handoffs), and their share of the sector's
--                             distinct replies to mentions (brand_reply_kinds)
--   median/p90_business_response_minutes
--                             over the answered pairs of the sector's brands with hours, counting
--                             only the minutes the brand was open (business_answers)
-- Parameters: none.
-- depends: brands, mention_questions, dm_handoffs, brand_reply_kinds, business_answers, kwo_quantiles
-- A pair or reply that is its tweet's only one (NOT several: nearly all) is counted as it is; only
-- the others are grouped per sector and tweet.
WITH qt AS (
    SELECT b.sector, q.answered FROM mention_questions q JOIN brands b USING (brand_key) WHERE NOT q.several
    UNION ALL
    SELECT b.sector, bool_or(q.answered) AS answered
    FROM mention_questions q JOIN brands b USING (brand_key)
    WHERE q.several
    GROUP BY b.sector, q.tweet_id
),
q AS (
    SELECT sector, count(*) AS question_tweets, count(*) FILTER (WHERE answered) AS questions_answered
    FROM qt GROUP BY sector
),
d AS (
    SELECT b.sector,
           count(*) FILTER (WHERE NOT h.several) + count(DISTINCT h.tweet_id) FILTER (WHERE h.several) AS dm_handoff_replies
    FROM dm_handoffs h JOIN brands b USING (brand_key) GROUP BY b.sector
),
r AS (
    SELECT b.sector,
           count(*) FILTER (WHERE NOT k.several) + count(DISTINCT k.tweet_id) FILTER (WHERE k.several) AS replies_to_mentions
    FROM brand_reply_kinds k JOIN brands b USING (brand_key)
    WHERE k.kind = 'to_mention'
    GROUP BY b.sector
),
vals AS (
    SELECT b.sector AS g, a.business_minutes AS v FROM business_answers a JOIN brands b USING (brand_key)
),
bq AS (SELECT g AS sector, * EXCLUDE (g) FROM kwo_quantiles('vals')),
s AS (SELECT DISTINCT sector FROM brands)
SELECT s.sector,
       coalesce(q.question_tweets, 0) AS question_tweets,
       coalesce(q.questions_answered, 0) AS questions_answered,
       100 * q.questions_answered::DOUBLE / nullif(q.question_tweets, 0) AS questions_answered_pct,
       coalesce(d.dm_handoff_replies, 0) AS dm_handoff_replies,
       100 * coalesce(d.dm_handoff_replies, 0)::DOUBLE / nullif(r.replies_to_mentions, 0) AS dm_handoff_pct,
       bq.median AS median_business_response_minutes,
       bq.p90__lo AS p90_business_response_minutes__lo,
       bq.p90__hi AS p90_business_response_minutes__hi,
       bq.p90__frac AS p90_business_response_minutes__frac
FROM s
LEFT JOIN q USING (sector)
LEFT JOIN d USING (sector)
LEFT JOIN r USING (sector)
LEFT JOIN bq USING (sector);
