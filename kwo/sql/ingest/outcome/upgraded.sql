-- upgraded: tweets the archive stores truncated of which a complete copy is staged. The staged
-- row replaces the archive's, and counts as a duplicate, as any copy of a tweet already stored
-- does: the counts and the archive are the same in any order of ingests.
-- Parameters: none.
-- depends: upgrade_candidates, best, staged, kwo_cut, kwo_completes
CREATE TEMP TABLE upgraded AS
    SELECT a.tweet_id, a.filename
    FROM upgrade_candidates a JOIN best b ON b.tweet_id = a.tweet_id JOIN staged s ON s._seq = b._seq
    WHERE a.collected AND b.collected AND kwo_cut(a.text) IS NOT NULL AND kwo_completes(s.text, a.text);
