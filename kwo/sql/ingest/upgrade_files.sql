-- upgrade_files: the archive parts that hold collected copies of collected staged tweets; only
-- their texts are read to find copies a staged one completes (upgrade_candidates is a view over
-- just those parts).
-- Parameters: none.
-- depends: existing, best
SELECT DISTINCT e.filename FROM existing e JOIN best b ON b.tweet_id = e.tweet_id
WHERE e.collected AND b.collected ORDER BY 1;
