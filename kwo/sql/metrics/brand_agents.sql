-- brand_agents: per brand, its agents: the distinct signatures under its replies of the period
-- (reply_signatures), one row each.
--   handle                   the brand
--   agent                    the signature as written ('^AB', '-Sanne')
--   replies                  the brand's replies of the period with that signature
--   replies_to_mentions      ... of them, replies to a mention of the brand (kind to_mention)
--   median_response_minutes  over its replies to mention pairs of the period: the reply's time
--                            minus the mention's (every such reply, not only the first answer)
--   hours_active             distinct clock hours (date and hour) with at least one of its replies
-- Ordered by brand handle, then replies (most first), then agent.
-- Hours and milliseconds are integer arithmetic on epoch_us/epoch_ms, as in mention_answers.sql
-- (the hour shifted by a million days to floor before 1970 as well): date_trunc and date_diff
-- over TIMESTAMPTZ go through the ICU calendar, twice as slow here.
-- Parameters: none.
-- depends: brands, reply_signatures, brand_reply_kinds, mention_answers, kwo_quantiles, kwo_epoch_us, kwo_epoch_ms
WITH agents AS (
    SELECT brand_key, signature, dense_rank() OVER (ORDER BY brand_key, signature) AS agent_key
    FROM (SELECT DISTINCT brand_key, signature FROM reply_signatures) d
),
counts AS (
    SELECT s.brand_key, s.signature,
           count(*) AS replies,
           count(*) FILTER (WHERE k.kind = 'to_mention') AS replies_to_mentions,
           count(DISTINCT (kwo_epoch_us(s.created_at) + 86400000000000000) // 3600000000) AS hours_active
    FROM reply_signatures s
    -- the kind of each signed reply (the same rows: both hold the brand replies of the period)
    JOIN brand_reply_kinds k ON k.tweet_id = s.tweet_id AND k.brand_key = s.brand_key
    GROUP BY s.brand_key, s.signature
),
vals AS (
    -- the response times per agent, for kwo_quantiles
    SELECT a.agent_key AS g,
           CAST(kwo_epoch_ms(s.created_at) - kwo_epoch_ms(m.created_at) AS DOUBLE) / 60000 AS v
    FROM reply_signatures s
    JOIN mention_answers m ON m.tweet_id = s.in_reply_to_tweet_id AND m.brand_key = s.brand_key
    JOIN agents a ON a.brand_key = s.brand_key AND a.signature = s.signature
),
q AS (SELECT g AS agent_key, median FROM kwo_quantiles('vals'))
SELECT b.handle, c.signature AS agent, c.replies, c.replies_to_mentions,
       q.median AS median_response_minutes, c.hours_active
FROM counts c
JOIN agents a ON a.brand_key = c.brand_key AND a.signature = c.signature
JOIN brands b ON b.brand_key = c.brand_key
LEFT JOIN q ON q.agent_key = a.agent_key
ORDER BY b.handle, c.replies DESC, c.signature;
