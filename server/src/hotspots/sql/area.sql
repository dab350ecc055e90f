-- The study area whose H3 cells are analysed (zero counts included): grid $2 when given, else
-- the union of the jurisdiction's top-tier current grids.
SELECT ST_AsGeoJSON(ST_Union(geom))::json AS geom
FROM grids
WHERE jurisdiction_id = $1 AND valid_to IS NULL
  AND CASE WHEN $2::text IS NULL
           THEN tier = (SELECT min(tier) FROM grids WHERE jurisdiction_id = $1 AND valid_to IS NULL)
           ELSE code = $2::text END;
