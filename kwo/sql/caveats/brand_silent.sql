-- brand_silent: roster brands that are mentioned in the period but have no collected tweet of
-- their own anywhere in the archive (own_tweets in brand_counts, whatever their time): their
-- answered % cannot tell "never answers" from "its replies were not collected".
-- Columns: handle, mentions (the brand's mention pairs of the period), brands_with_tweets (roster
-- brands with a collected tweet of their own: none means the collection holds no brand's tweets).
-- Ordered by mentions (most first), then handle.
-- Parameters: none.
-- depends: brand_counts, brands
SELECT b.handle, n.mention_pairs AS mentions,
       (SELECT count(*) FROM brand_counts WHERE own_tweets > 0) AS brands_with_tweets
FROM brand_counts n JOIN brands b USING (brand_key)
WHERE n.mention_pairs > 0 AND n.own_tweets = 0
ORDER BY n.mention_pairs DESC, b.handle;
