-- totals_insights: the headline figures beyond KWO16 (added to totals.sql's by kwo.metrics.build).
--   question_tweets         distinct mention tweets that are questions (mention_questions)
--   questions_answered      ... with at least one answered pair
--   questions_answered_pct  their share (NULL without questions)
--   dm_handoff_replies      distinct brand replies to mentions that hand off to a private channel
--   dm_handoff_pct          their share of the distinct brand replies to mentions
--   median/p90_business_response_minutes  over the answered pairs of brands with opening hours,
--                           counting only the minutes the brand was open (business_answers)
-- Parameters: none.
-- depends: mention_questions, dm_handoffs, brand_reply_kinds, business_answers, kwo_quantiles
-- a pair or reply that is its tweet's only one (NOT several: nearly all) is counted as it is
WITH qt AS (
    SELECT answered FROM mention_questions WHERE NOT several
    UNION ALL
    SELECT bool_or(answered) AS answered FROM mention_questions WHERE several GROUP BY tweet_id
),
q AS (
    SELECT count(*) AS question_tweets, count(*) FILTER (WHERE answered) AS questions_answered FROM qt
),
d AS (
    SELECT count(*) FILTER (WHERE NOT several) + count(DISTINCT tweet_id) FILTER (WHERE several) AS dm_handoff_replies
    FROM dm_handoffs
),
r AS (
    SELECT count(*) FILTER (WHERE NOT several) + count(DISTINCT tweet_id) FILTER (WHERE several) AS replies_to_mentions
    FROM brand_reply_kinds WHERE kind = 'to_mention'
),
vals AS (SELECT 1 AS g, business_minutes AS v FROM business_answers),
bq AS (SELECT median, p90__lo, p90__hi, p90__frac FROM kwo_quantiles('vals'))
SELECT q.question_tweets, q.questions_answered,
       100 * q.questions_answered::DOUBLE / nullif(q.question_tweets, 0) AS questions_answered_pct,
       d.dm_handoff_replies,
       100 * d.dm_handoff_replies::DOUBLE / nullif(r.replies_to_mentions, 0) AS dm_handoff_pct,
       bq.median AS median_business_response_minutes,
       bq.p90__lo AS p90_business_response_minutes__lo,
       bq.p90__hi AS p90_business_response_minutes__hi,
       bq.p90__frac AS p90_business_response_minutes__frac
FROM q CROSS JOIN d CROSS JOIN r LEFT JOIN bq ON true;
