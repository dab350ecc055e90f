INSERT INTO households (jurisdiction_id, geom, pt, households, levels, footprint_m2, source, source_id, attributes)
SELECT $1, g.geom, ST_PointOnSurface(g.geom), (f->>'households')::int, (f->>'levels')::real,
       (f->>'footprintM2')::float8, 'osm', f->>'id', f->'attributes'
  FROM json_array_elements($2::json) AS f,
       LATERAL (SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326)), 3)) AS geom) AS g
 WHERE NOT ST_IsEmpty(g.geom);
