-- dm_handoffs: the brand replies to mentions (brand_reply_kinds, kind to_mention) whose text asks
-- to continue in private (text_marks: the word DM, PB or PM, "direct message", "privébericht",
-- or a link to the direct-message composer). several (from brand_reply_kinds): the reply is by
-- two brands, so it has two rows.
-- Parameters: none.
-- depends: brand_reply_kinds, text_marks
CREATE TABLE dm_handoffs AS
SELECT r.tweet_id, r.brand_key, r.several
FROM brand_reply_kinds r
JOIN text_marks m USING (tweet_id)
WHERE r.kind = 'to_mention' AND m.handoff;
