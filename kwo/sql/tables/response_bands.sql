-- response_bands: the response-time bands of the "Stand van Webcare" survey, the one place their
-- bounds and labels are written. Band ord covers response times above lower_minutes up to and
-- including upper_minutes (a reply after exactly 60 minutes is in "<=1 h"); NULL is no bound.
-- Band 8 holds the pairs without an answer. response_times.sql and sector_response_times.sql
-- read the bands through mention_bands.
-- Parameters: none.
-- depends: none
CREATE OR REPLACE VIEW response_bands AS
SELECT * FROM (
    VALUES (1, '<=30 min', NULL, 30.0), (2, '<=1 h', 30.0, 60.0), (3, '<=4 h', 60.0, 240.0),
           (4, '<=8 h', 240.0, 480.0), (5, '<=24 h', 480.0, 1440.0), (6, '<=48 h', 1440.0, 2880.0),
           (7, '>48 h', 2880.0, NULL), (8, 'unanswered', NULL, NULL)
) AS bands(ord, bucket, lower_minutes, upper_minutes);
