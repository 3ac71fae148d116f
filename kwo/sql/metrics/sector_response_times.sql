-- sector_response_times: the response-time buckets of response_times.sql per sector: mention
-- pairs of the sector's brands by bucket (<=30 min, <=1 h, <=4 h, <=8 h, <=24 h, <=48 h, >48 h,
-- unanswered; bounds inclusive) and their share of the sector's pairs. Every sector with
-- mention pairs has all eight rows; a pair belongs to one brand and so to one sector, so the
-- counts of a bucket add up over the sectors to its count in response_times.
-- Ordered like sectors.sql (mention pairs, most first; then sector), then by bucket.
-- Parameters: none.
-- depends: mention_bands, response_bands, brands
WITH pairs AS (SELECT b.sector, m.ord FROM mention_bands m JOIN brands b USING (brand_key)),
sectors AS (SELECT sector, count(*) AS pairs FROM pairs GROUP BY sector),
counts AS (SELECT sector, ord, count(*) AS n FROM pairs GROUP BY sector, ord)
SELECT s.sector, b.bucket,
       coalesce(c.n, 0) AS count,
       100.0 * coalesce(c.n, 0) / s.pairs AS pct
FROM sectors s CROSS JOIN response_bands b
LEFT JOIN counts c ON c.sector = s.sector AND c.ord = b.ord
ORDER BY s.pairs DESC, s.sector, b.ord;
