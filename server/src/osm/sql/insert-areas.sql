INSERT INTO basemap_areas (jurisdiction_id, geom, kind, name, source_id)
SELECT $1, g.geom, f->>'kind', f->>'name', f->>'id'
  FROM json_array_elements($2::json) AS f,
       LATERAL (SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326)), 3)) AS geom) AS g
 WHERE NOT ST_IsEmpty(g.geom);
