-- Baseline polygons ($3 GeoJSON geometries) clipped to the area; pieces that fall outside vanish.
INSERT INTO partition_grids (job_id, variant, seq, geom)
SELECT j.id, $2, row_number() OVER (ORDER BY b.i)::int, ST_Multi(c.g)
  FROM partition_jobs j,
       unnest($3::text[]) WITH ORDINALITY AS b(gj, i),
       LATERAL (SELECT ST_CollectionExtract(ST_Intersection(ST_SetSRID(ST_GeomFromGeoJSON(b.gj), 4326), j.area, 1e-9), 3) AS g) c
 WHERE j.id = $1 AND NOT ST_IsEmpty(c.g)
