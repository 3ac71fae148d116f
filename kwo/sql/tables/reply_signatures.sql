-- reply_signatures: the signed replies of the period: every collected reply by a brand of the
-- period (brand_replies with created_at in [$since, $until): the rows of brand_reply_kinds) whose text ends in an agent's signature,
-- with that signature as written (signature: '^AB', '-Sanne'). The rule (docs/methodology.md,
-- "Agents"): the text ends, trailing spaces, URLs and emoji aside, with `^` and 1 to 4 letters,
-- or with `-`, `~` or `/` directly followed by one capitalised name of 2 to 15 letters; the
-- mark starts the text or follows a space, so a hyphenated word ("e-mail", "T-Mobile") is no
-- signature. Letters are ASCII and Latin-1's (Chloé, Daniëlle); emoji are the Unicode blocks
-- U+2600-27BF and U+1F000-1FAFF with the variation selector and the zero-width joiner.
-- The character classes are written out rather than \p{L}: DuckDB's regex engine matches
-- Unicode classes several times slower (1M replies: 5 s against 0.3 s), and both DuckDB's and
-- Spark's engines read these ranges the same way.
-- several (from brand_replies): a reply by two brands has a row for each. The reply's kind is
-- not here: brand_agents.sql joins brand_reply_kinds for it, and kwo staffing, which needs no
-- kind, does not build brand_reply_kinds.
-- Staffing (kwo.staffing_report) reads the agents per hour from this table too.
-- The texts are tested in a scan of the archive's collected replies (what brand_replies holds,
-- whatever the period) and only the signed ones are joined to the brand replies of the period:
-- joining first made the join read the text column of every tweet of the archive.
-- Parameters: $since, $until (TIMESTAMPTZ or NULL): the reply time is in [since, until).
-- depends: brand_replies, tweets
CREATE TABLE reply_signatures AS
WITH signed AS (
    SELECT tweet_id, regexp_extract(text, '(?:^|\s)(\^[A-Za-zÀ-ÖØ-öø-ÿ]{1,4}|[-~/][A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]{1,14})(?:\s|https?://\S+|[\x{2600}-\x{27BF}\x{1F000}-\x{1FAFF}\x{FE0F}\x{200D}])*$', 1) AS signature
    FROM tweets
    -- the test without the capture group first: three times cheaper, and the extraction then
    -- runs only on the signed replies (a filter on the extracted column would compute it twice)
    WHERE collected AND in_reply_to_tweet_id IS NOT NULL
      AND regexp_matches(text, '(?:^|\s)(\^[A-Za-zÀ-ÖØ-öø-ÿ]{1,4}|[-~/][A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]{1,14})(?:\s|https?://\S+|[\x{2600}-\x{27BF}\x{1F000}-\x{1FAFF}\x{FE0F}\x{200D}])*$')
)
SELECT r.tweet_id, r.brand_key, r.created_at, r.in_reply_to_tweet_id, r.several, s.signature
FROM brand_replies r
JOIN signed s ON s.tweet_id = r.tweet_id
WHERE ($since::TIMESTAMPTZ IS NULL OR r.created_at >= $since::TIMESTAMPTZ)
  AND ($until::TIMESTAMPTZ IS NULL OR r.created_at < $until::TIMESTAMPTZ);
