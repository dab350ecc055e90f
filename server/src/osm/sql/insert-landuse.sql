-- Non-residential land-use areas of one import, into the transaction's staging table.
INSERT INTO osm_landuse (landuse, geom)
SELECT f->>'landuse', ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326)), 3)
  FROM json_array_elements($1::json) AS f;
