-- The cells of one scope ($1), jurisdiction ($2) and resolution ($3), as parallel arrays:
-- cell, hexagon (WKT), count, households, rate, gi_z, gi_p, gi_class.
INSERT INTO hotspot_cells (scope, jurisdiction_id, res, cell, geom, count, households, rate, gi_z, gi_p, gi_class)
SELECT $1, $2, $3, v.cell, ST_GeomFromText(v.wkt, 4326), v.count, v.households, v.rate, v.gi_z, v.gi_p, v.gi_class
FROM unnest($4::bigint[], $5::text[], $6::int[], $7::int[], $8::float8[], $9::float8[], $10::float8[], $11::smallint[])
  AS v (cell, wkt, count, households, rate, gi_z, gi_p, gi_class);
