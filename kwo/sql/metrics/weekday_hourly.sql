-- weekday_hourly: mention tweets per ISO weekday (1 = Monday .. 7 = Sunday) and hour of the
-- day in the report time zone, with answered mention tweets; all 7 x 24 cells are listed.
-- Parameters: none.
-- depends: mention_tweets
WITH cells AS (
    SELECT d.weekday, h.hour
    FROM (SELECT w::INTEGER AS weekday FROM (SELECT unnest(generate_series(1, 7)) AS w)) d
    CROSS JOIN (SELECT h::INTEGER AS hour FROM (SELECT unnest(generate_series(0, 23)) AS h)) h
),
mt AS (
    SELECT weekday, hour, count(*) AS mentions, count(*) FILTER (WHERE answered) AS answered
    FROM mention_tweets GROUP BY weekday, hour
)
SELECT c.weekday, c.hour, coalesce(mt.mentions, 0) AS mentions, coalesce(mt.answered, 0) AS answered
FROM cells c LEFT JOIN mt USING (weekday, hour)
ORDER BY c.weekday, c.hour;
