-- weekday_hourly: mention tweets per ISO weekday (1 = Monday .. 7 = Sunday) and hour of the
-- day in the report time zone, with answered mention tweets; all 7 x 24 cells are listed.
-- Parameters: none.
-- depends: mention_tweets
WITH cells AS (
    SELECT d.range::INTEGER AS weekday, h.range::INTEGER AS hour
    FROM range(1, 8) d CROSS JOIN range(24) h
),
mt AS (
    SELECT weekday, hour, count(*) AS mentions, count(*) FILTER (WHERE answered) AS answered
    FROM mention_tweets GROUP BY weekday, hour
)
SELECT c.weekday, c.hour, coalesce(mt.mentions, 0) AS mentions, coalesce(mt.answered, 0) AS answered
FROM cells c LEFT JOIN mt USING (weekday, hour)
ORDER BY c.weekday, c.hour;
