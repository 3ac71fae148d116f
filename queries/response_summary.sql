-- response_summary: response times of the answered mention pairs, in minutes.
-- The response time of a pair is its earliest answer (direct reply by default) minus the
-- mention's time. median and p90 interpolate linearly between neighbours (quantile_cont).
-- Depends on: mention_answers. Parameters: none.
SELECT
    count(*) AS mention_pairs,
    count(response_minutes) AS answered_pairs,
    median(response_minutes) AS median_minutes,
    quantile_cont(response_minutes, 0.9) AS p90_minutes,
    avg(response_minutes) AS mean_minutes
FROM mention_answers;
