-- conversation_roots (thread mode only): the conversation of every mention tweet and brand reply.
-- The conversation is conversation_id when the archive has it (v2); otherwise the root reached
-- by following in_reply_to_tweet_id upwards through the archive (a recursive walk): the first
-- tweet without a parent, or the id of the first parent that is not in the archive, so that
-- replies to the same missing tweet still share a conversation. The walk stops at 1,000 steps
-- (a guard against reply cycles in corrupt data).
-- A table of its own (not a CTE of mention_answers) so that the join that follows is planned
-- on real cardinalities: inlined, DuckDB's estimate for the recursive part made it run for minutes.
-- Parameters: none.
-- when: mode=thread
-- depends: tweets, mentions, brand_replies
CREATE OR REPLACE TABLE conversation_roots AS
WITH RECURSIVE
links AS (
    SELECT tweet_id, in_reply_to_tweet_id AS parent, conversation_id FROM tweets
),
start AS (
    SELECT l.* FROM links l
    SEMI JOIN (SELECT tweet_id FROM mentions UNION SELECT tweet_id FROM brand_replies) s
           ON s.tweet_id = l.tweet_id
),
walk(tweet_id, cur, parent, conv, depth) AS (
    SELECT tweet_id, tweet_id, parent, conversation_id, 0 FROM start
    UNION ALL
    SELECT w.tweet_id, w.parent, l.parent, l.conversation_id, w.depth + 1
    FROM walk w JOIN links l ON l.tweet_id = w.parent
    WHERE w.conv IS NULL AND w.parent IS NOT NULL AND w.depth < 1000
)
SELECT tweet_id, arg_max(coalesce(conv, parent, cur), depth) AS root
FROM walk
GROUP BY tweet_id;
