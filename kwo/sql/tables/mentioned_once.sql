-- mentioned (once per pair): deletes the repeated (tweet, brand) rows mentioned.sql leaves
-- for a tweet whose several mentions name the same brand (one by id, another by handle; a handle
-- typed twice), so that `mentioned` holds each pair once. Repeats are whole-row copies (the
-- other columns are the tweet's), so which copy stays does not matter: the first by rowid. Only
-- rows of tweets that may have several pairs (several) are looked at.
-- Parameters: none.
-- refines: mentioned
-- depends: mentioned
DELETE FROM mentioned
WHERE several
  AND rowid NOT IN (SELECT min(rowid) FROM mentioned WHERE several GROUP BY tweet_id, brand_key);
