-- response_times: mention pairs by response-time bucket (the guideline buckets of the
-- "Stand van Webcare" survey): <=30 min, <=1 h, <=4 h, <=8 h, <=24 h, <=48 h, >48 h, unanswered.
-- Bounds are inclusive (a reply after exactly 60 minutes is in "<=1 h"). pct is of all pairs,
-- answered_pct of answered pairs (NULL for "unanswered"); the counts add up to mention_pairs.
-- Parameters: none.
-- depends: mention_answers
WITH buckets(ord, bucket, upper_minutes) AS (
    VALUES (1, '<=30 min', 30.0), (2, '<=1 h', 60.0), (3, '<=4 h', 240.0), (4, '<=8 h', 480.0),
           (5, '<=24 h', 1440.0), (6, '<=48 h', 2880.0), (7, '>48 h', NULL), (8, 'unanswered', NULL)
),
pairs AS (
    SELECT CASE
               WHEN response_minutes IS NULL THEN 8
               WHEN response_minutes <= 30 THEN 1
               WHEN response_minutes <= 60 THEN 2
               WHEN response_minutes <= 240 THEN 3
               WHEN response_minutes <= 480 THEN 4
               WHEN response_minutes <= 1440 THEN 5
               WHEN response_minutes <= 2880 THEN 6
               ELSE 7
           END AS ord
    FROM mention_answers
),
counts AS (SELECT ord, count(*) AS n FROM pairs GROUP BY ord),
tot AS (
    SELECT count(*) AS pairs, count(*) FILTER (WHERE ord < 8) AS answered FROM pairs
)
SELECT b.bucket,
       coalesce(c.n, 0) AS count,
       100.0 * coalesce(c.n, 0) / nullif(tot.pairs, 0) AS pct,
       CASE WHEN b.ord < 8 THEN 100.0 * coalesce(c.n, 0) / nullif(tot.answered, 0) END AS answered_pct
FROM buckets b CROSS JOIN tot LEFT JOIN counts c ON c.ord = b.ord
ORDER BY b.ord;
