-- One statement (data-modifying CTEs), because a parameterised query may hold only one.
WITH top AS (
  SELECT ST_Union(geom) AS geom FROM grids WHERE jurisdiction_id = $1 AND tier = 1 AND valid_to IS NULL
), gone_households AS (
  DELETE FROM households h USING top WHERE h.jurisdiction_id = $1 AND NOT ST_Intersects(h.pt, top.geom) RETURNING 1
), gone_barriers AS (
  DELETE FROM barriers b USING top WHERE b.jurisdiction_id = $1 AND NOT ST_Intersects(b.geom, top.geom) RETURNING 1
)
DELETE FROM basemap_areas a USING top WHERE a.jurisdiction_id = $1 AND NOT ST_Intersects(a.geom, top.geom);
