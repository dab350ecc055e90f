-- The latest incidents for the ticker; arguments as summary.sql, $4 how many.
SELECT i.id, to_char(i.reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS reported_at, i.status, i.class,
       incident_light(i.status, i.handle_warn_at, i.handle_due_at, i.close_warn_at, i.close_due_at, now()) AS light,
       c.name AS category, c.name_en AS category_en, (SELECT gc.chain->-1->>'name' FROM grid_chains gc WHERE gc.id = i.chain_id) AS grid_name, i.grid_code,
       ST_X(i.geom) AS lng, ST_Y(i.geom) AS lat
  FROM incidents i JOIN categories c ON c.code = i.category_code
 WHERE i.jurisdiction_id = $1 AND ($2::text IS NULL OR i.grid_codes @> ARRAY[$2::text])
 ORDER BY i.reported_at DESC, i.id DESC
 LIMIT $3;
