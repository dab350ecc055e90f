-- Partition proposals: jobs that cut an area into unit grids, and what they produced. Drafts
-- only: nothing here touches the published `grids` until a proposal is published through the
-- grids feature's publish (topology check + versioning).

CREATE TABLE partition_jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jurisdiction_id integer NOT NULL REFERENCES jurisdictions (id) ON DELETE CASCADE,
  -- The grid being cut (its current version when the job started), or NULL for a drawn area.
  parent_code text,
  area geometry(MultiPolygon, 4326) NOT NULL,
  -- Request parameters as given (targetHouseholds, tolerance, hardClasses, seed, …).
  params jsonb NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  stage text NOT NULL DEFAULT 'queued',
  progress real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  -- Summary metrics of the proposal, the current grids and the baselines (when done).
  result jsonb,
  error jsonb,
  created_by bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  published_change_set_id bigint
);
CREATE INDEX partition_jobs_jurisdiction ON partition_jobs (jurisdiction_id, created_at);

-- The building blocks of a proposal: faces of the noded barrier network (and, inside blocks
-- above the band, the cells between buildings), with the households they hold and the grid
-- (seq) they were put in. Kept so a planner's edit can move a block between grids.
CREATE TABLE partition_blocks (
  job_id bigint NOT NULL REFERENCES partition_jobs (id) ON DELETE CASCADE,
  id integer NOT NULL,
  geom geometry(Polygon, 4326) NOT NULL,
  -- The barrier face it came from (same value = split apart along building clusters).
  face integer NOT NULL,
  -- The face of the hard-barrier network it lies in.
  zone integer NOT NULL,
  households integer NOT NULL DEFAULT 0 CHECK (households >= 0),
  population double precision NOT NULL DEFAULT 0,
  grid_seq integer,
  PRIMARY KEY (job_id, id)
);

-- Polygons of a proposal and of what it is compared with: variant 'proposal', 'current'
-- (the published grids), 'h3' and 'kmeans' (baselines on the same input).
CREATE TABLE partition_grids (
  job_id bigint NOT NULL REFERENCES partition_jobs (id) ON DELETE CASCADE,
  variant text NOT NULL CHECK (variant IN ('proposal', 'current', 'h3', 'kmeans')),
  seq integer NOT NULL,
  code text,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  households integer NOT NULL DEFAULT 0,
  population double precision NOT NULL DEFAULT 0,
  area_m2 double precision,
  polsby_popper double precision,
  -- Share of the grid's inner boundary on barriers: {"any": 0.93, "primary": 0.4, …}
  barrier_share jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Why a grid cannot meet the band: 'tower' | 'enclosed' | 'crossed_hard' | NULL.
  flag text,
  flag_reason text,
  PRIMARY KEY (job_id, variant, seq)
);
CREATE INDEX partition_grids_geom ON partition_grids USING gist (geom);
