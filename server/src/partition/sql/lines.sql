-- The line network a job cuts along: barriers of the chosen classes clipped to the area
-- (tunnels do not divide the surface), the area's own boundary, and (keepLowerBorders) the
-- boundaries of the current lower-tier grids. $1 job, $2 hard classes, $3 all classes,
-- $4 keep lower borders. Every overlay here and below runs on a 1e-9° grid (fixed-precision
-- GEOS): PGlite's GEOS returns an empty result for some floating-point overlays.
INSERT INTO partition_lines (hard, g)
SELECT hard, ST_CollectionExtract(g, 2) FROM (
  SELECT b.class = ANY ($2) AS hard, ST_Intersection(b.geom, j.area, 1e-9) AS g
    FROM partition_jobs j JOIN barriers b ON b.jurisdiction_id = j.jurisdiction_id
   WHERE j.id = $1 AND b.class = ANY ($3) AND ST_Intersects(b.geom, j.area)
     AND NOT coalesce((b.attributes->>'tunnel')::boolean, false)
  UNION ALL
  SELECT true, ST_Boundary(j.area) FROM partition_jobs j WHERE j.id = $1
  UNION ALL
  SELECT true, ST_Intersection(ST_Boundary(g.geom), j.area, 1e-9)
    FROM partition_jobs j JOIN grids g ON g.jurisdiction_id = j.jurisdiction_id
   WHERE j.id = $1 AND $4 AND j.parent_code IS NOT NULL AND g.parent_code = j.parent_code
     AND g.valid_to IS NULL AND ST_Intersects(g.geom, j.area)
) l
WHERE NOT ST_IsEmpty(ST_CollectionExtract(g, 2))
