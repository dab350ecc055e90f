-- The same features as mvt.sql, as rows for the JS encoder (the embedded PostGIS path).
-- Arguments as in mvt.sql. The version placeholder becomes a first row of layer '' whose props hold the
-- data versions of the same snapshot (no layer function names a layer '').
/*version*/
(SELECT layer, (feature).id AS id, ST_AsGeoJSON((feature).geom)::json AS geom, (feature).props AS props
   FROM {{source}}
  LIMIT $4 + 1);
