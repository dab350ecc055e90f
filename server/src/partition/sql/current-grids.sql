-- The published grids one tier below the parent, clipped to the area, for comparison.
INSERT INTO partition_grids (job_id, variant, seq, code, geom)
SELECT j.id, 'current', row_number() OVER (ORDER BY g.code)::int, g.code,
       ST_Multi(ST_CollectionExtract(ST_Intersection(g.geom, j.area, 1e-9), 3))
  FROM partition_jobs j
  JOIN grids g ON g.jurisdiction_id = j.jurisdiction_id AND g.parent_code = j.parent_code AND g.valid_to IS NULL
 WHERE j.id = $1 AND j.parent_code IS NOT NULL AND ST_Intersects(g.geom, j.area)
   AND NOT ST_IsEmpty(ST_CollectionExtract(ST_Intersection(g.geom, j.area, 1e-9), 3))
