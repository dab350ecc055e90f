-- Grids: change sets (a redrawn community is published as one set, atomically), staff per grid,
-- import jobs. The grid rows themselves live in 0002's `grids` table, one row per version.

-- One published set of grid changes: every grid row it opened or closed points at it.
CREATE TABLE grid_change_sets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jurisdiction_id integer NOT NULL REFERENCES jurisdictions (id) ON DELETE CASCADE,
  parent_code text,
  tier integer NOT NULL CHECK (tier BETWEEN 1 AND 5),
  summary text NOT NULL DEFAULT '',
  -- The topology report the set was published with (warnings that were accepted).
  report jsonb NOT NULL DEFAULT '{}'::jsonb,
  opened integer NOT NULL DEFAULT 0,
  closed integer NOT NULL DEFAULT 0,
  created_by bigint REFERENCES users (id) ON DELETE SET NULL,
  published_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX grid_change_sets_jurisdiction ON grid_change_sets (jurisdiction_id, published_at);

ALTER TABLE grids ADD COLUMN change_set_id bigint REFERENCES grid_change_sets (id) ON DELETE SET NULL;
ALTER TABLE grids ADD COLUMN closed_by_change_set_id bigint REFERENCES grid_change_sets (id) ON DELETE SET NULL;
CREATE INDEX grids_current_tier ON grids (jurisdiction_id, tier) WHERE valid_to IS NULL;
-- Reads at any asOf find a code's version by (jurisdiction, code) and then its validity; the
-- unique index on current codes does not serve them (its predicate is valid_to IS NULL).
CREATE INDEX grids_code_versions ON grids (jurisdiction_id, code, valid_from);

-- The people responsible for a grid (三定: fixed staff): one grid head (网格长) and officers (网格员).
-- Staff belong to a grid code, not to one version of it: a redrawn grid keeps its people.
CREATE TABLE grid_staff (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jurisdiction_id integer NOT NULL REFERENCES jurisdictions (id) ON DELETE CASCADE,
  grid_code text NOT NULL,
  role text NOT NULL CHECK (role IN ('head', 'officer')),
  name text NOT NULL,
  -- Personal data: returned only to admins, planners, dispatchers and officers.
  phone text,
  -- What citizens may see (an office line, a duty phone); shown by GET /api/locate.
  public_contact text,
  user_id bigint REFERENCES users (id) ON DELETE SET NULL,
  sort integer NOT NULL DEFAULT 0
);
COMMENT ON COLUMN grid_staff.phone IS 'Personal data: returned only to admin, planner, dispatcher and officer roles';
CREATE INDEX grid_staff_grid ON grid_staff (jurisdiction_id, grid_code);

-- Import jobs: validated first, then written in one transaction; the report lists every
-- rejected feature with its reason.
CREATE TABLE import_jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jurisdiction_id integer REFERENCES jurisdictions (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('grids', 'households', 'barriers', 'incidents', 'osm')),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  file_name text,
  options jsonb NOT NULL DEFAULT '{}'::jsonb,
  progress jsonb NOT NULL DEFAULT '{}'::jsonb,
  report jsonb NOT NULL DEFAULT '{}'::jsonb,
  error jsonb,
  created_by bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

-- A geometry from an import's text (GeoJSON, WKT, or hex WKB) in the declared SRID, transformed to
-- WGS84; NULL when the text cannot be read or transformed, so one bad feature is reported
-- instead of failing the whole statement.
CREATE FUNCTION import_geom(t text, format text, srid integer) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  g geometry;
BEGIN
  IF format = 'geojson' THEN
    g := ST_GeomFromGeoJSON(t);
  ELSIF format = 'wkb' THEN
    g := ST_GeomFromWKB(decode(t, 'hex'));
  ELSE
    g := ST_GeomFromText(t);
  END IF;
  g := ST_Force2D(ST_SetSRID(g, srid));
  IF srid <> 4326 THEN
    g := ST_Transform(g, 4326);
  END IF;
  RETURN g;
EXCEPTION WHEN others THEN
  RETURN NULL;
END;
$$;
