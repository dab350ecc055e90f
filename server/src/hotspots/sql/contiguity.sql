-- Shared-edge ("rook") contiguity between the analyst's polygons: boundaries that meet in a
-- line (DE-9IM boundary/boundary dimension 1). Corners alone do not count, as in libpysal's Rook
-- and ArcGIS's CONTIGUITY_EDGES_ONLY.
WITH f AS (
  SELECT (t.ord - 1)::int AS i, ST_SetSRID(ST_GeomFromGeoJSON(t.g::text), $2::int) AS geom
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(g, ord)
)
SELECT a.i, b.i AS j
FROM f a JOIN f b ON a.i < b.i AND a.geom && b.geom AND ST_Relate(a.geom, b.geom, '****1****');
