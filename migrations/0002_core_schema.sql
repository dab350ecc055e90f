-- The core schema every feature builds on: jurisdictions and their tiers, grids (versioned),
-- households, barrier lines, departments, categories, incidents, users, tokens, the audit log.

CREATE TABLE jurisdictions (
  id serial PRIMARY KEY,
  name text NOT NULL,
  name_en text,
  -- Households per unit grid that the field considers right (e.g. 200–400 urban).
  households_min integer NOT NULL DEFAULT 100 CHECK (households_min >= 0),
  households_max integer NOT NULL DEFAULT 500 CHECK (households_max >= households_min),
  -- Areas below this many m² between or inside grids are listed as slivers, not as errors.
  sliver_m2 double precision NOT NULL DEFAULT 50 CHECK (sliver_m2 >= 0),
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (name)
);

-- Named levels of a jurisdiction's hierarchy: 1 = top (e.g. 街道 street) … n = unit grid.
CREATE TABLE tiers (
  jurisdiction_id integer NOT NULL REFERENCES jurisdictions (id) ON DELETE CASCADE,
  level integer NOT NULL CHECK (level BETWEEN 1 AND 5),
  name text NOT NULL,
  name_en text NOT NULL,
  PRIMARY KEY (jurisdiction_id, level)
);

-- One row per version of a grid. The current version has valid_to IS NULL; a boundary
-- change closes the old row (valid_to) and inserts a new one, so nothing is overwritten.
CREATE TABLE grids (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jurisdiction_id integer NOT NULL REFERENCES jurisdictions (id) ON DELETE CASCADE,
  tier integer NOT NULL CHECK (tier BETWEEN 1 AND 5),
  code text NOT NULL CHECK (code ~ '^[0-9A-Za-z_-]{1,40}$'),
  name text NOT NULL,
  name_en text,
  parent_code text,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  -- Derived from the household layer; households_override wins when set, with its reason.
  households integer NOT NULL DEFAULT 0 CHECK (households >= 0),
  population integer CHECK (population >= 0),
  households_override integer CHECK (households_override >= 0),
  households_override_reason text,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  version integer NOT NULL DEFAULT 1,
  valid_from timestamptz NOT NULL DEFAULT now(),
  valid_to timestamptz,
  created_by bigint,
  CHECK (valid_to IS NULL OR valid_to > valid_from),
  CHECK (households_override IS NULL OR households_override_reason IS NOT NULL)
);
CREATE UNIQUE INDEX grids_current_code ON grids (jurisdiction_id, code) WHERE valid_to IS NULL;
CREATE INDEX grids_geom ON grids USING gist (geom);
CREATE INDEX grids_lookup ON grids (jurisdiction_id, tier, valid_from, valid_to);
CREATE INDEX grids_parent ON grids (jurisdiction_id, parent_code);

-- Households as points (an address) or building footprints, with how many households each holds.
CREATE TABLE households (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jurisdiction_id integer NOT NULL REFERENCES jurisdictions (id) ON DELETE CASCADE,
  geom geometry(Geometry, 4326) NOT NULL CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON')),
  -- A point on the building's surface, for point-in-polygon counts.
  pt geometry(Point, 4326) NOT NULL,
  households integer NOT NULL CHECK (households >= 0),
  population integer CHECK (population >= 0),
  levels real,
  footprint_m2 double precision,
  source text NOT NULL DEFAULT 'import',
  source_id text,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX households_pt ON households USING gist (pt);
CREATE INDEX households_geom ON households USING gist (geom);
CREATE INDEX households_jurisdiction ON households (jurisdiction_id);

-- Lines grids should follow: roads by class, railways, rivers, the coast.
CREATE TABLE barriers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jurisdiction_id integer NOT NULL REFERENCES jurisdictions (id) ON DELETE CASCADE,
  geom geometry(MultiLineString, 4326) NOT NULL,
  kind text NOT NULL CHECK (kind IN ('road', 'railway', 'water', 'coast', 'other')),
  -- road: motorway … service/footway (OSM highway value); railway: rail, tram, …; water: river, stream, canal.
  class text NOT NULL,
  name text,
  source text NOT NULL DEFAULT 'import',
  source_id text,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX barriers_geom ON barriers USING gist (geom);
CREATE INDEX barriers_jurisdiction ON barriers (jurisdiction_id, kind, class);

-- Other mapped features the offline basemap draws (water areas, parks); not barriers.
CREATE TABLE basemap_areas (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jurisdiction_id integer NOT NULL REFERENCES jurisdictions (id) ON DELETE CASCADE,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  kind text NOT NULL CHECK (kind IN ('water', 'park', 'land')),
  name text,
  source_id text
);
CREATE INDEX basemap_areas_geom ON basemap_areas USING gist (geom);

CREATE TABLE departments (
  id serial PRIMARY KEY,
  jurisdiction_id integer REFERENCES jurisdictions (id) ON DELETE CASCADE,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  name_en text,
  tier integer CHECK (tier BETWEEN 1 AND 5)
);

-- Two levels: a major category (parent_code IS NULL) and its minor ones.
CREATE TABLE categories (
  code text PRIMARY KEY,
  parent_code text REFERENCES categories (code) ON DELETE RESTRICT,
  name text NOT NULL,
  name_en text NOT NULL,
  class text NOT NULL DEFAULT 'ordinary' CHECK (class IN ('ordinary', 'immediate', 'emergency'))
);

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.@-]{2,64}$'),
  display_name text,
  password_hash text NOT NULL,
  roles text[] NOT NULL CHECK (roles <@ ARRAY['admin', 'planner', 'analyst', 'dispatcher', 'officer', 'viewer']::text[] AND cardinality(roles) > 0),
  jurisdiction_id integer REFERENCES jurisdictions (id) ON DELETE SET NULL,
  department_id integer REFERENCES departments (id) ON DELETE SET NULL,
  -- Personal data: returned only to admins.
  phone text,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Bearer tokens are random; only their sha256 is stored. Kiosk tokens are long-lived and
-- may be limited to an area (a grid code).
CREATE TABLE auth_tokens (
  token_sha256 text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL DEFAULT 'session' CHECK (kind IN ('session', 'kiosk')),
  name text,
  area text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);

CREATE TABLE incidents (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jurisdiction_id integer NOT NULL REFERENCES jurisdictions (id) ON DELETE CASCADE,
  geom geometry(Point, 4326) NOT NULL,
  category_code text NOT NULL REFERENCES categories (code) ON DELETE RESTRICT,
  description text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'reported'
    CHECK (status IN ('reported', 'registered', 'rejected', 'dispatched', 'handled', 'closed', 'evaluated', 'parked')),
  source text NOT NULL DEFAULT 'patrol' CHECK (source IN ('patrol', 'hotline', 'app', 'open311', 'import')),
  -- The smallest grid at report time and the whole chain, kept as reported.
  grid_code text,
  grid_chain jsonb NOT NULL DEFAULT '[]'::jsonb,
  department_id integer REFERENCES departments (id) ON DELETE SET NULL,
  reported_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  -- Personal data: returned only to dispatchers and admins.
  reporter_contact text,
  synthetic boolean NOT NULL DEFAULT false,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX incidents_geom ON incidents USING gist (geom);
CREATE INDEX incidents_status ON incidents (jurisdiction_id, status);
CREATE INDEX incidents_reported_at ON incidents (reported_at);
CREATE INDEX incidents_grid ON incidents (jurisdiction_id, grid_code);

-- Who changed what and when. Append-only: updates and deletes are refused by trigger.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_id bigint,
  username text,
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- A data version per map layer, bumped by every edit or import, so tile URLs and caches
-- can be keyed by it and never serve stale data.
CREATE TABLE layer_versions (
  layer text PRIMARY KEY,
  version bigint NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION bump_layer_version(p_layer text) RETURNS bigint
LANGUAGE sql VOLATILE AS $$
  INSERT INTO layer_versions (layer, version) VALUES (p_layer, 1)
  ON CONFLICT (layer) DO UPDATE SET version = layer_versions.version + 1, updated_at = now()
  RETURNING version;
$$;
