-- The space-time cube on grids of tier $6: incidents per grid and step ($7: week or month, UTC).
WITH /*filter*/, g AS (
  SELECT code, geom FROM grids
  WHERE jurisdiction_id = $1 AND tier = $6::int AND valid_to IS NULL
    AND ($5::text IS NULL OR ST_Intersects(ST_PointOnSurface(geom), (SELECT geom FROM area)))
)
SELECT g.code AS unit,
       to_char(date_trunc($7::text, inc.reported_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS step,
       count(*)::int AS n
FROM g JOIN inc ON ST_Intersects(inc.geom, g.geom)
GROUP BY 1, 2;
