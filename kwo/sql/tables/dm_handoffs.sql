-- dm_handoffs: the brand replies to mentions (brand_reply_kinds, kind to_mention) whose text asks
-- to continue in private: the word DM in any case, also DMs, DM'en, DMmen; PB or PM as a word (any
-- case: Dutch webcare writes "stuur ons een pb"); "direct message"; "privébericht" or "prive
-- bericht"; or a link to the direct-message composer (twitter.com/messages/compose,
-- x.com/messages/compose, x.com/i/chat). A word is not part of a handle, a hashtag or a longer
-- word: "@dm_team", "#pm" and "pmv" hand nothing off.
-- The archive keeps the text, not the URL entities, so a composer link counts only where the text
-- shows it expanded (twcs, tweets.js); in v1.1 and v2 texts the link is a t.co address and the
-- hand-off is found by its words only (docs/methodology.md says so).
-- several (from brand_reply_kinds): the reply is by two brands, so it has two rows.
-- Parameters: none.
-- depends: tweets, brand_reply_kinds
CREATE TABLE dm_handoffs AS
SELECT r.tweet_id, r.brand_key, r.several
FROM brand_reply_kinds r
JOIN tweets t USING (tweet_id)
WHERE r.kind = 'to_mention'
  AND regexp_matches(t.text,
      '(?i)((^|[^\w@#])(dm|dms|dm''en|dm’en|dmmen|dmen|pb|pm)\b)|direct messages?|priv[eé][ -]?bericht|(twitter|x)\.com/messages/compose|x\.com/i/chat');
