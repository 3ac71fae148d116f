-- winners: the staged copies to write: ids new to the archive, collected copies of context rows,
-- and complete copies of tweets stored truncated (upgrade).
-- Parameters: none.
-- depends: best, existing, upgraded
CREATE TEMP TABLE winners AS
    SELECT b._seq, b.tweet_id, u.tweet_id IS NOT NULL AS upgrade
    FROM best b LEFT JOIN existing e ON e.tweet_id = b.tweet_id LEFT JOIN upgraded u ON u.tweet_id = b.tweet_id
    WHERE e.tweet_id IS NULL OR (b.collected AND NOT e.collected) OR u.tweet_id IS NOT NULL;
