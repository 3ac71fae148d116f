-- mention_answers (thread mode, --thread): every mention pair with its earliest answer, where an
-- answer is a collected reply by b anywhere in the same conversation posted at or after the
-- mention (a direct reply always counts, whatever its clock says).
-- The conversation is conversation_id when the archive has it (v2); otherwise the root reached
-- by following in_reply_to_tweet_id upwards through the archive (a recursive walk): the first
-- tweet without a parent, or the id of the first parent that is not in the archive, so that
-- replies to the same missing tweet still share a conversation. The walk stops at 1,000 steps
-- (a guard against reply cycles in corrupt data; a direct reply counts whatever the walk found).
-- Depends on: tweets, mentions, brand_replies.
-- Parameters: $window_ms (BIGINT or NULL for no window).
CREATE OR REPLACE TEMP TABLE mention_answers AS
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
),
roots AS (
    SELECT tweet_id,
           arg_max(coalesce(conv, parent, cur), depth) AS root
    FROM walk
    GROUP BY tweet_id
),
mention_roots AS (
    SELECT m.tweet_id, m.brand_key, m.created_at, r.root FROM mentions m JOIN roots r USING (tweet_id)
),
reply_roots AS (
    SELECT b.*, r.root FROM brand_replies b JOIN roots r USING (tweet_id)
),
candidates AS (
    -- direct replies (always an answer, even where the walk could not settle a root)
    SELECT m.tweet_id, m.brand_key, r.created_at
    FROM mentions m JOIN brand_replies r
      ON r.in_reply_to_tweet_id = m.tweet_id AND r.brand_key = m.brand_key
    UNION ALL
    -- replies later in the same conversation
    SELECT m.tweet_id, m.brand_key, r.created_at
    FROM mention_roots m JOIN reply_roots r
      ON r.root = m.root AND r.brand_key = m.brand_key
     AND r.created_at >= m.created_at AND r.tweet_id <> m.tweet_id
),
first_answers AS (
    SELECT c.tweet_id, c.brand_key, min(c.created_at) AS first_reply_at
    FROM candidates c JOIN mentions m USING (tweet_id, brand_key)
    WHERE $window_ms::BIGINT IS NULL OR epoch_ms(c.created_at) - epoch_ms(m.created_at) <= $window_ms::BIGINT
    GROUP BY c.tweet_id, c.brand_key
)
SELECT m.tweet_id, m.brand_key, m.created_at,
       f.first_reply_at,
       (epoch_ms(f.first_reply_at) - epoch_ms(m.created_at)) / 60000.0 AS response_minutes
FROM mentions m
LEFT JOIN first_answers f USING (tweet_id, brand_key);
