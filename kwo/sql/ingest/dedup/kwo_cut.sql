-- kwo_cut: the text a truncated copy keeps before its final "…" (+ t.co link), or NULL when it is
-- no truncated text.
-- A truncated copy is what API v1.1 in compatibility mode gives for a tweet longer than 140
-- characters (truncated=true, no extended_tweet): the first characters, "…" and a t.co link to
-- the tweet, and entities that lack the mentions beyond them. The archive keeps no truncated
-- flag, so the texts tell.
-- Parameters: none.
-- depends: none
CREATE TEMP MACRO kwo_cut(t) AS
    CASE WHEN contains(t, '…')
         THEN nullif(regexp_extract(t, '(?s)^(.*)…(?: https://t\.co/[0-9A-Za-z]+)?$', 1), '') END;
