-- The wall's figures for one jurisdiction, optionally one area (a grid code of any tier).
-- $1 jurisdiction, $2 area or NULL, $3 time zone for "today", $4 the tier to rank grids by.
WITH scope AS (
  SELECT * FROM incidents i
   WHERE i.jurisdiction_id = $1 AND ($2::text IS NULL OR i.grid_codes @> ARRAY[$2::text])
), today AS (
  SELECT (date_trunc('day', now() AT TIME ZONE $3) AT TIME ZONE $3) AS start
), due AS (
  -- 应结案: cases whose close-by deadline fell in the last 30 days (rejected and parked apart).
  SELECT * FROM scope
   WHERE close_due_at >= now() - interval '30 days' AND close_due_at < now() AND status NOT IN ('rejected', 'parked')
)
SELECT
  (SELECT count(*) FROM scope, today WHERE reported_at >= today.start)::int AS reported_today,
  (SELECT count(*) FROM scope WHERE incident_is_open(status))::int AS open,
  (SELECT count(*) FROM scope WHERE incident_light(status, handle_warn_at, handle_due_at, close_warn_at, close_due_at, now()) = 'red')::int AS overdue,
  (SELECT count(*) FROM scope WHERE incident_light(status, handle_warn_at, handle_due_at, close_warn_at, close_due_at, now()) = 'yellow')::int AS warning,
  (SELECT count(*) FROM due)::int AS due_30d,
  (SELECT count(*) FROM due WHERE status IN ('closed', 'evaluated'))::int AS closed_30d,
  (SELECT count(*) FROM due WHERE status IN ('closed', 'evaluated') AND closed_at <= close_due_at)::int AS on_time_30d,
  (SELECT round(avg(satisfaction)::numeric, 2) FROM scope WHERE evaluated_at >= now() - interval '30 days') AS satisfaction_30d;
