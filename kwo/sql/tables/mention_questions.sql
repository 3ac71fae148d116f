-- mention_questions: the mention pairs (mention_answers) whose tweet is a question (text_marks:
-- its text, with the URLs removed, contains '?' or the full-width '？'). answered: the pair was
-- answered (first_reply_at). several (from mention_answers): the tweet may have other pairs.
-- Parameters: none.
-- depends: mention_answers, text_marks
CREATE TABLE mention_questions AS
SELECT a.tweet_id, a.brand_key, a.first_reply_at IS NOT NULL AS answered, a.several
FROM mention_answers a
JOIN text_marks m USING (tweet_id)
WHERE m.question;
