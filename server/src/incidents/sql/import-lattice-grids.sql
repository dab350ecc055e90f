-- The import's grids for the in-memory lattice (import-lattice.ts): exact coordinates (WKB),
-- whether the lattice may trust them (a valid polygon), and the bounding box PostGIS keeps
-- (rounded outwards, so it holds the whole grid).
SELECT rank, ST_IsValid(geom) AS valid,
       CASE WHEN GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON') AND ST_NDims(geom) = 2 THEN ST_AsBinary(geom) END AS wkb,
       ST_XMin(geom) AS xmin, ST_YMin(geom) AS ymin, ST_XMax(geom) AS xmax, ST_YMax(geom) AS ymax
  FROM import_grids
 WHERE NOT ST_IsEmpty(geom);
