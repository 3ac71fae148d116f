-- existing: the archive's copies of the staged tweet ids (the part file of each).
-- Parameters: none.
-- depends: archive_rows, best
CREATE TEMP TABLE existing AS
    SELECT a.tweet_id, a.collected, a.filename
    FROM archive_rows a SEMI JOIN best b ON a.tweet_id = b.tweet_id;
