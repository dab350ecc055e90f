-- Hot-spot tiles: incident counts and Getis-Ord Gi* classes per H3 cell as a tileset.
--
-- PostGIS has no H3 and Gi* is computed by the hot-spot code (server/src/hotspots/), so the
-- cells are precomputed, not made per tile: for one scope (the whole jurisdiction, or the area
-- of a kiosk token), jurisdiction and resolution at a time, when a tile first needs them at the
-- current data version, and written here with their hexagons. A tile is then an indexed
-- bounding-box read of a few hundred rows, whatever the number of incidents.
--
-- Staying correct: hotspot_cell_versions records the composite data version (incidents,
-- households, grids, as in the tile URLs) read *before* the cells were computed, so the rows
-- are never older than the version they are filed under; a tile at a newer version finds a
-- different version here and has the cells recomputed first (server/src/hotspots/tileset.ts).

CREATE TABLE hotspot_cells (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- '' = the whole jurisdiction; otherwise the grid code a kiosk token is limited to.
  scope text NOT NULL,
  jurisdiction_id integer NOT NULL REFERENCES jurisdictions (id) ON DELETE CASCADE,
  res smallint NOT NULL CHECK (res BETWEEN 7 AND 11),
  cell bigint NOT NULL,
  geom geometry(Polygon, 4326) NOT NULL,
  count integer NOT NULL,
  households integer,
  rate double precision,
  -- NULL when Gi* was not computed for this scope and resolution (too few cells, no variation).
  gi_z double precision,
  gi_p double precision,
  gi_class smallint
);
CREATE INDEX hotspot_cells_geom ON hotspot_cells USING gist (geom);
CREATE INDEX hotspot_cells_key ON hotspot_cells (scope, jurisdiction_id, res);

CREATE TABLE hotspot_cell_versions (
  scope text NOT NULL,
  jurisdiction_id integer NOT NULL REFERENCES jurisdictions (id) ON DELETE CASCADE,
  res smallint NOT NULL CHECK (res BETWEEN 7 AND 11),
  version text NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now(),
  -- Why Gi* is missing, when it is (the error code of GET /api/hotspots/gi).
  gi_refused text,
  PRIMARY KEY (scope, jurisdiction_id, res)
);

-- The H3 resolution drawn at zoom z: cells of roughly 10–25 px across.
CREATE FUNCTION hotspot_res(z integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN z <= 10 THEN 7 WHEN z <= 12 THEN 8 WHEN z <= 14 THEN 9 WHEN z = 15 THEN 10 ELSE 11 END
$$;

-- One layer, h3: the precomputed cells of scope p_scope at the zoom's resolution (from z 6).
CREATE FUNCTION tile_hotspots(z integer, x integer, y integer, p_cap integer, p_scope text)
RETURNS TABLE (layer text, feature tile_feature)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT 'h3', (c.id, t, jsonb_strip_nulls(jsonb_build_object(
           'cell', to_hex(c.cell), 'res', c.res, 'count', c.count, 'households', c.households,
           'rate', round(c.rate::numeric, 2), 'gi_z', round(c.gi_z::numeric, 3), 'gi_p', round(c.gi_p::numeric, 6),
           'gi_class', c.gi_class)))::tile_feature
    FROM (SELECT * FROM hotspot_cells
           WHERE z >= 6 AND scope = p_scope AND res = hotspot_res(z) AND geom && tile_bbox(z, x, y)
           ORDER BY count DESC, id LIMIT p_cap) c,
         tile_geom(c.geom, z, x, y) t
   WHERE t IS NOT NULL;
$$;
