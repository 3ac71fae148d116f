-- few_mentions: headline figures of the period that rest on fewer than $few_mentions tweets.
-- Overall (handle NULL): the peak hour and the answered % rest on the mention tweets, the median
-- response time on the answered mention pairs; a row when either count is below the threshold
-- (no answered pair at all gives no median, so zero answered is not "few"). Per brand with
-- mentions: its answered % rests on its mention pairs, its median on its answered pairs.
-- Columns: handle (NULL: all brands), mentions (mention tweets overall, mention pairs per brand),
-- answered (answered mention pairs).
-- Ordered: overall first, then the brands by mentions (most first), then handle.
-- Parameters: $few_mentions (BIGINT).
-- depends: mention_tweets, brand_counts, brands
WITH overall AS (
    -- a pair belongs to one brand: the answered pairs of all brands add up
    SELECT (SELECT count(*) FROM mention_tweets) AS mentions, sum(answered_pairs)::BIGINT AS answered
    FROM brand_counts
),
candidates AS (
    SELECT NULL::VARCHAR AS handle, mentions, answered, 0 AS ord FROM overall
    UNION ALL
    SELECT b.handle, n.mention_pairs, n.answered_pairs, 1 AS ord
    FROM brand_counts n JOIN brands b USING (brand_key)
    WHERE n.mention_pairs > 0
)
SELECT handle, mentions, answered
FROM candidates
WHERE mentions < $few_mentions::BIGINT OR (answered > 0 AND answered < $few_mentions::BIGINT)
ORDER BY ord, mentions DESC, handle;
