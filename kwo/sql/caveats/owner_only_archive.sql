-- owner_only_archive: whether every collected tweet of the archive is by one account, as in an
-- account archive (tweets.js holds only its owner's tweets) or a single user's timeline: one row
-- (author_id, handle) of that account when so, no row otherwise. An account is its author id, or
-- its handle where no id is known.
-- Cheap on any archive: the LIMIT 1 of `other` ends the scan at the first collected tweet by
-- another account, which in an archive of many authors comes within its first rows.
-- Parameters: none.
-- depends: tweets, kwo_handle
WITH first AS MATERIALIZED (
    SELECT coalesce(author_id, kwo_handle(author_handle)) AS account, author_id, kwo_handle(author_handle) AS handle
    FROM tweets
    WHERE collected
    LIMIT 1
),
other AS MATERIALIZED (
    SELECT 1 AS found
    FROM tweets t, first f
    WHERE t.collected AND coalesce(t.author_id, kwo_handle(t.author_handle)) IS DISTINCT FROM f.account
    LIMIT 1
)
SELECT f.author_id, f.handle
FROM first f
WHERE NOT EXISTS (SELECT 1 FROM other);
