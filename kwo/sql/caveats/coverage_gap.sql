-- coverage_gap: the runs of consecutive calendar months (report time zone) without a collected
-- tweet, between the first and the last month that has one (tweet_months), within the months of
-- the period ($since, $until: the figures do not depend on months outside it). A gap in the
-- collection: counts over the span miss those months.
-- Columns: first_month, last_month ('YYYY-MM'), months (in the run); span_first, span_last,
-- span_months (the months considered: with tweets at both ends, inside the period).
-- Ordered by first_month.
-- Parameters: $since, $until (TIMESTAMPTZ or NULL), $tz.
-- depends: tweet_months
WITH period AS (
    SELECT date_trunc('month', $since::TIMESTAMPTZ AT TIME ZONE $tz) AS lo,
           date_trunc('month', ($until::TIMESTAMPTZ - INTERVAL 1 MICROSECOND) AT TIME ZONE $tz) AS hi
),
held AS (
    SELECT t.month FROM tweet_months t, period p
    WHERE (p.lo IS NULL OR t.month >= p.lo) AND (p.hi IS NULL OR t.month <= p.hi)
),
bounds AS (
    SELECT min(month) AS lo, max(month) AS hi FROM held
),
span AS (
    SELECT unnest(generate_series(lo, hi, INTERVAL 1 MONTH)) AS month FROM bounds WHERE lo IS NOT NULL
),
empty AS (
    -- consecutive empty months share month index - row number (gaps and islands)
    SELECT month, date_diff('month', TIMESTAMP '2000-01-01', month) - row_number() OVER (ORDER BY month) AS run
    FROM span ANTI JOIN held USING (month)
)
SELECT strftime(min(e.month), '%Y-%m') AS first_month,
       strftime(max(e.month), '%Y-%m') AS last_month,
       count(*) AS months,
       strftime(any_value(b.lo), '%Y-%m') AS span_first,
       strftime(any_value(b.hi), '%Y-%m') AS span_last,
       any_value(date_diff('month', b.lo, b.hi)) + 1 AS span_months
FROM empty e, bounds b
GROUP BY e.run
ORDER BY first_month;
