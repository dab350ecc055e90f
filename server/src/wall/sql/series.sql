-- Reported and closed per day over the last 30 days (in time zone $3); arguments as summary.sql.
WITH days AS (
  SELECT d::date AS day FROM generate_series((now() AT TIME ZONE $3)::date - 29, (now() AT TIME ZONE $3)::date, interval '1 day') d
), scope AS (
  SELECT reported_at, closed_at, status FROM incidents i
   WHERE i.jurisdiction_id = $1 AND ($2::text IS NULL OR i.grid_codes @> ARRAY[$2::text])
     AND (i.reported_at >= now() - interval '31 days' OR i.closed_at >= now() - interval '31 days')
)
SELECT to_char(days.day, 'YYYY-MM-DD') AS day,
       (SELECT count(*) FROM scope WHERE (reported_at AT TIME ZONE $3)::date = days.day)::int AS reported,
       (SELECT count(*) FROM scope WHERE closed_at IS NOT NULL AND (closed_at AT TIME ZONE $3)::date = days.day)::int AS closed
  FROM days ORDER BY days.day;
