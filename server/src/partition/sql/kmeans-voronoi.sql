-- Voronoi cells of the k-means centres ($2 lon[], $3 lat[]) clipped to the job's area.
SELECT ST_AsGeoJSON(ST_CollectionExtract(ST_Intersection(v.geom, j.area, 1e-9), 3), 9) AS gj
  FROM partition_jobs j,
       LATERAL (SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(ST_SetSRID(ST_MakePoint(x, y), 4326)), 0, ST_Expand(j.area, 0.01)))).geom
                  FROM unnest($2::float8[], $3::float8[]) AS c(x, y)) v
 WHERE j.id = $1 AND ST_Intersects(v.geom, j.area)
