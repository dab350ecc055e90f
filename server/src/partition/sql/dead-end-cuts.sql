-- The continuations of dead ends (cuts.ts deadEndCuts; segments in metres, $1 = local UTM SRID)
-- back in degrees, each starting exactly at its dead end ($6, $7: the point as the network has
-- it), so the noding joins it to its street; the 0.5 m past the line it meets is a dangle that
-- polygonizing drops.
INSERT INTO partition_lines (hard, split, g)
SELECT false, true, ST_SetPoint(ST_Transform(ST_SetSRID(ST_MakeLine(ST_MakePoint(c.x0, c.y0), ST_MakePoint(c.x1, c.y1)), $1::int), 4326), 0,
                                ST_SetSRID(ST_MakePoint(c.lng, c.lat), 4326))
  FROM unnest($2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[]) AS c(x0, y0, x1, y1, lng, lat)
