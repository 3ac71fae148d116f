-- agents (staffing): the distinct signatures (agents) under each brand's replies of the period per
-- clock hour (UTC), for the staffing figures (kwo.staffing_report): the agents seen in that hour.
--   brand_key, cell (0 = Monday 00h .. 167), agents: summed over the period's hours of that weekday-hour
-- (staffing_hours: each UTC hour of the period, hours since 1970, and its weekday-hour in the
-- report time zone; an hour outside the period finds no row there)
-- The hour is integer arithmetic on epoch microseconds, shifted by a million days so that the
-- division floors before 1970 too (as in tweet_hours.sql): date_diff('hour', ...) gave the same
-- hours at three times the cost (1.5M pairs: 0.33 s against 0.12 s).
-- Parameters: none.
-- depends: reply_signatures, staffing_hours, kwo_epoch_us
WITH per_hour AS (
    SELECT brand_key, (kwo_epoch_us(created_at) + 86400000000000000) // 3600000000 - 24000000 AS utc_hour,
           count(DISTINCT signature) AS n
    FROM reply_signatures
    GROUP BY brand_key, (kwo_epoch_us(created_at) + 86400000000000000) // 3600000000 - 24000000
)
SELECT p.brand_key, h.cell, sum(p.n) AS agents
FROM per_hour p JOIN staffing_hours h ON h.utc_hour = p.utc_hour
GROUP BY p.brand_key, h.cell
ORDER BY p.brand_key, h.cell;
