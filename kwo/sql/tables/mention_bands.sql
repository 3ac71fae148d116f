-- mention_bands: each mention pair (mention_answers) with its response-time band (response_bands):
-- the band whose bounds hold its response time, or 8 (unanswered) when it has none. A view: the
-- two bucket queries read it once each.
-- Parameters: none.
-- depends: mention_answers, response_bands
CREATE OR REPLACE VIEW mention_bands AS
SELECT a.brand_key, coalesce(b.ord, 8) AS ord
FROM mention_answers a
LEFT JOIN response_bands b
       ON b.ord < 8
      AND a.response_minutes > coalesce(b.lower_minutes, -1e300)
      AND a.response_minutes <= coalesce(b.upper_minutes, 1e300);
