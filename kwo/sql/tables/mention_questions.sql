-- mention_questions: the mention pairs (mention_answers) whose tweet is a question: its text, with
-- the URLs removed, contains '?' or the full-width '？' (a '?' only inside a URL, as in
-- https://example.com/faq?id=3, asks nothing). answered: the pair was answered (first_reply_at).
-- The archive holds the text, not the URL entities (the canonical schema keeps no URLs), so the
-- URLs are found in the text: a word starting with http://, https:// or www., or a domain with a
-- path (example.com/faq?id=3); a URL does not end in punctuation, so the '?' of "is it
-- https://kpn.com/faq?" is the tweet's, as twitter-text would have it. t.co links never hold a
-- '?'. Only texts holding a question mark at all are rewritten (a cheap contains() first).
-- several (from mention_answers): the tweet may have other pairs.
-- Parameters: none.
-- depends: tweets, mention_answers
CREATE TABLE mention_questions AS
WITH marked AS (
    SELECT tweet_id,
           regexp_replace(text,
                          '(?i)((https?://|www\.)|\b[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\.[a-z]{2,}/)\S*[^\s?？!.,;:)"'']',
                          '', 'g') AS bare
    FROM tweets
    WHERE collected AND (contains(text, '?') OR contains(text, '？'))
)
SELECT a.tweet_id, a.brand_key, a.first_reply_at IS NOT NULL AS answered, a.several
FROM mention_answers a
JOIN marked m USING (tweet_id)
WHERE contains(m.bare, '?') OR contains(m.bare, '？');
