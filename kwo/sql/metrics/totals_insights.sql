-- totals_insights: the headline figures beyond KWO16 (added to totals.sql's by kwo.metrics.build).
--   question_tweets         distinct mention tweets that are questions (mention_questions)
--   questions_answered      ... with at least one answered pair
--   questions_answered_pct  their share (NULL without questions)
--   dm_handoff_replies      distinct brand replies to mentions that hand off to a private channel
--   dm_handoff_pct          their share of the distinct brand replies to mentions
-- Parameters: none.
-- depends: mention_questions, dm_handoffs, brand_reply_kinds
WITH qt AS (
    SELECT tweet_id, bool_or(answered) AS answered FROM mention_questions GROUP BY tweet_id
),
q AS (
    SELECT count(*) AS question_tweets, count(*) FILTER (WHERE answered) AS questions_answered FROM qt
),
d AS (SELECT count(DISTINCT tweet_id) AS dm_handoff_replies FROM dm_handoffs),
r AS (SELECT count(DISTINCT tweet_id) AS replies_to_mentions FROM brand_reply_kinds WHERE kind = 'to_mention')
SELECT q.question_tweets, q.questions_answered,
       100 * q.questions_answered::DOUBLE / nullif(q.question_tweets, 0) AS questions_answered_pct,
       d.dm_handoff_replies,
       100 * d.dm_handoff_replies::DOUBLE / nullif(r.replies_to_mentions, 0) AS dm_handoff_pct
FROM q, d, r;
