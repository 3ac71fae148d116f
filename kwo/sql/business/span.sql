-- span: the first mention and the last answer (epoch milliseconds) of the answered mention pairs
-- of brands with opening hours: the days kwo.metrics.business_hours turns the roster's hours
-- into UTC stretches for (brand_open_spans). NULLs without such pairs.
-- Parameters: none.
-- depends: mention_answers, brands, kwo_epoch_ms
SELECT kwo_epoch_ms(min(a.created_at)) AS first_ms, kwo_epoch_ms(max(a.first_reply_at)) AS last_ms
FROM mention_answers a JOIN brands b USING (brand_key)
WHERE b.has_hours AND a.first_reply_at IS NOT NULL;
