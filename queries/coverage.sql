-- coverage: what the archive holds, whatever the period: the first and last collected tweet and
-- the first and last mention tweet of the period, as wall-clock time in the report time zone $tz
-- ('YYYY-MM-DD HH:MM'), and the collected and context (only seen embedded) tweets.
-- Depends on: tweets, mention_tweets. Parameters: $tz.
WITH t AS (
    SELECT min(created_at) FILTER (WHERE collected) AS first_tweet,
           max(created_at) FILTER (WHERE collected) AS last_tweet,
           count(*) FILTER (WHERE collected) AS collected_tweets,
           count(*) FILTER (WHERE NOT collected) AS context_tweets
    FROM tweets
),
m AS (SELECT min(local_time) AS first_mention, max(local_time) AS last_mention FROM mention_tweets)
SELECT strftime(timezone($tz, t.first_tweet), '%Y-%m-%d %H:%M') AS first_tweet,
       strftime(timezone($tz, t.last_tweet), '%Y-%m-%d %H:%M') AS last_tweet,
       strftime(m.first_mention, '%Y-%m-%d %H:%M') AS first_mention,
       strftime(m.last_mention, '%Y-%m-%d %H:%M') AS last_mention,
       t.collected_tweets, t.context_tweets
FROM t, m;
