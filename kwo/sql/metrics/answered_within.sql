-- answered_within: mention pairs per brand and response-time band (response_bands.ord: 1-7 the
-- answered bands, 8 unanswered), for the "answered within" shares of the survey's guideline
-- thresholds (kwo.metrics.bands adds the bands up: within 1 h = bands 1 and 2).
-- Parameters: none.
-- depends: mention_bands
SELECT brand_key, ord, count(*) AS pairs
FROM mention_bands
GROUP BY brand_key, ord
ORDER BY brand_key, ord;
