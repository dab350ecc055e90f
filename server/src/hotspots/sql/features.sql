-- The analyst's features (a JSON array of GeoJSON geometries, input order) in their CRS ($2):
-- centroid in that CRS and in WGS84. Polygons use ST_Centroid as esda/libpysal and ArcGIS do.
WITH f AS (
  SELECT (t.ord - 1)::int AS i, ST_SetSRID(ST_GeomFromGeoJSON(t.g::text), $2::int) AS geom
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(g, ord)
), c AS (
  SELECT i, ST_Centroid(geom) AS c, ST_IsValid(geom) AS valid, ST_IsEmpty(geom) AS empty FROM f
)
SELECT i, ST_X(c) AS x, ST_Y(c) AS y,
       ST_X(ST_Transform(c, 4326)) AS lon, ST_Y(ST_Transform(c, 4326)) AS lat, valid, empty
FROM c ORDER BY i;
