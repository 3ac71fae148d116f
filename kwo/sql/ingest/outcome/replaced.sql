-- replaced: the archive rows that staged copies replace (context rows by collected copies,
-- truncated copies by complete ones), with the part file of each.
-- Parameters: none.
-- depends: existing, best, upgraded
CREATE TEMP TABLE replaced AS
    SELECT e.tweet_id, e.filename FROM existing e JOIN best b ON b.tweet_id = e.tweet_id
    WHERE b.collected AND NOT e.collected
    UNION ALL
    SELECT tweet_id, filename FROM upgraded;
