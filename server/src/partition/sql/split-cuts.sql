-- The straight cuts of cuts.ts (segments in metres, $2 = local UTM SRID) back in degrees, clipped
-- to a hair around their face so the noding closes every piece (the overshoot is a dangle that
-- polygonizing drops).
INSERT INTO partition_lines (hard, split, g)
SELECT false, true, ST_CollectionExtract(ST_Intersection(ST_Transform(s.g, 4326), ST_Buffer(f.geom, 1e-7), 1e-9), 2)
  FROM (SELECT c.face, ST_SetSRID(ST_Collect(ST_MakeLine(ST_MakePoint(c.x0, c.y0), ST_MakePoint(c.x1, c.y1))), $2::int) AS g
          FROM unnest($1::int[], $3::float8[], $4::float8[], $5::float8[], $6::float8[]) AS c(face, x0, y0, x1, y1)
         GROUP BY c.face) s
  JOIN partition_faces f ON f.id = s.face
