-- mention_answers (thread mode, --thread): every mention pair with its earliest answer, where an
-- answer is a collected reply by b anywhere in the same conversation (conversation_roots) posted
-- at or after the mention; a direct reply always counts, whatever its clock says or wherever the
-- walk up the reply chain ended. local_time (report time zone) and several (the tweet may have
-- other pairs) come from mentions.
-- Parameters: $window_ms (BIGINT or NULL for no window).
-- when: mode=thread
-- depends: mentions, brand_replies, conversation_roots, kwo_epoch_ms
CREATE OR REPLACE TABLE mention_answers AS
WITH mention_roots AS (
    SELECT m.tweet_id, m.brand_key, m.created_at, r.root
    FROM mentions m JOIN conversation_roots r USING (tweet_id)
),
reply_roots AS (
    SELECT b.tweet_id, b.brand_key, b.created_at, r.root
    FROM brand_replies b JOIN conversation_roots r USING (tweet_id)
),
candidates AS (
    -- direct replies
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
    WHERE $window_ms::BIGINT IS NULL OR kwo_epoch_ms(c.created_at) - kwo_epoch_ms(m.created_at) <= $window_ms::BIGINT
    GROUP BY c.tweet_id, c.brand_key
)
SELECT m.tweet_id, m.brand_key, m.created_at, m.local_time,
       f.first_reply_at,
       (kwo_epoch_ms(f.first_reply_at) - kwo_epoch_ms(m.created_at)) / 60000.0 AS response_minutes,
       m.several
FROM mentions m
LEFT JOIN first_answers f USING (tweet_id, brand_key);
