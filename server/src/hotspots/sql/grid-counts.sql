-- Incidents per current grid of tier $6 (inside grid $5 when given), with households
-- (the override when set), population and a centroid for distance neighbours.
WITH /*filter*/, g AS (
  SELECT code, name, geom, COALESCE(households_override, households) AS households, population
  FROM grids
  WHERE jurisdiction_id = $1 AND tier = $6::int AND valid_to IS NULL
    AND ($5::text IS NULL OR ST_Intersects(ST_PointOnSurface(geom), (SELECT geom FROM area)))
)
SELECT g.code, g.name, g.households, g.population,
       ST_X(ST_Centroid(g.geom)) AS lon, ST_Y(ST_Centroid(g.geom)) AS lat,
       (SELECT count(*)::int FROM inc WHERE ST_Intersects(inc.geom, g.geom)) AS n
FROM g ORDER BY g.code;
