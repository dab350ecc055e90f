-- Land-use areas of one import (non-residential and residential), into the transaction's staging table.
INSERT INTO osm_landuse (jurisdiction_id, landuse, geom)
SELECT $1, f->>'landuse', ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326)), 3)
  FROM json_array_elements($2::json) AS f;
