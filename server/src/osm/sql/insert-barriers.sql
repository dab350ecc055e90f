INSERT INTO barriers (jurisdiction_id, geom, kind, class, name, source, source_id, attributes)
SELECT $1, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326)), f->>'kind', f->>'class', f->>'name', 'osm', f->>'id', f->'attributes'
  FROM json_array_elements($2::json) AS f;
