-- peak_hour: the hour of the day (0-23, report time zone) with the most mention tweets; the
-- earlier hour wins a tie. No row when there are no mentions.
-- Parameters: none.
-- depends: mention_tweets
SELECT hour, count(*) AS mentions
FROM mention_tweets
GROUP BY hour
ORDER BY mentions DESC, hour ASC
LIMIT 1;
