-- Every tile function reads its tile's bounding box from FROM (tile_bbox(...) AS bbox), no longer
-- as an expression in WHERE: the same rows, but the box is computed once per statement in every
-- plan.
--
-- Why: the tile route runs small tiles as named prepared statements (server/src/tiles/encode.ts),
-- and after five custom plans PostgreSQL may keep a generic plan, in which z, x and y are
-- parameters. There `geom && tile_bbox(z, x, y)` can no longer be folded into a constant, and
-- when the planner preferred another index it became a per-row Filter: tile_bbox (two
-- ST_Transforms) ran for every row the other index returned. Measured 2026-12-01 on the embedded
-- PostGIS, whose tables have no statistics until something runs ANALYZE (PGlite has no
-- autovacuum): the hot-spot tile statement's generic plan scanned hotspot_cells by (scope, res)
-- and filtered every cell of the resolution by a freshly computed box — 5.3 ms in the index scan
-- for a 26-cell tile whose custom plan took 0.05 ms there, and 1.3 ms a tile named against
-- 0.7–0.9 ms unnamed; grid tiles the same way (0.9 ms named, 0.4 ms once analysed).
-- From FROM the box is a one-row function scan: a generic plan joins it to the GiST index
-- (a parameterised index scan, the box computed once), and a custom plan still folds the
-- constant call into the index condition (PostgreSQL 13+ pulls up constant functions in FROM),
-- so custom plans are what they were.

CREATE OR REPLACE FUNCTION tile_grids(z integer, x integer, y integer, p_figures boolean)
RETURNS TABLE (layer text, feature tile_feature)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH g AS (
    SELECT g.id, g.jurisdiction_id, g.tier, g.code, g.name, g.name_en, g.parent_code, g.geom,
           COALESCE(g.households_override, g.households) AS households
      FROM tile_bbox(z, x, y) AS bbox, grids g
     WHERE g.valid_to IS NULL AND g.geom && bbox
  ), figures AS (
    SELECT g.id, COALESCE(c.open, 0) AS open
      FROM g LEFT JOIN grid_incident_counts c ON c.jurisdiction_id = g.jurisdiction_id AND c.grid_code = g.code
     WHERE p_figures
  ), props AS (
    SELECT g.*, jsonb_strip_nulls(jsonb_build_object(
             'code', g.code, 'name', g.name, 'name_en', g.name_en, 'tier', g.tier, 'parent', g.parent_code,
             'households', CASE WHEN p_figures THEN g.households END,
             'open', f.open,
             'open_per_100', CASE WHEN p_figures AND g.households > 0 THEN round(f.open * 100.0 / g.households, 2) END)) AS p
      FROM g LEFT JOIN figures f ON f.id = g.id
  )
  SELECT 'tier' || p.tier, (p.id, t, p.p)::tile_feature
    FROM props p, tile_geom(p.geom, z, x, y) t WHERE t IS NOT NULL
  UNION ALL
  SELECT 'labels', (p.id, t, p.p)::tile_feature
    FROM props p, tile_geom(ST_PointOnSurface(p.geom), z, x, y) t WHERE t IS NOT NULL;
$$;

CREATE OR REPLACE FUNCTION tile_basemap(z integer, x integer, y integer)
RETURNS TABLE (layer text, feature tile_feature)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT 'areas', (a.id, t, jsonb_strip_nulls(jsonb_build_object('kind', a.kind, 'name', a.name)))::tile_feature
    FROM tile_bbox(z, x, y) AS bbox, basemap_areas a, tile_geom(a.geom, z, x, y) t
   WHERE a.geom && bbox AND t IS NOT NULL
  UNION ALL
  SELECT 'buildings', (h.id, t, jsonb_build_object('households', h.households))::tile_feature
    FROM tile_bbox(z, x, y) AS bbox, households h, tile_geom(h.geom, z, x, y) t
   WHERE z >= 14 AND h.geom && bbox AND t IS NOT NULL
  UNION ALL
  SELECT 'barriers', (b.id, t, jsonb_strip_nulls(jsonb_build_object('kind', b.kind, 'class', b.class, 'name', b.name)))::tile_feature
    FROM tile_bbox(z, x, y) AS bbox, barriers b, tile_geom(b.geom, z, x, y) t
   WHERE b.geom && bbox AND t IS NOT NULL
     AND (z >= 14 OR b.kind <> 'road' OR b.class IN ('motorway', 'trunk', 'primary', 'secondary', 'tertiary')
          OR (z >= 13 AND b.class IN ('unclassified', 'residential')));
$$;

CREATE OR REPLACE FUNCTION tile_incidents(z integer, x integer, y integer, p_cap integer)
RETURNS TABLE (layer text, feature tile_feature)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT 'incidents', (i.id, t, jsonb_build_object('status', i.status, 'category', i.category_code, 'class', i.class,
           'light', incident_light(i.status, i.handle_warn_at, i.handle_due_at, i.close_warn_at, i.close_due_at, now()),
           'open', incident_is_open(i.status), 'reported_at', to_char(i.reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')))::tile_feature
    FROM (SELECT n.* FROM tile_bbox(z, x, y, 4096, 0) AS bbox, incidents n
           WHERE z >= 14 AND n.geom && bbox ORDER BY n.reported_at DESC, n.id DESC LIMIT p_cap) i,
         tile_geom(i.geom, z, x, y) t
   WHERE t IS NOT NULL
  UNION ALL
  SELECT 'incident_bins',
         (((c.cx - x * 64) * 64 + (c.cy - y * 64))::bigint,
          ST_MakePoint(((c.cx - x * 64) * 64 + 32)::double precision, ((c.cy - y * 64) * 64 + 32)::double precision),
          jsonb_build_object('total', sum(c.total), 'open', sum(c.open)))::tile_feature
    FROM incident_cells c
   WHERE z < 14 AND c.level = z + 6
     AND c.cx BETWEEN x * 64 AND x * 64 + 63 AND c.cy BETWEEN y * 64 AND y * 64 + 63
   GROUP BY c.cx, c.cy
  HAVING sum(c.total) > 0;
$$;

CREATE OR REPLACE FUNCTION tile_incidents_area(z integer, x integer, y integer, p_cap integer, p_area text)
RETURNS TABLE (layer text, feature tile_feature)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT 'incidents', (i.id, t, jsonb_build_object('status', i.status, 'category', i.category_code, 'class', i.class,
           'light', incident_light(i.status, i.handle_warn_at, i.handle_due_at, i.close_warn_at, i.close_due_at, now()),
           'open', incident_is_open(i.status), 'reported_at', to_char(i.reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')))::tile_feature
    FROM (SELECT n.* FROM tile_bbox(z, x, y, 4096, 0) AS bbox, incidents n
           WHERE z >= 14 AND n.grid_codes @> ARRAY[p_area] AND n.geom && bbox
           ORDER BY n.reported_at DESC, n.id DESC LIMIT p_cap) i,
         tile_geom(i.geom, z, x, y) t
   WHERE t IS NOT NULL
  UNION ALL
  SELECT 'incident_bins',
         (((b.cx - x * 64) * 64 + (b.cy - y * 64))::bigint,
          ST_MakePoint(((b.cx - x * 64) * 64 + 32)::double precision, ((b.cy - y * 64) * 64 + 32)::double precision),
          jsonb_build_object('total', count(*), 'open', count(*) FILTER (WHERE incident_is_open(b.status))))::tile_feature
    FROM (SELECT c[1] >> (13 - z) AS cx, c[2] >> (13 - z) AS cy, i.status
            FROM tile_bbox(z, x, y, 4096, 0) AS bbox, incidents i, mercator_cell19(i.geom) c
           WHERE z < 14 AND i.grid_codes @> ARRAY[p_area] AND i.geom && bbox) b
   WHERE b.cx BETWEEN x * 64 AND x * 64 + 63 AND b.cy BETWEEN y * 64 AND y * 64 + 63
   GROUP BY b.cx, b.cy;
$$;

CREATE OR REPLACE FUNCTION tile_hotspots(z integer, x integer, y integer, p_cap integer, p_scope text)
RETURNS TABLE (layer text, feature tile_feature)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT 'h3', (c.id, t, jsonb_strip_nulls(jsonb_build_object(
           'cell', to_hex(c.cell), 'res', c.res, 'count', c.count, 'households', c.households,
           'rate', round(c.rate::numeric, 2), 'gi_z', round(c.gi_z::numeric, 3), 'gi_p', round(c.gi_p::numeric, 6),
           'gi_class', c.gi_class)))::tile_feature
    FROM (SELECT h.* FROM tile_bbox(z, x, y) AS bbox, hotspot_cells h
           WHERE z >= 6 AND h.scope = p_scope AND h.res = hotspot_res(z) AND h.geom && bbox
           ORDER BY h.count DESC, h.id LIMIT p_cap) c,
         tile_geom(c.geom, z, x, y) t
   WHERE t IS NOT NULL;
$$;

CREATE OR REPLACE FUNCTION tile_open_incidents(z integer, x integer, y integer, p_cap integer)
RETURNS TABLE (layer text, feature tile_feature)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT 'incidents', (i.id, t, jsonb_build_object('status', i.status, 'category', i.category_code, 'class', i.class,
           'light', incident_light(i.status, i.handle_warn_at, i.handle_due_at, i.close_warn_at, i.close_due_at, now())))::tile_feature
    FROM (SELECT n.* FROM tile_bbox(z, x, y, 4096, 0) AS bbox, incidents n
           WHERE z >= 14 AND n.status IN ('reported', 'registered', 'dispatched', 'handled') AND n.geom && bbox
           ORDER BY n.reported_at, n.id LIMIT p_cap) i,
         tile_geom(i.geom, z, x, y) t
   WHERE t IS NOT NULL
  UNION ALL
  SELECT 'incident_bins',
         (((c.cx - x * 64) * 64 + (c.cy - y * 64))::bigint,
          ST_MakePoint(((c.cx - x * 64) * 64 + 32)::double precision, ((c.cy - y * 64) * 64 + 32)::double precision),
          jsonb_build_object('open', sum(c.open)))::tile_feature
    FROM incident_cells c
   WHERE z < 14 AND c.level = z + 6
     AND c.cx BETWEEN x * 64 AND x * 64 + 63 AND c.cy BETWEEN y * 64 AND y * 64 + 63
   GROUP BY c.cx, c.cy
  HAVING sum(c.open) > 0;
$$;

CREATE OR REPLACE FUNCTION tile_open_incidents_area(z integer, x integer, y integer, p_cap integer, p_area text)
RETURNS TABLE (layer text, feature tile_feature)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT 'incidents', (i.id, t, jsonb_build_object('status', i.status, 'category', i.category_code, 'class', i.class,
           'light', incident_light(i.status, i.handle_warn_at, i.handle_due_at, i.close_warn_at, i.close_due_at, now())))::tile_feature
    FROM (SELECT n.* FROM tile_bbox(z, x, y, 4096, 0) AS bbox, incidents n
           WHERE z >= 14 AND n.status IN ('reported', 'registered', 'dispatched', 'handled')
             AND n.grid_codes @> ARRAY[p_area] AND n.geom && bbox
           ORDER BY n.reported_at, n.id LIMIT p_cap) i,
         tile_geom(i.geom, z, x, y) t
   WHERE t IS NOT NULL
  UNION ALL
  SELECT 'incident_bins',
         (((b.cx - x * 64) * 64 + (b.cy - y * 64))::bigint,
          ST_MakePoint(((b.cx - x * 64) * 64 + 32)::double precision, ((b.cy - y * 64) * 64 + 32)::double precision),
          jsonb_build_object('open', count(*)))::tile_feature
    FROM (SELECT c[1] >> (13 - z) AS cx, c[2] >> (13 - z) AS cy
            FROM tile_bbox(z, x, y, 4096, 0) AS bbox, incidents i, mercator_cell19(i.geom) c
           WHERE z < 14 AND i.status IN ('reported', 'registered', 'dispatched', 'handled')
             AND i.grid_codes @> ARRAY[p_area] AND i.geom && bbox) b
   WHERE b.cx BETWEEN x * 64 AND x * 64 + 63 AND b.cy BETWEEN y * 64 AND y * 64 + 63
   GROUP BY b.cx, b.cy;
$$;
