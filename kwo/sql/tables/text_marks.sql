-- text_marks: the collected tweets whose text marks them as a question or as a hand-off to a
-- private channel, in one read of the archive's texts (the texts are most of its bytes; the
-- questions of mention_questions and the hand-offs of dm_handoffs both come from here).
--   question   the text, with the URLs removed, contains '?' or the full-width '？' (a '?' only
--              inside a URL, as in https://example.com/faq?id=3, asks nothing)
--   handoff    a reply (in_reply_to_tweet_id set) whose text asks to continue in private: the
--              word DM in any case, also DMs, DM'en, DMmen; PB or PM as a word (any case: Dutch
--              webcare writes "stuur ons een pb"); "direct message"; "privébericht" or "prive
--              bericht"; or a link to the direct-message composer (twitter.com/messages/compose,
--              x.com/messages/compose, x.com/i/chat). A word is not part of a handle, a hashtag
--              or a longer word: "@dm_team", "#pm" and "pmv" hand nothing off.
-- The archive holds the text, not the URL entities (the canonical schema keeps no URLs), so URLs
-- are found in the text: a word starting with http://, https:// or www., or a domain with a path
-- (example.com/faq?id=3). A URL does not end in punctuation, so the '?' of "is it
-- https://kpn.com/faq?" is the tweet's, as twitter-text reads it; t.co links never hold a '?'.
-- A text with a '?' but without '/' or 'www.' holds no URL and is a question without the
-- rewrite; the hand-off pattern is only tried on replies. A composer link counts only where the
-- text shows it expanded (twcs, tweets.js): in v1.1 and v2 texts it is a t.co address.
-- Parameters: none.
-- depends: tweets
CREATE TABLE text_marks AS
WITH marked AS (
    SELECT tweet_id,
           CASE
               WHEN NOT (contains(text, '?') OR contains(text, '？')) THEN false
               WHEN NOT (contains(text, '/') OR contains(text, 'www.') OR contains(text, 'WWW.')) THEN true
               ELSE regexp_matches(regexp_replace(text,
                        '(?i)((https?://|www\.)|\b[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\.[a-z]{2,}/)\S*[^\s?？!.,;:)"'']',
                        '', 'g'), '[?？]')
           END AS question,
           -- CASE, not AND: DuckDB evaluates both sides of an AND in a select list, so AND ran the
           -- pattern on every collected tweet (1.5M more on KWO16, 0.13 s); CASE runs it on replies only
           CASE WHEN in_reply_to_tweet_id IS NULL THEN false ELSE regexp_matches(text,
               '(?i)((^|[^\w@#])(dm|dms|dm''en|dm’en|dmmen|dmen|pb|pm)\b)|direct messages?|priv[eé][ -]?bericht|(twitter|x)\.com/messages/compose|x\.com/i/chat'
           ) END AS handoff
    FROM tweets
    WHERE collected
)
SELECT tweet_id, question, handoff FROM marked WHERE question OR handoff;
