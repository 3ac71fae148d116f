-- kwo_quantiles (Spark's text; a table macro over vals, columns (g, v): Spark has none, so
-- kwo.engine.spark puts its text in place of each kwo_quantiles('vals')): the median and p90 per
-- group g as DuckDB's quantile_cont gives them. One text serves both alternatives of the shared
-- files (in_memory and spill_safe: Spark spills either way). The same positions as
-- kwo/sql/tables/kwo_quantiles.spill_safe.sql: the values at floor(h) and ceil(h) of
-- the group's sorted values, h = (n - 1) * q, from running counts over the distinct values. The
-- median is lo + (hi - lo) * 0.5, quantile_cont's own formula (exact whatever the FMA: * 0.5 is
-- exact); p90 comes as its neighbours and fraction, which kwo.engine.spark interpolates with
-- DuckDB itself. Never percentile_approx (other medians for half the brands, issue 17).
-- Returns one row per group g: g, median, p90__lo, p90__hi, p90__frac.
-- Parameters: none.
-- provides: kwo_quantiles
-- depends: none
CREATE OR REPLACE TEMP MACRO kwo_quantiles(vals) AS TABLE
SELECT g,
       CASE WHEN odd THEN med_lo ELSE med_lo + (med_hi - med_lo) * 0.5 END AS median,
       p90_lo AS p90__lo, p90_hi AS p90__hi, p90_frac AS p90__frac
FROM (
    SELECT g,
           max(v) FILTER (WHERE first <= med_lo AND med_lo < upto) AS med_lo,
           max(v) FILTER (WHERE first <= med_hi AND med_hi < upto) AS med_hi,
           max(v) FILTER (WHERE first <= floor(h90) AND floor(h90) < upto) AS p90_lo,
           max(v) FILTER (WHERE first <= ceil(h90) AND ceil(h90) < upto) AS p90_hi,
           max(h90 - floor(h90)) AS p90_frac,
           bool_or(n % 2 = 1) AS odd
    FROM (
        SELECT g, v, upto - c AS first, upto, n, (n - 1) // 2 AS med_lo, n // 2 AS med_hi,
               CAST(n - 1 AS DOUBLE) * CAST(0.9 AS DOUBLE) AS h90
        FROM (
            SELECT g, v, c,
                   sum(c) OVER (PARTITION BY g ORDER BY v ROWS UNBOUNDED PRECEDING) AS upto,
                   sum(c) OVER (PARTITION BY g) AS n
            FROM (SELECT g, v, count(*) AS c FROM query_table(vals) GROUP BY g, v) counted
        ) ranked
    ) pos
    GROUP BY g
) q
