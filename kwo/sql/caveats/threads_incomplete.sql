-- threads_incomplete: where more than $threads_incomplete_pct percent of the brand replies of the
-- period reply to a tweet that is not in the archive (kind parent_missing in brand_reply_kinds):
-- overall (handle NULL; distinct reply tweets, as totals.sql counts them) and per brand with at
-- least $min_brand_replies replies (unless its replies are all the replies). The mentions such replies answered were not collected, so
-- the answered % and the proactive replies are lower bounds.
-- Columns: handle (NULL: all brands), brand_replies, parent_missing, parent_missing_pct.
-- Ordered: overall first, then the brands by replies (most first), then handle.
-- Parameters: $threads_incomplete_pct (DOUBLE), $min_brand_replies (BIGINT).
-- depends: brand_reply_kinds, brand_counts, brands
WITH overall AS (
    -- a reply by two roster accounts at once (several) is one reply, as in totals.sql; whether
    -- its parent is in the archive does not depend on the brand
    SELECT count(*) AS brand_replies, count(*) FILTER (WHERE missing) AS parent_missing
    FROM (SELECT kind = 'parent_missing' AS missing FROM brand_reply_kinds WHERE NOT several
          UNION ALL
          SELECT bool_or(kind = 'parent_missing') FROM brand_reply_kinds WHERE several GROUP BY tweet_id)
),
candidates AS (
    SELECT NULL::VARCHAR AS handle, brand_replies, parent_missing, 0 AS ord FROM overall
    WHERE brand_replies > 0
    UNION ALL
    SELECT b.handle, n.brand_replies, n.replies_parent_missing, 1 AS ord
    FROM brand_counts n JOIN brands b USING (brand_key)
    WHERE n.brand_replies > 0 AND n.brand_replies >= $min_brand_replies::BIGINT
      -- a brand with all the replies (a roster of one) is the overall row already
      AND NOT EXISTS (SELECT 1 FROM overall o
                      WHERE o.brand_replies = n.brand_replies AND o.parent_missing = n.replies_parent_missing)
)
SELECT handle, brand_replies, parent_missing, 100.0 * parent_missing / brand_replies AS parent_missing_pct
FROM candidates
WHERE 100.0 * parent_missing / brand_replies > $threads_incomplete_pct::DOUBLE
ORDER BY ord, brand_replies DESC, handle;
