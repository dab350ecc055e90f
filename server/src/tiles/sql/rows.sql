-- The same features as mvt.sql, as rows for the JS encoder (the embedded PostGIS path).
-- Arguments as in mvt.sql.
SELECT layer, (feature).id AS id, ST_AsGeoJSON((feature).geom)::json AS geom, (feature).props AS props
  FROM {{source}}
 LIMIT $4 + 1;
