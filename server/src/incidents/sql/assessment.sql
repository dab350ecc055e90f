-- Assessment counts per group. Cases due (应结案数) = every case whose close-by deadline fell in
-- [$2, $3), open or not, except rejected ones (not cases) and parked ones (挂账: they leave the
-- figures and are counted apart). The KEY and NAME placeholders are fixed expressions chosen by the route.
-- $1 jurisdiction or NULL for all  $2 from  $3 to  $4 tier (for by=grid)  $5 now (for the lights)
WITH base AS (
  SELECT i.*, {{KEY}} AS key, {{NAME}} AS name
    FROM incidents i
    LEFT JOIN departments d ON d.id = COALESCE(i.closed_department_id, i.department_id)
    LEFT JOIN users u ON u.id = COALESCE(i.handled_by, i.reported_by)
    LEFT JOIN grid_chains gc ON gc.id = i.chain_id
    LEFT JOIN tiers t ON t.jurisdiction_id = i.jurisdiction_id AND t.level = COALESCE(i.closed_tier, i.tier)
   WHERE ($1::int IS NULL OR i.jurisdiction_id = $1::int)
     AND i.close_due_at >= $2::timestamptz AND i.close_due_at < $3::timestamptz
     AND i.status <> 'rejected'
     AND ($4::int IS NULL OR $4::int > 0)
)
SELECT key, max(name) AS name,
       count(*) FILTER (WHERE status <> 'parked')::int AS due,
       count(*) FILTER (WHERE status IN ('closed', 'evaluated'))::int AS closed,
       count(*) FILTER (WHERE status IN ('closed', 'evaluated') AND closed_at <= close_due_at)::int AS on_time,
       count(*) FILTER (WHERE status <> 'parked' AND rework_count > 0)::int AS reworked,
       count(*) FILTER (WHERE status <> 'parked' AND extended)::int AS extended,
       count(*) FILTER (WHERE status = 'parked')::int AS parked,
       avg(extract(epoch FROM closed_at - reported_at) / 3600) FILTER (WHERE status IN ('closed', 'evaluated'))::float8 AS avg_hours,
       avg(satisfaction)::float8 AS avg_satisfaction,
       count(*) FILTER (WHERE class = 'emergency' AND status <> 'parked')::int AS emergency_due,
       count(*) FILTER (WHERE class = 'emergency' AND status IN ('closed', 'evaluated'))::int AS emergency_closed,
       count(*) FILTER (WHERE incident_light(status, handle_warn_at, handle_due_at, close_warn_at, close_due_at, $5::timestamptz) = 'yellow')::int AS yellow,
       count(*) FILTER (WHERE incident_light(status, handle_warn_at, handle_due_at, close_warn_at, close_due_at, $5::timestamptz) = 'red')::int AS red
  FROM base
 GROUP BY key
