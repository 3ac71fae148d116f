-- best_completed: a collected copy that completes a truncated first copy wins instead of it; the
-- longest completion wins, then the first read. Only a tweet with two collected copies can have
-- a truncated first copy and a complete one, so only their texts are read (reading every text in
-- best made it twice as slow).
-- Parameters: none.
-- refines: best
-- depends: staged, kwo_cut, kwo_completes
UPDATE best SET _seq = r.k.s
FROM (WITH truncated_first AS (
          SELECT s.tweet_id, s.text FROM staged s JOIN best b ON b._seq = s._seq
          WHERE b.may_complete AND kwo_cut(s.text) IS NOT NULL)
      SELECT s.tweet_id, min({'l': -length(s.text), 's': s._seq}) AS k
      FROM staged s JOIN truncated_first f ON f.tweet_id = s.tweet_id
      WHERE s.collected AND kwo_completes(s.text, f.text)
      GROUP BY s.tweet_id) r
WHERE best.tweet_id = r.tweet_id;
