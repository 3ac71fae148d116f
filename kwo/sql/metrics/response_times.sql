-- response_times: mention pairs by response-time bucket (the guideline buckets of the
-- "Stand van Webcare" survey): <=30 min, <=1 h, <=4 h, <=8 h, <=24 h, <=48 h, >48 h, unanswered.
-- Bounds are inclusive (a reply after exactly 60 minutes is in "<=1 h"). pct is of all pairs,
-- answered_pct of answered pairs (NULL for "unanswered"); the counts add up to mention_pairs.
-- Parameters: none.
-- depends: mention_bands, response_bands
WITH pairs AS (SELECT ord FROM mention_bands),
counts AS (SELECT ord, count(*) AS n FROM pairs GROUP BY ord),
tot AS (
    SELECT count(*) AS pairs, count(*) FILTER (WHERE ord < 8) AS answered FROM pairs
)
SELECT b.bucket,
       coalesce(c.n, 0) AS count,
       100.0 * coalesce(c.n, 0) / nullif(tot.pairs, 0) AS pct,
       CASE WHEN b.ord < 8 THEN 100.0 * coalesce(c.n, 0) / nullif(tot.answered, 0) END AS answered_pct
FROM response_bands b CROSS JOIN tot LEFT JOIN counts c ON c.ord = b.ord
ORDER BY b.ord;
