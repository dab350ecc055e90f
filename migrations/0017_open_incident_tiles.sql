-- Open incidents as tiles: what the panorama and the wall draw (incidents in their deadline
-- lights). The 'incidents' tiles hold the newest incidents of every status up to the feature
-- cap, so with many closed cases a tile could leave out an old open case — the overdue red one
-- a command centre most needs — and carried tens of thousands of closed points the map filtered
-- away. These tiles hold every open incident (oldest first when a cap cuts: the longest-waiting
-- are kept), and far out the open counts per 64 × 64 bin.
-- Their points carry what the maps use and can filter or style by (light, status, category,
-- class), not the report time: a distinct string per point (MVT keeps one value per distinct
-- string), it was most of each feature (973k incidents, 21k open: the wall's z14 tile 577 kB
-- with it, 334 kB without).
-- Open cases are a few per cent of all: a small partial index finds them by place.
CREATE INDEX incidents_open_geom ON incidents USING gist (geom)
  WHERE status IN ('reported', 'registered', 'dispatched', 'handled');

CREATE FUNCTION tile_open_incidents(z integer, x integer, y integer, p_cap integer)
RETURNS TABLE (layer text, feature tile_feature)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT 'incidents', (i.id, t, jsonb_build_object('status', i.status, 'category', i.category_code, 'class', i.class,
           'light', incident_light(i.status, i.handle_warn_at, i.handle_due_at, i.close_warn_at, i.close_due_at, now())))::tile_feature
    FROM (SELECT * FROM incidents
           WHERE z >= 14 AND status IN ('reported', 'registered', 'dispatched', 'handled') AND geom && tile_bbox(z, x, y, 4096, 0)
           ORDER BY reported_at, id LIMIT p_cap) i,
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

-- The same for a user limited to one grid and its children (a kiosk token's area); its bins are
-- counted per request from the area's open incidents (few; the partial index above).
CREATE FUNCTION tile_open_incidents_area(z integer, x integer, y integer, p_cap integer, p_area text)
RETURNS TABLE (layer text, feature tile_feature)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT 'incidents', (i.id, t, jsonb_build_object('status', i.status, 'category', i.category_code, 'class', i.class,
           'light', incident_light(i.status, i.handle_warn_at, i.handle_due_at, i.close_warn_at, i.close_due_at, now())))::tile_feature
    FROM (SELECT * FROM incidents
           WHERE z >= 14 AND status IN ('reported', 'registered', 'dispatched', 'handled')
             AND grid_codes @> ARRAY[p_area] AND geom && tile_bbox(z, x, y, 4096, 0)
           ORDER BY reported_at, id LIMIT p_cap) i,
         tile_geom(i.geom, z, x, y) t
   WHERE t IS NOT NULL
  UNION ALL
  SELECT 'incident_bins',
         (((b.cx - x * 64) * 64 + (b.cy - y * 64))::bigint,
          ST_MakePoint(((b.cx - x * 64) * 64 + 32)::double precision, ((b.cy - y * 64) * 64 + 32)::double precision),
          jsonb_build_object('open', count(*)))::tile_feature
    FROM (SELECT c[1] >> (13 - z) AS cx, c[2] >> (13 - z) AS cy
            FROM incidents i, mercator_cell19(i.geom) c
           WHERE z < 14 AND i.status IN ('reported', 'registered', 'dispatched', 'handled')
             AND i.grid_codes @> ARRAY[p_area] AND i.geom && tile_bbox(z, x, y, 4096, 0)) b
   WHERE b.cx BETWEEN x * 64 AND x * 64 + 63 AND b.cy BETWEEN y * 64 AND y * 64 + 63
   GROUP BY b.cx, b.cy;
$$;
