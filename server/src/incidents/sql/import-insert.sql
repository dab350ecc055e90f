-- One batch of imported historical incidents, located with the session's demo_chains table
-- (sql/chains-prepare.sql); a point in no grid is kept with no grid (historical data may
-- cover more than the grids). Imported cases are closed when they come in: no deadlines.
-- $1 jurisdiction  $2 lng[]  $3 lat[]  $4 reported_at[]  $5 category[]  $6 description[]  $7 attributes (json text)[]  $8 status
WITH input AS (
  SELECT u.*, ST_SetSRID(ST_MakePoint(u.lng, u.lat), 4326) AS geom
    FROM unnest($2::float8[], $3::float8[], $4::timestamptz[], $5::text[], $6::text[], $7::text[]) AS u(lng, lat, reported_at, category, description, attrs)
)
INSERT INTO incidents (jurisdiction_id, geom, category_code, description, status, source, grid_code, grid_chain, grid_codes, tier,
                       closed_tier, reported_at, closed_at, attributes)
SELECT $1, i.geom, i.category, i.description, $8, 'import', c.code, COALESCE(c.chain, '[]'::jsonb), COALESCE(c.codes, '{}'), c.tier,
       CASE WHEN $8 = 'closed' THEN c.tier END, i.reported_at, CASE WHEN $8 = 'closed' THEN i.reported_at END, i.attrs::jsonb
  FROM input i
  -- Leaf grids first (one small polygon per point); all grids only for a point in none of them.
  LEFT JOIN LATERAL (SELECT dc.code, dc.tier, dc.chain, dc.codes FROM demo_chains dc
                      WHERE dc.leaf AND ST_Intersects(dc.geom, i.geom) ORDER BY dc.tier DESC, dc.code LIMIT 1) l ON true
  LEFT JOIN LATERAL (SELECT dc.code, dc.tier, dc.chain, dc.codes FROM demo_chains dc
                      WHERE l.code IS NULL AND ST_Intersects(dc.geom, i.geom) ORDER BY dc.tier DESC, dc.code LIMIT 1) a ON true
  CROSS JOIN LATERAL (SELECT COALESCE(l.code, a.code) AS code, COALESCE(l.tier, a.tier) AS tier, COALESCE(l.chain, a.chain) AS chain, COALESCE(l.codes, a.codes) AS codes) c
RETURNING (grid_code IS NOT NULL) AS located;
