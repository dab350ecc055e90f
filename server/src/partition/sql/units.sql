-- The units the regionalisation works on: faces of the network with the split lines added.
-- Each remembers the face (block) and zone it came from. Into the transaction's work table
-- (units-temp.sql); the kept set is copied to partition_blocks once, at the end (engine.ts).
INSERT INTO partition_units (id, geom, face, zone)
SELECT row_number() OVER (ORDER BY ST_XMin(u.geom), ST_YMin(u.geom), ST_XMax(u.geom), ST_YMax(u.geom), ST_Area(u.geom))::int, u.geom, f.id, f.zone
  FROM (SELECT (ST_Dump(ST_Polygonize(g))).geom FROM (SELECT ST_Union(g, 1e-9) AS g FROM partition_lines) n) u
  JOIN partition_jobs j ON j.id = $1 AND (ST_Intersects(j.area, ST_PointOnSurface(u.geom))
       OR ST_Area(ST_Intersection(j.area, u.geom, 1e-9)) > 0.5 * ST_Area(u.geom))
  -- The face it lies in (the nearest when a rounding error puts a sliver's point outside all).
  CROSS JOIN LATERAL (SELECT coalesce(
      (SELECT min(f.id) FROM partition_faces f WHERE ST_Intersects(f.geom, ST_PointOnSurface(u.geom))),
      (SELECT f.id FROM partition_faces f WHERE f.geom && ST_Expand(u.geom, 1e-6) ORDER BY ST_Distance(f.geom, ST_PointOnSurface(u.geom)), f.id LIMIT 1)) AS id) fid
  JOIN partition_faces f ON f.id = fid.id
