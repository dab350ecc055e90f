-- Departments ranked by their overdue, then open cases; $1 jurisdiction, $2 area or NULL, $3 how many.
SELECT d.code, d.name, d.name_en,
       count(*) FILTER (WHERE incident_is_open(i.status))::int AS open,
       count(*) FILTER (WHERE incident_light(i.status, i.handle_warn_at, i.handle_due_at, i.close_warn_at, i.close_due_at, now()) = 'red')::int AS overdue
  FROM incidents i JOIN departments d ON d.id = i.department_id
 WHERE i.jurisdiction_id = $1 AND ($2::text IS NULL OR i.grid_codes @> ARRAY[$2::text]) AND incident_is_open(i.status)
 GROUP BY d.code, d.name, d.name_en
 ORDER BY overdue DESC, open DESC, d.code
 LIMIT $3;
