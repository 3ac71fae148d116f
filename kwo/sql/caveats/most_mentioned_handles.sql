-- most_mentioned_handles: the handles that the collected tweets of the archive (not retweets)
-- mention most, at most $limit, with the number of tweets mentioning each; for the error that no
-- brand of the roster occurs in the archive (a typo in the roster is then easy to spot). Only
-- handles as Twitter spells them (letters, digits and _) are listed: the list goes to a terminal.
-- Ordered by tweets (most first), then handle.
-- Parameters: $limit.
-- depends: tweets, kwo_handle
WITH m AS (
    SELECT t.tweet_id, kwo_handle(u.m.handle) AS handle
    FROM tweets t CROSS JOIN unnest(t.mentions) AS u(m)  -- a lateral join: Spark has no unnest(l).field
    WHERE t.collected AND NOT coalesce(t.is_retweet, false)
)
SELECT handle, count(DISTINCT tweet_id) AS tweets
FROM m
WHERE regexp_full_match(handle, '[a-z0-9_]{1,50}')
GROUP BY handle
ORDER BY tweets DESC, handle
LIMIT $limit;
