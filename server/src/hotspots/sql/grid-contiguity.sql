-- Shared-edge neighbours among current grids of one tier of a jurisdiction (codes $3, if given).
WITH g AS (
  SELECT code, geom FROM grids
  WHERE jurisdiction_id = $1 AND tier = $2 AND valid_to IS NULL AND ($3::text[] IS NULL OR code = ANY ($3))
)
SELECT a.code AS a, b.code AS b
FROM g a JOIN g b ON a.code < b.code AND a.geom && b.geom AND ST_Relate(a.geom, b.geom, '****1****');
