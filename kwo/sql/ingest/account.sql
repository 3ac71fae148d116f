-- account: per input (its index is _seq >> 40, kwo.ingest.staging.FILE_SHIFT) the collected
-- tweets written, the duplicates, and the context rows written.
-- Parameters: none.
-- depends: staged_outcome
SELECT _seq >> 40 AS idx,
       count(*) FILTER (WHERE collected AND written) AS tweets_written,
       count(*) FILTER (WHERE collected AND NOT written) AS duplicates,
       count(*) FILTER (WHERE NOT collected AND written) AS context_written
FROM staged_outcome GROUP BY ALL;
