-- One grid valid at $3 with its figures. $1 jurisdiction  $2 code  $3 asOf  $4 period start
SELECT g.id, g.jurisdiction_id, g.code, g.name, g.name_en, g.tier, t.name AS tier_name, t.name_en AS tier_name_en,
       g.parent_code, coalesce(g.households_override, g.households) AS households, g.households AS households_derived,
       g.households_override, g.households_override_reason, g.population, g.attributes, g.version,
       g.valid_from, g.valid_to, g.change_set_id,
       ST_Area(g.geom::geography) AS area_m2,
       ST_AsGeoJSON(g.geom, 7)::json AS geometry,
       (SELECT count(*)::int FROM grids c WHERE c.jurisdiction_id = g.jurisdiction_id AND c.parent_code = g.code
           AND c.valid_from <= $3 AND (c.valid_to IS NULL OR c.valid_to > $3)) AS children,
       inc.open, inc.overdue, inc.closed_this_period, inc.total
  FROM grids g
  LEFT JOIN tiers t ON t.jurisdiction_id = g.jurisdiction_id AND t.level = g.tier
  LEFT JOIN LATERAL (
    -- Read through to_jsonb so this works before and after the incidents feature adds its columns.
    SELECT count(*) FILTER (WHERE i.status NOT IN ('closed', 'evaluated', 'rejected'))::int AS open,
           count(*) FILTER (WHERE i.status NOT IN ('closed', 'evaluated', 'rejected')
                              AND (to_jsonb(i)->>'close_due_at')::timestamptz < $3)::int AS overdue,
           count(*) FILTER (WHERE i.closed_at >= $4 AND i.closed_at <= $3)::int AS closed_this_period,
           count(*)::int AS total
      FROM incidents i
     WHERE i.jurisdiction_id = g.jurisdiction_id AND ST_Intersects(g.geom, i.geom) AND i.reported_at <= $3
  ) inc ON true
 WHERE g.jurisdiction_id = $1 AND g.code = $2
   AND g.valid_from <= $3 AND (g.valid_to IS NULL OR g.valid_to > $3);
