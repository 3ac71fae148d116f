-- kwo_quantiles (macro over vals, for report tables held in memory): the median and p90 per group
-- of a table of values, columns (g, v), computed by DuckDB's quantile_cont. It keeps a group's
-- values in memory (it cannot spill), which tables that fit in memory can afford, and is several
-- times faster than the spill-safe macro of kwo_quantiles.spill_safe.sql, whose values it equals bit
-- for bit (tests/test_spill_safe_quantiles.py). The columns are the spill-safe macro's: p90 comes
-- as p90__lo = p90__hi = the p90 and p90__frac = 0, which kwo.engine.duckdb_sql.run_query reads as that value.
-- Returns one row per group g: g, median, p90__lo, p90__hi, p90__frac.
-- Used by: brands, hourly, sectors, response_summary. Parameters: none.
-- provides: kwo_quantiles
-- when: quantiles=in_memory
-- depends: none
CREATE OR REPLACE TEMP MACRO kwo_quantiles(vals) AS TABLE
WITH q AS (
    SELECT g, quantile_cont(v, [0.5, 0.9]) AS q FROM query_table(vals) GROUP BY g
)
SELECT g, q[1] AS median, q[2] AS p90__lo, q[2] AS p90__hi, 0.0::DOUBLE AS p90__frac
FROM q;
