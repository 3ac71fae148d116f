-- brand_insights: the columns of the per-brand table (brands.sql) beyond KWO16, one row per roster
-- brand, joined to it by handle (kwo.metrics.registry: the brands metric's `more`).
--   question_tweets, questions_answered, questions_answered_pct
--                             the brand's mention pairs whose tweet is a question (mention_questions),
--                             the answered ones, and their share (NULL without questions)
--   dm_handoff_replies, dm_handoff_pct
--                             its replies to mentions that move the conversation to a private
--                             channel (dm_handoffs), and their share of its replies to mentions
--                             (brand_counts.replies_to_mentions; NULL without replies to mentions)
--   median/p90_business_response_minutes
--                             over its answered pairs, counting only the minutes it was open
--                             (business_answers); NULL for a brand without hours in the roster
-- Parameters: none.
-- depends: brands, brand_counts, mention_questions, dm_handoffs, business_answers, kwo_quantiles
WITH q AS (
    SELECT brand_key, count(*) AS question_tweets, count(*) FILTER (WHERE answered) AS questions_answered
    FROM mention_questions GROUP BY brand_key
),
d AS (
    SELECT brand_key, count(*) AS dm_handoff_replies FROM dm_handoffs GROUP BY brand_key
),
vals AS (SELECT brand_key AS g, business_minutes AS v FROM business_answers),
bq AS (SELECT g AS brand_key, * EXCLUDE (g) FROM kwo_quantiles('vals'))
SELECT b.handle,
       coalesce(q.question_tweets, 0) AS question_tweets,
       coalesce(q.questions_answered, 0) AS questions_answered,
       100 * q.questions_answered::DOUBLE / nullif(q.question_tweets, 0) AS questions_answered_pct,
       coalesce(d.dm_handoff_replies, 0) AS dm_handoff_replies,
       100 * coalesce(d.dm_handoff_replies, 0)::DOUBLE / nullif(n.replies_to_mentions, 0) AS dm_handoff_pct,
       bq.median AS median_business_response_minutes,
       bq.p90__lo AS p90_business_response_minutes__lo,
       bq.p90__hi AS p90_business_response_minutes__hi,
       bq.p90__frac AS p90_business_response_minutes__frac
FROM brands b
JOIN brand_counts n USING (brand_key)
LEFT JOIN q USING (brand_key)
LEFT JOIN d USING (brand_key)
LEFT JOIN bq USING (brand_key);
