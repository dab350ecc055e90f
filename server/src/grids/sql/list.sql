-- Grids valid at $5 as GeoJSON features, filtered by jurisdiction, tier, parent and bbox.
-- $1 jurisdiction or NULL  $2 tier or NULL  $3 parent code or NULL  $4 bbox [w,s,e,n] or NULL
-- $5 asOf  $6 limit  $7 simplify tolerance in degrees or NULL
-- $8 text filter or NULL: a LIKE pattern with % _ \ already escaped, matched case-insensitively
--    against code, name and English name. Exact matches sort first, then prefixes, so a search
--    box's first row is the grid the user most likely means.
SELECT g.id, g.jurisdiction_id, g.code, g.name, g.name_en, g.tier, t.name AS tier_name, t.name_en AS tier_name_en,
       g.parent_code, coalesce(g.households_override, g.households) AS households, g.households AS households_derived,
       g.households_override, g.population, g.version, g.valid_from, g.valid_to, g.change_set_id,
       ST_Area(g.geom::geography) AS area_m2,
       ST_AsGeoJSON(CASE WHEN $7::float8 IS NULL THEN g.geom ELSE ST_SimplifyPreserveTopology(g.geom, $7::float8) END, 7)::json AS geometry
  FROM grids g
  LEFT JOIN tiers t ON t.jurisdiction_id = g.jurisdiction_id AND t.level = g.tier
 WHERE ($1::int IS NULL OR g.jurisdiction_id = $1::int)
   AND ($2::int IS NULL OR g.tier = $2::int)
   AND ($3::text IS NULL OR g.parent_code = $3::text)
   AND ($4::float8[] IS NULL OR g.geom && ST_MakeEnvelope($4[1], $4[2], $4[3], $4[4], 4326))
   AND ($8::text IS NULL OR g.code ILIKE '%' || $8 || '%' OR g.name ILIKE '%' || $8 || '%' OR g.name_en ILIKE '%' || $8 || '%')
   AND g.valid_from <= $5 AND (g.valid_to IS NULL OR g.valid_to > $5)
 ORDER BY g.jurisdiction_id,
          CASE WHEN $8::text IS NULL THEN 0
               WHEN g.code ILIKE $8 OR g.name ILIKE $8 OR g.name_en ILIKE $8 THEN 0
               WHEN g.code ILIKE $8 || '%' OR g.name ILIKE $8 || '%' OR g.name_en ILIKE $8 || '%' THEN 1
               ELSE 2 END,
          g.tier, g.code
 LIMIT $6;
