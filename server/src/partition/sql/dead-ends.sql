-- Dead ends of barrier lines inside the blocks that are cut between buildings (faces holding
-- more than $1 households): a dead-end street, service road or path that enters a block without
-- crossing it. For each, its free end P and a point Q up to 10 m back along the line, in metres
-- ($2 = local UTM SRID) and P in degrees as it is (the cut starts exactly there, so the noding
-- joins it to the line), and per face every line of the block (its outline and the lines inside
-- it) in metres: cuts.ts continues each dead end from Q through P to the first line it meets.
-- Lines shorter than 5 m give no direction worth following. The noded lines inside a face are
-- merged through their degree-2 nodes, so an end shared by no other piece and not on the face's
-- outline is a dead end.
WITH f AS (SELECT id, geom, ST_Boundary(geom) AS rim FROM partition_faces WHERE households > $1::float8),
inside AS (
  SELECT f.id, f.rim, (ST_Dump(ST_LineMerge(ST_Union(ST_CollectionExtract(ST_Intersection(l.g, f.geom, 1e-9), 2), 1e-9)))).geom AS g
    FROM f JOIN partition_lines l ON NOT l.split AND l.g && f.geom AND ST_Intersects(l.g, f.geom)
   GROUP BY f.id, f.rim
),
parts AS (
  SELECT row_number() OVER () AS part, id, rim, g, ST_Transform(g, $2::int) AS gm FROM inside WHERE NOT ST_IsEmpty(g)
),
ends AS (
  SELECT p.part, p.id, p.rim, p.gm, e.at, e.pt
    FROM parts p, LATERAL (VALUES (0, ST_StartPoint(p.g)), (1, ST_EndPoint(p.g))) AS e(at, pt)
   WHERE NOT ST_IsClosed(p.g)
),
dead AS (
  SELECT e.id, e.gm, e.at, e.pt FROM ends e
   WHERE ST_Length(e.gm) >= 5
     AND NOT ST_DWithin(e.pt, e.rim, 1e-8)
     AND NOT EXISTS (SELECT 1 FROM ends o WHERE o.id = e.id AND (o.part, o.at) <> (e.part, e.at) AND ST_DWithin(o.pt, e.pt, 1e-8))
),
pq AS (
  SELECT d.id, ST_X(x.d) AS lng, ST_Y(x.d) AS lat, round(ST_X(x.p)::numeric, 3)::float8 AS px, round(ST_Y(x.p)::numeric, 3)::float8 AS py,
         round(ST_X(x.q)::numeric, 3)::float8 AS qx, round(ST_Y(x.q)::numeric, 3)::float8 AS qy
    FROM dead d,
         LATERAL (SELECT d.pt AS d, CASE WHEN d.at = 1 THEN ST_EndPoint(d.gm) ELSE ST_StartPoint(d.gm) END AS p,
                         ST_LineInterpolatePoint(d.gm, CASE WHEN d.at = 1 THEN greatest(0, 1 - 10 / ST_Length(d.gm)) ELSE least(1, 10 / ST_Length(d.gm)) END) AS q) x
)
SELECT pq.id AS face, array_agg(lng ORDER BY px, py) AS lng, array_agg(lat ORDER BY px, py) AS lat, array_agg(px ORDER BY px, py) AS px, array_agg(py ORDER BY px, py) AS py,
       array_agg(qx ORDER BY px, py) AS qx, array_agg(qy ORDER BY px, py) AS qy,
       (SELECT ST_AsGeoJSON(ST_Collect(ST_Transform(f.rim, $2::int), ST_Collect(p.gm ORDER BY p.part)), 3)::json FROM f JOIN parts p ON p.id = f.id WHERE f.id = pq.id GROUP BY f.rim) AS lines
  FROM pq
 GROUP BY pq.id
 ORDER BY pq.id
