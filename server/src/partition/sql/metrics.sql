-- Per-grid metrics of one variant ($2): households and people (each building once), area,
-- Polsby–Popper 4πA/P², and the share of the grid's inner boundary (the edges it shares with
-- other grids) that lies within 1 m of a barrier, by class and over all classes (the job's classes,
-- metric-lines.sql).
-- The shared edges are cut into pieces of ≤ 3 m ($3 = local UTM SRID) and each piece's
-- midpoint is tested against the barrier lines near the job's area (the work table
-- partition_metric_lines, metric-lines.sql, indexed in metres): within 1 m on the spheroid. The
-- planar distance in the local UTM zone decides where it cannot be wrong (the zone's scale is
-- within 1 % of true: ≤ 0.99 m is within, > 1.01 m is not), the spheroid only in between — the
-- same answer as the spheroid alone, without its cost for the ~80 % of pieces that lie on a
-- line (a 200k-piece job: 9 of the statement's 12 s).
-- The grids' households and the shares are materialised once: planned as one-row CTEs they were
-- recomputed for every grid (six copies of Monaco: 13 s of the statement's 23 s).
-- $5: the grids an edit touched (NULL: all): only they and the grids that border them are
-- recomputed (no other grid's households or boundary changed), and only their rows returned.
WITH j AS (SELECT id, jurisdiction_id, area FROM partition_jobs WHERE id = $1),
g AS (SELECT seq, geom FROM partition_grids WHERE job_id = $1 AND variant = $2),
redo AS MATERIALIZED (
  SELECT seq FROM g WHERE $5::int[] IS NULL OR seq = ANY ($5::int[])
  UNION
  SELECT b.seq FROM g a JOIN g b ON a.seq <> b.seq AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom) WHERE a.seq = ANY ($5::int[])
),
-- Each building once, in the grid of lowest seq that holds it (found through the grids' index).
one AS MATERIALIZED (
  SELECT x.seq, h.households, coalesce(h.population, h.households * $4::double precision) AS people
    FROM j JOIN households h ON h.jurisdiction_id = j.jurisdiction_id AND ST_Intersects(j.area, h.pt)
    CROSS JOIN LATERAL (SELECT min(p.seq) AS seq FROM partition_grids p
                         WHERE p.job_id = $1 AND p.variant = $2 AND p.geom && h.pt AND ST_Intersects(p.geom, h.pt)) x
   WHERE x.seq IN (SELECT seq FROM redo)
),
counts AS MATERIALIZED (SELECT seq, sum(households)::int AS households, sum(people) AS people FROM one GROUP BY seq),
pairs AS (
  SELECT a.seq AS sa, b.seq AS sb, ST_CollectionExtract(ST_Intersection(a.geom, b.geom, 1e-9), 2) AS line
    FROM g a JOIN g b ON a.seq < b.seq AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)
   WHERE a.seq IN (SELECT seq FROM redo) OR b.seq IN (SELECT seq FROM redo)
),
segs AS (
  SELECT p.sa, p.sb, ST_Length(s.geom) AS len, ST_LineInterpolatePoint(s.geom, 0.5) AS mid_m
    FROM pairs p, ST_DumpSegments(ST_Segmentize(ST_Transform(p.line, $3::int), 3)) s
   WHERE NOT ST_IsEmpty(p.line)
),
seg_classes AS (
  SELECT s.sa, s.sb, s.len,
         (SELECT array_agg(DISTINCT b.class) FROM partition_metric_lines b
           WHERE ST_DWithin(b.gm, s.mid_m, 1.01)
             AND (ST_DWithin(b.gm, s.mid_m, 0.99) OR ST_Distance(b.g::geography, ST_Transform(s.mid_m, 4326)::geography) <= 1.0)) AS cls
    FROM segs s
),
per_grid AS (SELECT v.seq, sc.len, sc.cls FROM seg_classes sc CROSS JOIN LATERAL (VALUES (sc.sa), (sc.sb)) AS v(seq)),
shares AS MATERIALIZED (SELECT seq, sum(len) AS inner_m, coalesce(sum(len) FILTER (WHERE cls IS NOT NULL), 0) AS on_any_m FROM per_grid GROUP BY seq),
by_class AS MATERIALIZED (
  SELECT x.seq, jsonb_object_agg(x.c, round((x.l / s.inner_m)::numeric, 4)) AS share
    FROM (SELECT seq, c, sum(len) AS l FROM per_grid, unnest(cls) AS c GROUP BY seq, c) x JOIN shares s ON s.seq = x.seq
   GROUP BY x.seq
),
m AS (
  SELECT g.seq, coalesce(c.households, 0) AS households, coalesce(c.people, 0) AS people,
         coalesce(s.inner_m, 0) AS inner_m, coalesce(s.on_any_m, 0) AS on_any_m,
         CASE WHEN s.inner_m > 0 THEN coalesce(bc.share, '{}'::jsonb) || jsonb_build_object('any', round((s.on_any_m / s.inner_m)::numeric, 4)) ELSE '{}'::jsonb END AS share
    FROM g JOIN redo r ON r.seq = g.seq LEFT JOIN counts c ON c.seq = g.seq LEFT JOIN shares s ON s.seq = g.seq LEFT JOIN by_class bc ON bc.seq = g.seq
)
UPDATE partition_grids p SET
  households = m.households,
  population = m.people,
  area_m2 = ST_Area(p.geom::geography),
  polsby_popper = 4 * pi() * ST_Area(p.geom::geography) / nullif(ST_Perimeter(p.geom::geography) ^ 2, 0),
  barrier_share = m.share,
  inner_m = m.inner_m,
  on_barrier_m = m.on_any_m
  FROM m
 WHERE p.job_id = $1 AND p.variant = $2 AND p.seq = m.seq
RETURNING p.seq, p.households, p.population, p.area_m2 AS "areaM2", p.polsby_popper AS "polsbyPopper",
          m.inner_m AS "innerM", m.on_any_m AS "onBarrierM", p.flag, p.flag_reason AS "flagReason"
