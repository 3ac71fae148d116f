-- coverage: what the archive holds, whatever the period: the first and last collected tweet and
-- the first and last mention tweet of the period, as wall-clock time in the report time zone $tz
-- ('YYYY-MM-DD HH:MM'), and the collected and context (only seen embedded) tweets.
-- The collected tweets come from tweet_hours (one scan for the whole coverage); min and max of
-- the mention times are taken over microseconds, which DuckDB aggregates faster than timestamps.
-- Parameters: $tz.
-- depends: tweet_hours, tweets, mention_tweets, kwo_epoch_us, kwo_timestamp_us, kwo_timestamptz_us
WITH t AS (
    SELECT kwo_timestamptz_us(min(first_us)) AS first_tweet, kwo_timestamptz_us(max(last_us)) AS last_tweet,
           coalesce(sum(tweets), 0)::BIGINT AS collected_tweets,
           (SELECT count(*) FROM tweets WHERE NOT collected) AS context_tweets
    FROM tweet_hours
),
m AS (
    SELECT kwo_timestamp_us(min(kwo_epoch_us(local_time))) AS first_mention,
           kwo_timestamp_us(max(kwo_epoch_us(local_time))) AS last_mention
    FROM mention_tweets
)
SELECT strftime(t.first_tweet AT TIME ZONE $tz, '%Y-%m-%d %H:%M') AS first_tweet,
       strftime(t.last_tweet AT TIME ZONE $tz, '%Y-%m-%d %H:%M') AS last_tweet,
       strftime(m.first_mention, '%Y-%m-%d %H:%M') AS first_mention,
       strftime(m.last_mention, '%Y-%m-%d %H:%M') AS last_mention,
       t.collected_tweets, t.context_tweets
FROM t, m;
