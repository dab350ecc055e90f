-- Grids of tier $3 (under the area $2 when given) ranked by overdue, then open incidents, from
-- the counts kept per grid; $1 jurisdiction, $4 how many.
WITH g AS (
  SELECT g.code, g.name, g.name_en, COALESCE(g.households_override, g.households) AS households
    FROM grids g
   WHERE g.jurisdiction_id = $1 AND g.tier = $3 AND g.valid_to IS NULL AND ($2::text IS NULL OR g.code LIKE $2::text || '%')
), red AS (
  SELECT code, count(*)::int AS overdue
    FROM incidents i, unnest(i.grid_codes) code
   WHERE i.jurisdiction_id = $1 AND incident_is_open(i.status) AND i.close_due_at IS NOT NULL
     AND incident_light(i.status, i.handle_warn_at, i.handle_due_at, i.close_warn_at, i.close_due_at, now()) = 'red'
   GROUP BY code
)
SELECT g.code, g.name, g.name_en, g.households, COALESCE(c.open, 0) AS open, COALESCE(red.overdue, 0) AS overdue
  FROM g LEFT JOIN grid_incident_counts c ON c.jurisdiction_id = $1 AND c.grid_code = g.code
         LEFT JOIN red ON red.code = g.code
 ORDER BY overdue DESC, open DESC, g.code
 LIMIT $4;
