-- mention_answers (direct mode, the default): every mention pair with its earliest direct reply.
-- A pair (t, b) is answered when a collected tweet by b has in_reply_to_tweet_id = t.tweet_id
-- (and, with a window, was posted at most $window_ms after t). response_minutes is the earliest
-- such reply's time minus the mention's time. local_time (report time zone) and several (the
-- tweet may have other pairs) come from mentions.
-- The earliest reply per (parent, brand) is found first; the window only bounds the answer from
-- above, so when the earliest reply is outside it every later one is too.
-- Parameters: $window_ms (BIGINT or NULL for no window).
-- when: mode=direct
-- depends: mentions, brand_replies, kwo_epoch_ms
CREATE OR REPLACE TABLE mention_answers AS
WITH first_replies AS (
    SELECT in_reply_to_tweet_id AS tweet_id, brand_key, min(created_at) AS first_reply_at
    FROM brand_replies
    GROUP BY in_reply_to_tweet_id, brand_key
),
answered AS (
    SELECT m.tweet_id, m.brand_key, m.created_at, m.local_time, m.several,
           CASE WHEN $window_ms::BIGINT IS NULL
                  OR kwo_epoch_ms(f.first_reply_at) - kwo_epoch_ms(m.created_at) <= $window_ms::BIGINT
                THEN f.first_reply_at END AS first_reply_at
    FROM mentions m
    LEFT JOIN first_replies f USING (tweet_id, brand_key)
)
SELECT tweet_id, brand_key, created_at, local_time, first_reply_at,
       (kwo_epoch_ms(first_reply_at) - kwo_epoch_ms(created_at)) / 60000.0 AS response_minutes, several
FROM answered;
