-- The barrier lines the metrics test the boundary between grids against (metrics.sql): the
-- classes of the job ($2), no tunnels, those near its area ($1), in pieces of at most 32
-- vertices, in degrees (g) and in metres of the local UTM zone ($3, gm), into a work table of
-- the transaction with its own index and statistics.
CREATE TEMP TABLE partition_metric_lines ON COMMIT DROP AS
SELECT s.class, s.g, ST_Transform(s.g, $3::int) AS gm
  FROM (SELECT b.class, ST_Subdivide(b.geom, 32) AS g
  FROM partition_jobs j JOIN barriers b ON b.jurisdiction_id = j.jurisdiction_id
 WHERE j.id = $1 AND b.class = ANY ($2::text[]) AND NOT coalesce((b.attributes->>'tunnel')::boolean, false)
   AND b.geom && ST_Expand(j.area, 0.0001)) s;
