-- The grid chain of every current grid of jurisdiction $1, top tier first, with its geometry:
-- what locate answers, worked out once per grid so that bulk writes (demo, import) locate
-- thousands of points with one spatial join instead of one recursive query each. Session temp table.
DROP TABLE IF EXISTS demo_chains;
CREATE TEMP TABLE demo_chains AS
  -- The recursion carries codes and names only; each grid's geometry is joined once at the end.
  WITH RECURSIVE up AS (
    SELECT g.code AS leaf, g.tier AS leaf_tier, g.code, g.tier, g.name, g.name_en, g.parent_code
      FROM grids g WHERE g.jurisdiction_id = $1 AND g.valid_to IS NULL
    UNION ALL
    SELECT up.leaf, up.leaf_tier, p.code, p.tier, p.name, p.name_en, p.parent_code
      FROM up JOIN grids p ON p.jurisdiction_id = $1 AND p.valid_to IS NULL AND p.code = up.parent_code
  ), chains AS (
    SELECT up.leaf, max(up.leaf_tier) AS tier,
           jsonb_agg(jsonb_build_object('code', up.code, 'name', up.name, 'nameEn', up.name_en, 'tier', up.tier,
                                        'tierName', t.name, 'tierNameEn', t.name_en) ORDER BY up.tier) AS chain,
           array_agg(up.code ORDER BY up.tier) AS codes
      FROM up LEFT JOIN tiers t ON t.jurisdiction_id = $1 AND t.level = up.tier
     GROUP BY up.leaf
  )
  SELECT c.leaf AS code, c.tier, g.geom, c.chain, c.codes,
         -- A grid with no current child: most points find theirs among these alone.
         NOT EXISTS (SELECT 1 FROM grids k WHERE k.jurisdiction_id = $1 AND k.valid_to IS NULL AND k.parent_code = c.leaf) AS leaf
    FROM chains c JOIN grids g ON g.jurisdiction_id = $1 AND g.valid_to IS NULL AND g.code = c.leaf;
-- Each grid's chain as stored (grid_chains, migrations/0013_grid_chains.sql): added once when
-- new, so the rows written from here name it by id (chain_id).
INSERT INTO grid_chains (chain) SELECT DISTINCT chain FROM demo_chains ON CONFLICT (chain) DO NOTHING;
ALTER TABLE demo_chains ADD COLUMN chain_id integer;
UPDATE demo_chains d SET chain_id = c.id FROM grid_chains c WHERE c.chain = d.chain;
CREATE INDEX ON demo_chains USING gist (geom);
CREATE INDEX ON demo_chains USING gist (geom) WHERE leaf;
ANALYZE demo_chains;
