-- Grid chains stored once: an incident kept its whole chain (tier names and codes, as located
-- at report time) as jsonb in its own row, ≈ 400 bytes of every row (three tiers) when only a few
-- thousand distinct chains exist. Now each distinct chain is a row of grid_chains and an
-- incident names it (chain_id; NULL = no grid, the old '[]'). Readers join it back
-- (server/src/incidents/sql/select-incident.sql, assessment, the wall ticker), so API answers
-- are the same. grid_codes stays in the row: the GIN filter and the tile counters use it.
-- Chains are append-only (rows never changed or deleted; TRUNCATE is left to whoever empties a
-- whole database, as move-to-postgres does), so an id once written always answers the chain
-- it was written with; no foreign key is checked per incident row (bulk imports write a
-- million at once), writers take ids only from grid_chain_id() or from this table.
CREATE TABLE grid_chains (
  id serial PRIMARY KEY,
  chain jsonb NOT NULL UNIQUE CHECK (jsonb_typeof(chain) = 'array' AND chain <> '[]'::jsonb)
);

CREATE FUNCTION grid_chains_append_only() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION 'grid_chains is append-only (% refused): incidents refer to its ids', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER grid_chains_no_update BEFORE UPDATE OR DELETE ON grid_chains
  FOR EACH ROW EXECUTE FUNCTION grid_chains_append_only();

-- The id of a chain, added when it is new (NULL for no chain). Safe under concurrency: a chain
-- added meanwhile by another transaction is found by the second look.
CREATE FUNCTION grid_chain_id(p_chain jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
DECLARE v integer;
BEGIN
  IF p_chain IS NULL OR p_chain = '[]'::jsonb THEN RETURN NULL; END IF;
  SELECT id INTO v FROM grid_chains WHERE chain = p_chain;
  IF FOUND THEN RETURN v; END IF;
  INSERT INTO grid_chains (chain) VALUES (p_chain) ON CONFLICT (chain) DO NOTHING RETURNING id INTO v;
  IF v IS NULL THEN SELECT id INTO v FROM grid_chains WHERE chain = p_chain; END IF;
  RETURN v;
END;
$$;

INSERT INTO grid_chains (chain)
  SELECT DISTINCT grid_chain FROM incidents WHERE grid_chain <> '[]'::jsonb;
ALTER TABLE incidents ADD COLUMN chain_id integer;
COMMENT ON COLUMN incidents.chain_id IS 'The grid chain at report time: grid_chains.id (append-only table; NULL = no grid).';
UPDATE incidents i SET chain_id = c.id FROM grid_chains c WHERE i.grid_chain <> '[]'::jsonb AND c.chain = i.grid_chain;
ALTER TABLE incidents DROP COLUMN grid_chain;
