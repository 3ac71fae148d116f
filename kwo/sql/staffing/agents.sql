-- agents (staffing): the distinct signatures (agents) under each brand's replies of the period per
-- clock hour (UTC), for the staffing figures (kwo.staffing_report): the agents seen in that hour.
--   brand_key, cell (0 = Monday 00h .. 167), agents: summed over the period's hours of that weekday-hour
-- (staffing_hours: each UTC hour of the period, hours since 1970, and its weekday-hour in the
-- report time zone; an hour outside the period finds no row there)
-- The hour is the prelude's kwo_utc_hour (integer arithmetic, three times date_diff's speed).
-- Parameters: none.
-- depends: reply_signatures, staffing_hours, kwo_utc_hour
WITH per_hour AS (
    SELECT brand_key, kwo_utc_hour(created_at) AS utc_hour,
           count(DISTINCT signature) AS n
    FROM reply_signatures
    GROUP BY brand_key, kwo_utc_hour(created_at)
)
SELECT p.brand_key, h.cell, sum(p.n) AS agents
FROM per_hour p JOIN staffing_hours h ON h.utc_hour = p.utc_hour
GROUP BY p.brand_key, h.cell
ORDER BY p.brand_key, h.cell;
