-- The wall's figures for one jurisdiction, optionally one area (a grid code of any tier).
-- $1 jurisdiction, $2 area or NULL, $3 time zone for "today".
-- Each figure reads only the rows it needs through an index (status, reported_at,
-- close_due_at, grid_codes), not every incident of the jurisdiction: a wall over a million
-- incidents asks this every 30 s.
WITH today AS (
  SELECT (date_trunc('day', now() AT TIME ZONE $3) AT TIME ZONE $3) AS start
), open AS (
  -- Lights are green/yellow/red only for open cases (incident_light), so these are all of them.
  SELECT incident_light(status, handle_warn_at, handle_due_at, close_warn_at, close_due_at, now()) AS light
    FROM incidents i
   WHERE i.jurisdiction_id = $1 AND i.status IN ('reported', 'registered', 'dispatched', 'handled')
     AND ($2::text IS NULL OR i.grid_codes @> ARRAY[$2::text])
), due AS (
  -- 应结案: cases whose close-by deadline fell in the last 30 days (rejected and parked apart).
  SELECT status, closed_at, close_due_at FROM incidents i
   WHERE i.jurisdiction_id = $1 AND i.close_due_at >= now() - interval '30 days' AND i.close_due_at < now()
     AND i.status NOT IN ('rejected', 'parked') AND ($2::text IS NULL OR i.grid_codes @> ARRAY[$2::text])
)
SELECT
  (SELECT count(*) FROM incidents i, today
    WHERE i.jurisdiction_id = $1 AND i.reported_at >= today.start
      AND ($2::text IS NULL OR i.grid_codes @> ARRAY[$2::text]))::int AS reported_today,
  (SELECT count(*) FROM open)::int AS open,
  (SELECT count(*) FROM open WHERE light = 'red')::int AS overdue,
  (SELECT count(*) FROM open WHERE light = 'yellow')::int AS warning,
  (SELECT count(*) FROM due)::int AS due_30d,
  (SELECT count(*) FROM due WHERE status IN ('closed', 'evaluated'))::int AS closed_30d,
  (SELECT count(*) FROM due WHERE status IN ('closed', 'evaluated') AND closed_at <= close_due_at)::int AS on_time_30d,
  (SELECT round(avg(satisfaction)::numeric, 2) FROM incidents i
    WHERE i.jurisdiction_id = $1 AND i.evaluated_at >= now() - interval '30 days'
      AND ($2::text IS NULL OR i.grid_codes @> ARRAY[$2::text])) AS satisfaction_30d;
