-- kwo_quantiles (macro over vals): the median and p90 per group of a table of values, columns
-- (g, v), as DuckDB's quantile_cont gives them, but spill-safe: quantile_cont holds every value in
-- memory, while the GROUP BY (g, v) here is a hash aggregate, which spills, and the running count
-- over the (far fewer) distinct values gives each value its positions [upto - c, upto) in the
-- group's sorted list. The values at quantile_cont's positions floor(h) and ceil(h),
-- h = (n - 1) * q, are picked out. The median of an even group is (lo + hi) / 2, what DuckDB's
-- quantile_cont gives bit for bit (tests/test_spill_safe_quantiles.py pins it); lo + (hi - lo) *
-- 0.5, its formula for other fractions, differs from it in the last bit for a quarter of pairs. p90 comes back as its neighbours and fraction (p90__lo, p90__hi,
-- p90__frac), which kwo.engine.duckdb_sql.run_query (and kwo.engine.spark) interpolates with DuckDB
-- itself (the fraction is not a constant of a query). Never percentile_approx (issue 17).
-- Portable: Spark runs this text too (its engine puts it in place of each kwo_quantiles('vals'),
-- as Spark has no table macros), so the steps are nested subqueries, not a WITH inside the
-- caller's, and max/bool_or stand for any_value.
-- Returns one row per group g: g, median, p90__lo, p90__hi, p90__frac.
-- The report defines this macro on Spark, and on DuckDB for archives whose tables go to a scratch
-- database file (too large for memory, kwo.engine.duckdb.wants_scratch); otherwise
-- kwo_quantiles.in_memory.sql's, which gives the same values with quantile_cont itself.
-- Used by: brands, hourly, sectors, response_summary. Parameters: none.
-- provides: kwo_quantiles
-- when: quantiles=spill_safe
-- depends: none
CREATE OR REPLACE TEMP MACRO kwo_quantiles(vals) AS TABLE
SELECT g,
       CASE WHEN odd THEN med_lo ELSE (med_lo + med_hi) / 2 END AS median,
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
) q;
