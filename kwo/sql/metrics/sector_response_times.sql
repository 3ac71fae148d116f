-- sector_response_times: the response-time buckets of response_times.sql per sector: mention
-- pairs of the sector's brands by bucket (<=30 min, <=1 h, <=4 h, <=8 h, <=24 h, <=48 h, >48 h,
-- unanswered; bounds inclusive) and their share of the sector's pairs. Every sector with
-- mention pairs has all eight rows; a pair belongs to one brand and so to one sector, so the
-- counts of a bucket add up over the sectors to its count in response_times.
-- Ordered like sectors.sql (mention pairs, most first; then sector), then by bucket.
-- Parameters: none.
-- depends: mention_answers, brands
WITH buckets(ord, bucket) AS (
    VALUES (1, '<=30 min'), (2, '<=1 h'), (3, '<=4 h'), (4, '<=8 h'), (5, '<=24 h'), (6, '<=48 h'),
           (7, '>48 h'), (8, 'unanswered')
),
pairs AS (
    SELECT b.sector,
           CASE
               WHEN a.response_minutes IS NULL THEN 8
               WHEN a.response_minutes <= 30 THEN 1
               WHEN a.response_minutes <= 60 THEN 2
               WHEN a.response_minutes <= 240 THEN 3
               WHEN a.response_minutes <= 480 THEN 4
               WHEN a.response_minutes <= 1440 THEN 5
               WHEN a.response_minutes <= 2880 THEN 6
               ELSE 7
           END AS ord
    FROM mention_answers a JOIN brands b USING (brand_key)
),
sectors AS (SELECT sector, count(*) AS pairs FROM pairs GROUP BY sector),
counts AS (SELECT sector, ord, count(*) AS n FROM pairs GROUP BY sector, ord)
SELECT s.sector, b.bucket,
       coalesce(c.n, 0) AS count,
       100.0 * coalesce(c.n, 0) / s.pairs AS pct
FROM sectors s CROSS JOIN buckets b
LEFT JOIN counts c ON c.sector = s.sector AND c.ord = b.ord
ORDER BY s.pairs DESC, s.sector, b.ord;
