-- staged_outcome: for every staged row, whether it is written as a new tweet. An upgrade is
-- written but is no new tweet: it counts as a duplicate.
-- Parameters: none.
-- depends: staged, winners
CREATE TEMP VIEW staged_outcome AS
    SELECT s._seq, s.collected, (w._seq IS NOT NULL AND NOT w.upgrade) AS written
    FROM staged s LEFT JOIN winners w ON w._seq = s._seq;
