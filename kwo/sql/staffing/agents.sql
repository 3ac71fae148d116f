-- agents (staffing): the distinct signatures (agents) under each brand's replies of the period per
-- clock hour (UTC), for the staffing figures (kwo.staffing_report): the agents seen in that hour.
--   brand_key, cell (0 = Monday 00h .. 167), agents: summed over the period's hours of that weekday-hour
-- (staffing_hours: each UTC hour of the period, hours since 1970, and its weekday-hour in the
-- report time zone; an hour outside the period finds no row there)
-- The hour is counted on the UTC wall clock (the report sets the session time zone to UTC):
-- date_diff over TIMESTAMPTZ goes through the ICU calendar, two to three times slower.
-- Parameters: none.
-- depends: reply_signatures, staffing_hours
WITH per_hour AS (
    SELECT brand_key, date_diff('hour', TIMESTAMP '1970-01-01 00:00:00', CAST(created_at AS TIMESTAMP)) AS utc_hour,
           count(DISTINCT signature) AS n
    FROM reply_signatures
    GROUP BY brand_key, date_diff('hour', TIMESTAMP '1970-01-01 00:00:00', CAST(created_at AS TIMESTAMP))
)
SELECT p.brand_key, h.cell, sum(p.n) AS agents
FROM per_hour p JOIN staffing_hours h ON h.utc_hour = p.utc_hour
GROUP BY p.brand_key, h.cell
ORDER BY p.brand_key, h.cell;
