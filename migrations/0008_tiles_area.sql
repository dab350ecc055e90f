-- Incident tiles limited to one grid and its children (a kiosk token's area): the points of that
-- grid's incidents, and bins counted on the fly from them. The precomputed pyramid covers the
-- whole jurisdiction; one area's incidents are few enough to bin per request (GIN on grid_codes).
CREATE FUNCTION tile_incidents_area(z integer, x integer, y integer, p_cap integer, p_area text)
RETURNS TABLE (layer text, feature tile_feature)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT 'incidents', (i.id, t, jsonb_build_object('status', i.status, 'category', i.category_code, 'class', i.class,
           'light', incident_light(i.status, i.handle_warn_at, i.handle_due_at, i.close_warn_at, i.close_due_at, now()),
           'open', incident_is_open(i.status), 'reported_at', to_char(i.reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')))::tile_feature
    FROM (SELECT * FROM incidents
           WHERE z >= 14 AND grid_codes @> ARRAY[p_area] AND geom && tile_bbox(z, x, y, 4096, 0)
           ORDER BY reported_at DESC, id DESC LIMIT p_cap) i,
         tile_geom(i.geom, z, x, y) t
   WHERE t IS NOT NULL
  UNION ALL
  SELECT 'incident_bins',
         (((b.cx - x * 64) * 64 + (b.cy - y * 64))::bigint,
          ST_MakePoint(((b.cx - x * 64) * 64 + 32)::double precision, ((b.cy - y * 64) * 64 + 32)::double precision),
          jsonb_build_object('total', count(*), 'open', count(*) FILTER (WHERE incident_is_open(b.status))))::tile_feature
    FROM (SELECT c[1] >> (13 - z) AS cx, c[2] >> (13 - z) AS cy, i.status
            FROM incidents i, mercator_cell19(i.geom) c
           WHERE z < 14 AND i.grid_codes @> ARRAY[p_area] AND i.geom && tile_bbox(z, x, y, 4096, 0)) b
   WHERE b.cx BETWEEN x * 64 AND x * 64 + 63 AND b.cy BETWEEN y * 64 AND y * 64 + 63
   GROUP BY b.cx, b.cy;
$$;
