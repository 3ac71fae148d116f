-- best: the staged copy that wins for each staged tweet id, on narrow keys (full rows are read
-- once, when written). Among the copies of an id: collected beats context, then the first staged
-- (lowest _seq); may_complete marks ids with two collected copies, of which a later one may
-- complete a truncated first one (best_completed).
-- Parameters: none.
-- depends: staged
CREATE TEMP TABLE best AS
    SELECT tweet_id,
           coalesce(min(_seq) FILTER (WHERE collected), min(_seq)) AS _seq,
           bool_or(collected) AS collected,
           count(*) FILTER (WHERE collected) > 1 AS may_complete
    FROM staged GROUP BY tweet_id;
