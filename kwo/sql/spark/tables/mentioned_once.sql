-- mentioned (once per pair, Spark's text): the repeated (tweet, brand) rows of mentioned.sql removed by
-- DISTINCT (Spark tables have no rowid to DELETE by); repeats are whole-row copies, so this is
-- the table kwo/sql/tables/mentioned_once.sql leaves. Only rows of tweets that may have several
-- pairs (several) can repeat, so only they are made distinct.
-- Parameters: none.
-- refines: mentioned
-- depends: mentioned
CREATE OR REPLACE TABLE mentioned AS
SELECT * FROM mentioned WHERE NOT several
UNION ALL
SELECT DISTINCT * FROM mentioned WHERE several;
