-- new_rows: the rows to write as new parts, with their month. created_at order keeps each month
-- contiguous and row groups in time order (period filters skip them by their statistics).
-- Parameters: none.
-- depends: staged, winners
CREATE TEMP VIEW new_rows AS
    SELECT s.* EXCLUDE (_seq), strftime(s.created_at AT TIME ZONE 'UTC', '%Y-%m') AS month
    FROM staged s SEMI JOIN winners w ON w._seq = s._seq
    ORDER BY s.created_at, s.tweet_id;
