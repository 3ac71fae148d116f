-- business_answers: the answered mention pairs of brands with opening hours, with the response
-- time counting only the minutes the brand was open (business_minutes): the open time on the
-- brand's clock at the answer minus that at the mention. brand_open_spans (made in Python from
-- the roster, kwo.metrics.business_hours: the time-zone rules of the brand's own zone, daylight
-- saving included) holds per clock (brand_clocks: brands with the same hours and zone share one)
-- and UTC day (days since 1970) the open milliseconds before the day and up to four open
-- stretches [from_K, to_K) in epoch milliseconds; the open time at
-- instant t is open_before_ms plus the part of the day's stretches before t. A mention or an
-- answer while the brand is closed stops the clock at the last closing time: an answer given
-- before the brand opens again took 0 business minutes.
-- Two equality joins (one per end) and no grouping: a stretch that is absent (NULL) adds 0.
-- Parameters: none.
-- depends: mention_answers, brand_clocks, brand_open_spans, kwo_epoch_ms
CREATE TABLE business_answers AS
WITH pairs AS (
    SELECT a.tweet_id, a.brand_key, c.clock, kwo_epoch_ms(a.created_at) AS asked_ms, kwo_epoch_ms(a.first_reply_at) AS answered_ms
    FROM mention_answers a JOIN brand_clocks c USING (brand_key)
    WHERE a.first_reply_at IS NOT NULL
)
SELECT p.tweet_id, p.brand_key,
       ((y.open_before_ms
         + coalesce(greatest(0, least(p.answered_ms, y.to_1) - y.from_1), 0)
         + coalesce(greatest(0, least(p.answered_ms, y.to_2) - y.from_2), 0)
         + coalesce(greatest(0, least(p.answered_ms, y.to_3) - y.from_3), 0)
         + coalesce(greatest(0, least(p.answered_ms, y.to_4) - y.from_4), 0))
        - (x.open_before_ms
           + coalesce(greatest(0, least(p.asked_ms, x.to_1) - x.from_1), 0)
           + coalesce(greatest(0, least(p.asked_ms, x.to_2) - x.from_2), 0)
           + coalesce(greatest(0, least(p.asked_ms, x.to_3) - x.from_3), 0)
           + coalesce(greatest(0, least(p.asked_ms, x.to_4) - x.from_4), 0)))::DOUBLE / 60000 AS business_minutes
FROM pairs p
JOIN brand_open_spans x ON x.clock = p.clock AND x.day = p.asked_ms // 86400000
JOIN brand_open_spans y ON y.clock = p.clock AND y.day = p.answered_ms // 86400000;
