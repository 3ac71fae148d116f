-- part_rows: the rows of part $f that stay when it is rewritten (those no staged copy replaces),
-- in tweet id order.
-- Parameters: $f (the part's file name as the archive_rows view gives it).
-- depends: archive_rows, replaced
SELECT * EXCLUDE (filename) FROM archive_rows
WHERE filename = $f AND tweet_id NOT IN (SELECT tweet_id FROM replaced WHERE filename = $f)
ORDER BY tweet_id;
