-- Vector tiles. Every layer is one SQL function that returns its features already in tile
-- coordinates (extent 4096, y down, clipped with a buffer), so the real PostGIS can encode
-- them with ST_AsMVT and the embedded one (built without protobuf) with vt-pbf, from the
-- same rows. Precomputed incident counts serve the far zooms.

-- One feature of one MVT layer.
CREATE TYPE tile_feature AS (id bigint, geom geometry, props jsonb);

-- What ST_AsMVTGeom(ST_Transform(g, 3857), ST_TileEnvelope(z, x, y), 4096, 64, true) does,
-- written with functions both PostGIS builds have: clip to the buffered tile, map to tile
-- pixels, snap to the integer grid, repair, orient exterior rings as MVT wants (positive area
-- in y-down tile space). NULL when nothing of g is left in the tile.
CREATE FUNCTION tile_geom(g geometry, z integer, x integer, y integer, extent integer DEFAULT 4096, buffer integer DEFAULT 64)
RETURNS geometry
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  env geometry := ST_TileEnvelope(z, x, y);
  w double precision := ST_XMax(env) - ST_XMin(env);
  h double precision := ST_YMax(env) - ST_YMin(env);
  m geometry := ST_Transform(g, 3857);
  dim integer := ST_Dimension(g);
  t geometry;
BEGIN
  IF dim > 0 THEN
    m := ST_ClipByBox2D(m, ST_Expand(env, w * buffer / extent)::box2d);
  ELSIF NOT ST_Intersects(m, env) THEN
    -- Points belong to the tile they fall in only (the buffer is for lines and areas).
    RETURN NULL;
  END IF;
  IF m IS NULL OR ST_IsEmpty(m) THEN RETURN NULL; END IF;
  t := ST_Affine(m, extent / w, 0, 0, -extent / h, -ST_XMin(env) * extent / w, ST_YMax(env) * extent / h);
  t := ST_RemoveRepeatedPoints(ST_SnapToGrid(t, 1));
  IF dim = 2 THEN
    t := ST_CollectionExtract(ST_MakeValid(t), 3);
    IF t IS NULL OR ST_IsEmpty(t) OR ST_Area(t) < 1 THEN RETURN NULL; END IF;
    t := ST_ForcePolygonCCW(t);
  ELSIF dim = 1 THEN
    t := ST_CollectionExtract(t, 2);
    IF t IS NULL OR ST_IsEmpty(t) OR ST_Length(t) < 1 THEN RETURN NULL; END IF;
  END IF;
  RETURN t;
END;
$$;

-- The tile's envelope in 4326 with the buffer, for index lookups.
CREATE FUNCTION tile_bbox(z integer, x integer, y integer, extent integer DEFAULT 4096, buffer integer DEFAULT 64)
RETURNS geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ST_Transform(ST_Expand(e, (ST_XMax(e) - ST_XMin(e)) * buffer / extent), 4326)
    FROM ST_TileEnvelope(z, x, y) AS e;
$$;

-- Statuses that count as open (not closed, evaluated, rejected or parked).
CREATE FUNCTION incident_is_open(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT status IN ('reported', 'registered', 'dispatched', 'handled');
$$;

-- Open and total incidents per grid of any tier (through the chain kept at report time), so
-- grid tiles carry their figures without touching the incidents.
CREATE TABLE grid_incident_counts (
  jurisdiction_id integer NOT NULL REFERENCES jurisdictions (id) ON DELETE CASCADE,
  grid_code text NOT NULL,
  total integer NOT NULL DEFAULT 0,
  open integer NOT NULL DEFAULT 0,
  PRIMARY KEY (jurisdiction_id, grid_code)
);

-- Grid boundaries of every tier (layer 'tier<n>') and one label point per grid ('labels').
-- Figures (households, open incidents) only when p_figures: they need a role.
CREATE FUNCTION tile_grids(z integer, x integer, y integer, p_figures boolean)
RETURNS TABLE (layer text, feature tile_feature)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH g AS (
    SELECT g.id, g.jurisdiction_id, g.tier, g.code, g.name, g.name_en, g.parent_code, g.geom,
           COALESCE(g.households_override, g.households) AS households
      FROM grids g
     WHERE g.valid_to IS NULL AND g.geom && tile_bbox(z, x, y)
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

-- The offline basemap: water and parks, buildings (z >= 14), and barrier lines with the
-- minor classes left out at far zooms.
CREATE FUNCTION tile_basemap(z integer, x integer, y integer)
RETURNS TABLE (layer text, feature tile_feature)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT 'areas', (a.id, t, jsonb_strip_nulls(jsonb_build_object('kind', a.kind, 'name', a.name)))::tile_feature
    FROM basemap_areas a, tile_geom(a.geom, z, x, y) t
   WHERE a.geom && tile_bbox(z, x, y) AND t IS NOT NULL
  UNION ALL
  SELECT 'buildings', (h.id, t, jsonb_build_object('households', h.households))::tile_feature
    FROM households h, tile_geom(h.geom, z, x, y) t
   WHERE z >= 14 AND h.geom && tile_bbox(z, x, y) AND t IS NOT NULL
  UNION ALL
  SELECT 'barriers', (b.id, t, jsonb_strip_nulls(jsonb_build_object('kind', b.kind, 'class', b.class, 'name', b.name)))::tile_feature
    FROM barriers b, tile_geom(b.geom, z, x, y) t
   WHERE b.geom && tile_bbox(z, x, y) AND t IS NOT NULL
     AND (z >= 14 OR b.kind <> 'road' OR b.class IN ('motorway', 'trunk', 'primary', 'secondary', 'tertiary')
          OR (z >= 13 AND b.class IN ('unclassified', 'residential')));
$$;

-- Incident counts per Web Mercator cell at levels 6…19: level L holds the tile indexes of zoom
-- L, so a tile at zoom z < 14 draws its 64 × 64 bins from level z + 6 without touching the
-- incidents. Kept exact by statement-level triggers on incidents.
CREATE TABLE incident_cells (
  jurisdiction_id integer NOT NULL REFERENCES jurisdictions (id) ON DELETE CASCADE,
  level smallint NOT NULL CHECK (level BETWEEN 6 AND 19),
  cx integer NOT NULL,
  cy integer NOT NULL,
  total integer NOT NULL DEFAULT 0,
  open integer NOT NULL DEFAULT 0,
  PRIMARY KEY (level, cx, cy, jurisdiction_id)
);

-- Tile column/row of a WGS84 point at zoom 19 (the finest level kept).
CREATE FUNCTION mercator_cell19(g geometry) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY[
    least(greatest(floor((ST_X(g) + 180.0) / 360.0 * 524288)::integer, 0), 524287),
    least(greatest(floor((1.0 - ln(tan(radians(lat)) + 1.0 / cos(radians(lat))) / pi()) / 2.0 * 524288)::integer, 0), 524287)]
  FROM (SELECT least(greatest(ST_Y(g), -85.0511), 85.0511) AS lat) l;
$$;

-- The statement's changes, collected by the triggers below and applied by incident_counts_flush.
CREATE FUNCTION incident_counts_delta_ready() RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF to_regclass('pg_temp.incident_counts_delta') IS NULL THEN
    CREATE TEMP TABLE incident_counts_delta (jurisdiction_id integer, status text, geom geometry, grid_codes text[], sign integer) ON COMMIT DROP;
  END IF;
END;
$$;

-- Transition tables are visible only inside the trigger function itself, so each function
-- aggregates its own rows; rows are grouped first, then every level is written in one statement.
CREATE FUNCTION incident_counts_on_insert() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM incident_counts_delta_ready();
  INSERT INTO incident_counts_delta SELECT n.jurisdiction_id, n.status, n.geom, n.grid_codes, 1 FROM new_rows n;
  PERFORM incident_counts_flush();
  RETURN NULL;
END;
$$;

CREATE FUNCTION incident_counts_on_delete() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM incident_counts_delta_ready();
  INSERT INTO incident_counts_delta SELECT o.jurisdiction_id, o.status, o.geom, o.grid_codes, -1 FROM old_rows o;
  PERFORM incident_counts_flush();
  RETURN NULL;
END;
$$;

-- Only rows whose place, status, chain or jurisdiction changed move any count.
CREATE FUNCTION incident_counts_on_update() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM incident_counts_delta_ready();
  INSERT INTO incident_counts_delta
  SELECT x.jurisdiction_id, x.status, x.geom, x.grid_codes, x.sign
    FROM old_rows o JOIN new_rows n ON n.id = o.id,
         LATERAL (VALUES (o.jurisdiction_id, o.status, o.geom, o.grid_codes, -1), (n.jurisdiction_id, n.status, n.geom, n.grid_codes, 1))
           AS x (jurisdiction_id, status, geom, grid_codes, sign)
   WHERE o.status IS DISTINCT FROM n.status OR o.jurisdiction_id <> n.jurisdiction_id
      OR o.grid_codes IS DISTINCT FROM n.grid_codes OR NOT ST_Equals(o.geom, n.geom);
  PERFORM incident_counts_flush();
  RETURN NULL;
END;
$$;

-- Applies the statement's deltas to the cell pyramid and the per-grid counts, then empties them.
CREATE FUNCTION incident_counts_flush() RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  WITH leaf AS (
    SELECT d.jurisdiction_id, c[1] AS cx, c[2] AS cy, sum(d.sign)::integer AS total,
           sum(d.sign) FILTER (WHERE incident_is_open(d.status))::integer AS open
      FROM incident_counts_delta d, mercator_cell19(d.geom) c
     GROUP BY 1, 2, 3
  )
  INSERT INTO incident_cells AS t (jurisdiction_id, level, cx, cy, total, open)
  SELECT l.jurisdiction_id, lv.level, l.cx >> (19 - lv.level), l.cy >> (19 - lv.level), sum(l.total), COALESCE(sum(l.open), 0)
    FROM leaf l CROSS JOIN generate_series(6, 19) AS lv (level)
   GROUP BY 1, 2, 3, 4
  ON CONFLICT (level, cx, cy, jurisdiction_id)
  DO UPDATE SET total = t.total + EXCLUDED.total, open = t.open + EXCLUDED.open;

  INSERT INTO grid_incident_counts AS t (jurisdiction_id, grid_code, total, open)
  SELECT d.jurisdiction_id, g.code, sum(d.sign), COALESCE(sum(d.sign) FILTER (WHERE incident_is_open(d.status)), 0)
    FROM incident_counts_delta d, unnest(d.grid_codes) AS g (code)
   GROUP BY 1, 2
  ON CONFLICT (jurisdiction_id, grid_code)
  DO UPDATE SET total = t.total + EXCLUDED.total, open = t.open + EXCLUDED.open;

  DELETE FROM incident_counts_delta;
END;
$$;

CREATE TRIGGER incident_counts_insert AFTER INSERT ON incidents
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_counts_on_insert();
CREATE TRIGGER incident_counts_delete AFTER DELETE ON incidents
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_counts_on_delete();
CREATE TRIGGER incident_counts_update AFTER UPDATE ON incidents
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_counts_on_update();

-- Incidents: single points from zoom 14 (newest first, capped) with their deadline light, counts
-- per 64 × 64 bin below. Lights change with time alone: the incidents feature's light watcher
-- bumps the 'incidents' version when any light changes, so cached tiles follow.
CREATE FUNCTION tile_incidents(z integer, x integer, y integer, p_cap integer)
RETURNS TABLE (layer text, feature tile_feature)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT 'incidents', (i.id, t, jsonb_build_object('status', i.status, 'category', i.category_code, 'class', i.class,
           'light', incident_light(i.status, i.handle_warn_at, i.handle_due_at, i.close_warn_at, i.close_due_at, now()),
           'open', incident_is_open(i.status), 'reported_at', to_char(i.reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')))::tile_feature
    FROM (SELECT * FROM incidents WHERE z >= 14 AND geom && tile_bbox(z, x, y, 4096, 0) ORDER BY reported_at DESC, id DESC LIMIT p_cap) i,
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
