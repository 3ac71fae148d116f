-- most_mentioned_handles: the handles that the collected tweets of the archive (not retweets)
-- mention most, at most $limit, with the number of tweets mentioning each; for the error that no
-- brand of the roster occurs in the archive (a typo in the roster is then easy to spot). Only
-- handles as Twitter spells them (letters, digits and _) are listed: the list goes to a terminal.
-- Ordered by tweets (most first), then handle.
-- Parameters: $limit.
-- depends: tweets, kwo_handle
WITH m AS (
    SELECT tweet_id, kwo_handle(unnest(mentions).handle) AS handle
    FROM tweets
    WHERE collected AND NOT coalesce(is_retweet, false) AND array_length(mentions) > 0
)
SELECT handle, count(DISTINCT tweet_id) AS tweets
FROM m
WHERE regexp_full_match(handle, '[a-z0-9_]{1,50}')
GROUP BY handle
ORDER BY tweets DESC, handle
LIMIT $limit;
