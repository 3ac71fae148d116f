-- anonymised_handles: brands whose replies go mostly to tweets that mention a numeric handle and
-- are counted as proactive. twcs replaces every account but the tracked support handles by a
-- number, also in the text ("@116072 your service ..."), so a customer who tags the brand's main
-- account tags a number, and the support account's answer looks proactive.
-- Per brand with at least $min_brand_replies replies whose parent is in the archive (to_mention,
-- proactive, to_self), a row when more than $anonymised_handles_pct percent of those are
-- proactive replies to a tweet that mentions a handle of digits only. top_handle is the numeric
-- handle those parents mention most (on a tie the smallest), top_replies how many of
-- the replies go to a tweet mentioning it.
-- Only brands whose proactive share alone exceeds the threshold can qualify, so parents are
-- looked up for those brands' proactive replies only: on most archives none, and the join with
-- tweets then has an empty side and reads nothing.
-- Columns: handle, replies, anonymised_replies, anonymised_pct, top_handle, top_replies.
-- Ordered by anonymised replies (most first), then handle.
-- Parameters: $min_brand_replies (BIGINT), $anonymised_handles_pct (DOUBLE).
-- depends: brand_counts, brand_reply_kinds, tweets, kwo_handle, brands
WITH per_brand AS (
    SELECT brand_key, brand_replies - replies_parent_missing AS replies, proactive_replies AS proactive
    FROM brand_counts
),
candidates AS MATERIALIZED (
    SELECT brand_key, replies FROM per_brand
    WHERE replies > 0 AND replies >= $min_brand_replies::BIGINT
      AND 100.0 * proactive / replies > $anonymised_handles_pct::DOUBLE
),
proactive AS MATERIALIZED (
    SELECT k.tweet_id, k.brand_key, k.in_reply_to_tweet_id AS parent
    FROM brand_reply_kinds k SEMI JOIN candidates c USING (brand_key)
    WHERE k.kind = 'proactive'
),
numeric_mentions AS (
    SELECT DISTINCT parent, handle
    FROM (SELECT t.tweet_id AS parent, kwo_handle(u.m.handle) AS handle  -- lateral: as Spark can
          FROM tweets t SEMI JOIN proactive p ON p.parent = t.tweet_id CROSS JOIN unnest(t.mentions) AS u(m))
    WHERE regexp_full_match(handle, '[0-9]+')
),
replies_to AS (
    SELECT p.brand_key, p.tweet_id, n.handle
    FROM proactive p JOIN numeric_mentions n USING (parent)
),
per_handle AS (
    SELECT brand_key, handle, count(DISTINCT tweet_id) AS replies,
           row_number() OVER (PARTITION BY brand_key ORDER BY count(DISTINCT tweet_id) DESC, handle) AS rank
    FROM replies_to GROUP BY brand_key, handle
),
anonymised AS (
    SELECT brand_key, count(DISTINCT tweet_id) AS anonymised_replies FROM replies_to GROUP BY brand_key
)
SELECT b.handle, c.replies, a.anonymised_replies, 100.0 * a.anonymised_replies / c.replies AS anonymised_pct,
       h.handle AS top_handle, h.replies AS top_replies
FROM candidates c
JOIN anonymised a USING (brand_key)
JOIN per_handle h ON h.brand_key = c.brand_key AND h.rank = 1
JOIN brands b ON b.brand_key = c.brand_key
WHERE 100.0 * a.anonymised_replies / c.replies > $anonymised_handles_pct::DOUBLE
ORDER BY a.anonymised_replies DESC, b.handle;
