INSERT INTO osm_admin (level, osm_id, name, name_en, geom)
SELECT (f->>'level')::int, f->>'id', f->>'name', f->>'nameEn',
       ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326)), 3)
  FROM json_array_elements($1::json) AS f;
