-- span (staffing): the first and the last clock hour (UTC, hours since 1970) with a collected tweet:
-- the period of the staffing figures when no --since/--until is given (the archive's coverage).
-- Parameters: none.
-- depends: tweet_hours
SELECT min(utc_hour) AS first_hour, max(utc_hour) AS last_hour FROM tweet_hours;
