-- Hot spots: the H3 cells (resolutions 7–11) of every incident and household point, so counts
-- per cell are a SQL GROUP BY instead of a million h3-js calls per request (1M latLngToCell
-- ≈ 2.7 s here).
--
-- PostGIS has no H3, so the cells are computed by the hot-spot code (h3-js) and written here in
-- batches before an analysis reads them (server/src/hotspots/h3cells.ts). They live in side
-- tables, not in incidents/households, so filling them never fires those tables' UPDATE
-- triggers (the tile pyramid's, for one). Every resolution is stored rather than derived from
-- res 11, because H3 is not exactly hierarchical: counts per cell must equal h3-js's own
-- latLngToCell at that resolution.
--
-- Staying correct: a row is deleted (and so recomputed on the next analysis) when the point or
-- any copied column changes; rows cascade away with their incident or household. Every side row
-- has a source row in the same jurisdiction, so equal counts per jurisdiction mean complete.

CREATE TABLE incident_h3 (
  incident_id bigint PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
  jurisdiction_id integer NOT NULL,
  reported_at timestamptz NOT NULL,
  category_code text NOT NULL,
  -- status <> 'rejected' when copied: rejected reports are never counted.
  counted boolean NOT NULL,
  h3_7 bigint NOT NULL,
  h3_8 bigint NOT NULL,
  h3_9 bigint NOT NULL,
  h3_10 bigint NOT NULL,
  h3_11 bigint NOT NULL
);
CREATE INDEX incident_h3_jurisdiction ON incident_h3 (jurisdiction_id, reported_at);

CREATE TABLE household_h3 (
  household_id bigint PRIMARY KEY REFERENCES households (id) ON DELETE CASCADE,
  jurisdiction_id integer NOT NULL,
  households integer NOT NULL,
  h3_7 bigint NOT NULL,
  h3_8 bigint NOT NULL,
  h3_9 bigint NOT NULL,
  h3_10 bigint NOT NULL,
  h3_11 bigint NOT NULL
);
CREATE INDEX household_h3_jurisdiction ON household_h3 (jurisdiction_id);

CREATE FUNCTION incident_h3_forget() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  DELETE FROM incident_h3 WHERE incident_id = OLD.id;
  RETURN NULL;
END;
$$;

CREATE FUNCTION household_h3_forget() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  DELETE FROM household_h3 WHERE household_id = OLD.id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER incident_h3_stale AFTER UPDATE OF geom, jurisdiction_id, reported_at, category_code, status ON incidents
  FOR EACH ROW
  WHEN (NOT ST_Equals(OLD.geom, NEW.geom) OR OLD.jurisdiction_id <> NEW.jurisdiction_id OR OLD.reported_at <> NEW.reported_at
        OR OLD.category_code <> NEW.category_code OR (OLD.status = 'rejected') <> (NEW.status = 'rejected'))
  EXECUTE FUNCTION incident_h3_forget();
CREATE TRIGGER household_h3_stale AFTER UPDATE OF pt, jurisdiction_id, households ON households
  FOR EACH ROW
  WHEN (NOT ST_Equals(OLD.pt, NEW.pt) OR OLD.jurisdiction_id <> NEW.jurisdiction_id OR OLD.households <> NEW.households)
  EXECUTE FUNCTION household_h3_forget();
