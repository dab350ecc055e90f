-- Per-grid metrics of one variant ($2): households and people (each building once), area,
-- Polsby–Popper 4πA/P², and the share of the grid's inner boundary (the edges it shares with
-- other grids) that lies within 1 m of a barrier, by class and over all classes ($3).
-- The shared edges are cut into pieces of ≤ 3 m ($4 = local UTM SRID) and each piece's
-- midpoint is tested against the barrier lines through their spatial index.
WITH j AS (SELECT id, jurisdiction_id, area FROM partition_jobs WHERE id = $1),
g AS (SELECT seq, geom FROM partition_grids WHERE job_id = $1 AND variant = $2),
one AS (
  SELECT DISTINCT ON (h.id) g.seq, h.households, coalesce(h.population, h.households * $5::double precision) AS people
    FROM j JOIN households h ON h.jurisdiction_id = j.jurisdiction_id AND ST_Intersects(j.area, h.pt)
    JOIN g ON ST_Intersects(g.geom, h.pt)
   ORDER BY h.id, g.seq
),
counts AS (SELECT seq, sum(households)::int AS households, sum(people) AS people FROM one GROUP BY seq),
pairs AS (
  SELECT a.seq AS sa, b.seq AS sb, ST_CollectionExtract(ST_Intersection(a.geom, b.geom, 1e-9), 2) AS line
    FROM g a JOIN g b ON a.seq < b.seq AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)
),
segs AS (
  SELECT p.sa, p.sb, ST_Length(s.geom) AS len, ST_Transform(ST_LineInterpolatePoint(s.geom, 0.5), 4326) AS mid
    FROM pairs p, ST_DumpSegments(ST_Segmentize(ST_Transform(p.line, $4::int), 3)) s
   WHERE NOT ST_IsEmpty(p.line)
),
seg_classes AS (
  SELECT s.sa, s.sb, s.len,
         (SELECT array_agg(DISTINCT b.class) FROM j, barriers b
           WHERE b.jurisdiction_id = j.jurisdiction_id AND b.class = ANY ($3)
             AND NOT coalesce((b.attributes->>'tunnel')::boolean, false)
             AND ST_DWithin(b.geom, s.mid, 0.00002) AND ST_Distance(b.geom::geography, s.mid::geography) <= 1.0) AS cls
    FROM segs s
),
per_grid AS (SELECT v.seq, sc.len, sc.cls FROM seg_classes sc CROSS JOIN LATERAL (VALUES (sc.sa), (sc.sb)) AS v(seq)),
shares AS (SELECT seq, sum(len) AS inner_m, coalesce(sum(len) FILTER (WHERE cls IS NOT NULL), 0) AS on_any_m FROM per_grid GROUP BY seq),
by_class AS (
  SELECT x.seq, jsonb_object_agg(x.c, round((x.l / s.inner_m)::numeric, 4)) AS share
    FROM (SELECT seq, c, sum(len) AS l FROM per_grid, unnest(cls) AS c GROUP BY seq, c) x JOIN shares s ON s.seq = x.seq
   GROUP BY x.seq
),
m AS (
  SELECT g.seq, coalesce(c.households, 0) AS households, coalesce(c.people, 0) AS people,
         coalesce(s.inner_m, 0) AS inner_m, coalesce(s.on_any_m, 0) AS on_any_m,
         CASE WHEN s.inner_m > 0 THEN coalesce(bc.share, '{}'::jsonb) || jsonb_build_object('any', round((s.on_any_m / s.inner_m)::numeric, 4)) ELSE '{}'::jsonb END AS share
    FROM g LEFT JOIN counts c ON c.seq = g.seq LEFT JOIN shares s ON s.seq = g.seq LEFT JOIN by_class bc ON bc.seq = g.seq
)
UPDATE partition_grids p SET
  households = m.households,
  population = m.people,
  area_m2 = ST_Area(p.geom::geography),
  polsby_popper = 4 * pi() * ST_Area(p.geom::geography) / nullif(ST_Perimeter(p.geom::geography) ^ 2, 0),
  barrier_share = m.share
  FROM m
 WHERE p.job_id = $1 AND p.variant = $2 AND p.seq = m.seq
RETURNING p.seq, p.households, p.population, p.area_m2 AS "areaM2", p.polsby_popper AS "polsbyPopper",
          m.inner_m AS "innerM", m.on_any_m AS "onBarrierM", p.flag, p.flag_reason AS "flagReason"
