-- totals: the headline figures of the period.
--   mention_tweets          distinct mention tweets (the KWO headline count)
--   mention_pairs           (tweet, brand) pairs
--   answered                mention tweets with at least one answered pair
--   answered_pct            answered / mention_tweets * 100 (NULL without mentions)
--   answered_pairs          answered (tweet, brand) pairs
--   brands_mentioned        brands with at least one mention
--   brand_replies           collected replies by brands posted in the period
--   replies_to_mentions     ... whose parent mentions the replying brand
--   proactive_replies       ... whose parent is in the archive, not by the brand, not mentioning it
--   replies_parent_missing  ... whose parent is not in the archive (never counted as proactive)
--   replies_to_self         ... whose parent is by the same brand
-- Reply counts are distinct tweets (a reply by two roster accounts at once counts once).
-- Depends on: mention_tweets, mention_answers, brand_reply_kinds. Parameters: none.
SELECT
    (SELECT count(*) FROM mention_tweets) AS mention_tweets,
    (SELECT count(*) FROM mention_answers) AS mention_pairs,
    (SELECT count(*) FILTER (WHERE answered) FROM mention_tweets) AS answered,
    (SELECT 100.0 * count(*) FILTER (WHERE answered) / nullif(count(*), 0) FROM mention_tweets) AS answered_pct,
    (SELECT count(*) FILTER (WHERE first_reply_at IS NOT NULL) FROM mention_answers) AS answered_pairs,
    (SELECT count(DISTINCT brand_key) FROM mention_answers) AS brands_mentioned,
    (SELECT count(DISTINCT tweet_id) FROM brand_reply_kinds) AS brand_replies,
    (SELECT count(DISTINCT tweet_id) FILTER (WHERE kind = 'to_mention') FROM brand_reply_kinds) AS replies_to_mentions,
    (SELECT count(DISTINCT tweet_id) FILTER (WHERE kind = 'proactive') FROM brand_reply_kinds) AS proactive_replies,
    (SELECT count(DISTINCT tweet_id) FILTER (WHERE kind = 'parent_missing') FROM brand_reply_kinds) AS replies_parent_missing,
    (SELECT count(DISTINCT tweet_id) FILTER (WHERE kind = 'to_self') FROM brand_reply_kinds) AS replies_to_self;
