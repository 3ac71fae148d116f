-- mention_answers (direct mode, the default): every mention pair with its earliest direct reply.
-- A pair (t, b) is answered when a collected tweet by b has in_reply_to_tweet_id = t.tweet_id
-- (and, with a window, was posted at most $window_ms after t). response_minutes is the earliest
-- such reply's time minus the mention's time.
-- Depends on: mentions, brand_replies.
-- Parameters: $window_ms (BIGINT or NULL for no window).
CREATE OR REPLACE TEMP TABLE mention_answers AS
SELECT m.tweet_id, m.brand_key, m.created_at,
       min(r.created_at) AS first_reply_at,
       (epoch_ms(min(r.created_at)) - epoch_ms(m.created_at)) / 60000.0 AS response_minutes
FROM mentions m
LEFT JOIN brand_replies r
       ON r.in_reply_to_tweet_id = m.tweet_id
      AND r.brand_key = m.brand_key
      AND ($window_ms::BIGINT IS NULL OR epoch_ms(r.created_at) - epoch_ms(m.created_at) <= $window_ms::BIGINT)
GROUP BY m.tweet_id, m.brand_key, m.created_at;
