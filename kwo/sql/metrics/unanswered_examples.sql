-- unanswered_examples: the latest unanswered mention tweets that arrived in hour $hour of the
-- day (report time zone), at most $limit, newest first: tweet id (as text: ids exceed a
-- double's precision), local time 'YYYY-MM-DD HH:MM', the brands mentioned (handles, comma
-- separated) and the tweet text. Examples for the report, not a figure; the author is left out.
-- Parameters: $hour, $limit.
-- depends: mention_tweets, mentions, brands, tweets
WITH picked AS (
    SELECT tweet_id, created_at, local_time
    FROM mention_tweets
    WHERE NOT answered AND hour = $hour
    ORDER BY created_at DESC, tweet_id DESC
    LIMIT $limit
),
named AS (
    SELECT m.tweet_id, string_agg(b.handle, ', ' ORDER BY b.handle) AS brands
    FROM mentions m JOIN brands b USING (brand_key)
    SEMI JOIN picked p ON p.tweet_id = m.tweet_id
    GROUP BY m.tweet_id
)
SELECT p.tweet_id::VARCHAR AS tweet_id,
       strftime(p.local_time, '%Y-%m-%d %H:%M') AS local_time,
       n.brands,
       t.text
FROM picked p
JOIN named n USING (tweet_id)
JOIN tweets t ON t.tweet_id = p.tweet_id AND t.collected
ORDER BY p.created_at DESC, p.tweet_id DESC;
