-- roster_unmatched: roster brands that occur nowhere in the archive, whatever the period: no tweet
-- by them (brand_authored: collected or context) and no tweet that mentions them (mentioned:
-- collected or context, retweets too). Either the roster's handle (or user_id) is not the one the
-- archive knows, or the collection never touched the brand.
-- (occurs in brand_counts.)
-- Columns: handle. Ordered as in the roster.
-- Parameters: none.
-- depends: brand_counts, brands
SELECT b.handle
FROM brand_counts n JOIN brands b USING (brand_key)
WHERE NOT n.occurs
ORDER BY b.brand_key;
