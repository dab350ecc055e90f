-- Inserts the new grid versions of one change set. Households are derived from the household
-- layer by point-in-polygon (population too, unless given); the version continues each code's history.
-- $1 jurisdiction  $2 tier  $3 parent code  $4 json [{code, name, nameEn, geom, population, attributes}]
-- $5 change set  $6 user id
WITH input AS (
  SELECT e->>'code' AS code, e->>'name' AS name, e->>'nameEn' AS name_en,
         ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(e->>'geom'), 4326))), 3)) AS geom,
         (e->>'population')::int AS population, coalesce(e->'attributes', '{}'::json)::jsonb AS attributes
    FROM json_array_elements($4::json) e
)
INSERT INTO grids (jurisdiction_id, tier, code, name, name_en, parent_code, geom, households, population, attributes,
                   version, valid_from, change_set_id, created_by)
SELECT $1, $2, i.code, i.name, i.name_en, $3, i.geom, coalesce(hh.households, 0),
       coalesce(i.population, hh.population), i.attributes,
       coalesce((SELECT max(g.version) FROM grids g WHERE g.jurisdiction_id = $1 AND g.code = i.code), 0) + 1,
       now(), $5, $6
  FROM input i
  -- Population too when the household layer carries it and the grid does not say.
  LEFT JOIN LATERAL (SELECT sum(h.households)::int AS households, sum(h.population)::int AS population
                       FROM households h WHERE h.jurisdiction_id = $1 AND ST_Intersects(i.geom, h.pt)) hh ON true
RETURNING code, name, version, households;
