-- One batch of synthetic incidents: each row's point comes from a numbered building (kind 0),
-- a numbered road at a fraction of its length (kind 1), or a building moved by (dx, dy) metres
-- (kind 2, the clusters); it is located in the deepest current grid (lowest code on a tie, as
-- locate does). Rows whose point falls in no grid (the sea) are dropped. Answers the new ids.
WITH input AS (
  SELECT * FROM unnest($2::int[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::text[], $8::text[], $9::text[], $10::text[],
                       $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::timestamptz[], $15::timestamptz[], $16::timestamptz[], $17::timestamptz[],
                       $18::timestamptz[], $19::timestamptz[], $20::timestamptz[], $21::timestamptz[],
                       $22::int[], $23::int[], $24::int[], $25::int[], $26::boolean[], $27::int[], $28::text[])
    AS u(kind, idx, frac, dx, dy, category, class, status, source,
         reported_at, registered_at, dispatched_at, handled_at, closed_at, evaluated_at, parked_at,
         handle_warn_at, handle_due_at, close_warn_at, close_due_at,
         satisfaction, rework_count, escalation_count, department_id, extended, n, description)
), pts AS (
  SELECT i.*, CASE i.kind
           WHEN 1 THEN ST_LineInterpolatePoint(r.line, i.frac)
           WHEN 2 THEN ST_Translate(b.pt, i.dx / (111320 * cos(radians(ST_Y(b.pt)))), i.dy / 110540)
           ELSE b.pt END AS geom
    FROM input i
    LEFT JOIN demo_buildings b ON i.kind IN (0, 2) AND b.rn = i.idx
    LEFT JOIN demo_roads r ON i.kind = 1 AND r.rn = i.idx
)
INSERT INTO incidents (jurisdiction_id, geom, category_code, class, status, source, description, grid_code, chain_id, grid_codes,
                       tier, closed_tier, department_id, closed_department_id, reported_at, registered_at, dispatched_at, handled_at,
                       closed_at, evaluated_at, parked_at, parked_from, park_reason, park_approver, reject_reason,
                       handle_warn_at, handle_due_at, close_warn_at, close_due_at, satisfaction, rework_count, escalation_count, extended,
                       version, synthetic, attributes)
SELECT $1, p.geom, p.category, p.class, p.status, p.source, p.description, c.code, c.chain_id, c.codes,
       greatest(1, c.tier - p.escalation_count), CASE WHEN p.closed_at IS NOT NULL THEN greatest(1, c.tier - p.escalation_count) END,
       p.department_id, CASE WHEN p.closed_at IS NOT NULL THEN p.department_id END,
       p.reported_at, p.registered_at, p.dispatched_at, p.handled_at, p.closed_at, p.evaluated_at, p.parked_at,
       CASE WHEN p.status = 'parked' THEN 'dispatched' END,
       CASE WHEN p.status = 'parked' THEN '[demo] needs a budget decision 待预算' END,
       CASE WHEN p.status = 'parked' THEN '[demo] duty chief' END,
       CASE WHEN p.status = 'rejected' THEN '[demo] duplicate report 重复上报' END,
       p.handle_warn_at, p.handle_due_at, p.close_warn_at, p.close_due_at, p.satisfaction, p.rework_count, p.escalation_count, p.extended,
       1, true, jsonb_build_object('demo', p.n)
  FROM pts p
  -- Leaf grids first (one small polygon per point); all grids only for a point in none of them.
  LEFT JOIN LATERAL (SELECT dc.code, dc.tier, dc.chain_id, dc.codes FROM demo_chains dc
                      WHERE dc.leaf AND ST_Intersects(dc.geom, p.geom) ORDER BY dc.tier DESC, dc.code LIMIT 1) l ON p.geom IS NOT NULL
  LEFT JOIN LATERAL (SELECT dc.code, dc.tier, dc.chain_id, dc.codes FROM demo_chains dc
                      WHERE l.code IS NULL AND ST_Intersects(dc.geom, p.geom) ORDER BY dc.tier DESC, dc.code LIMIT 1) a ON p.geom IS NOT NULL
  CROSS JOIN LATERAL (SELECT COALESCE(l.code, a.code) AS code, COALESCE(l.tier, a.tier) AS tier, COALESCE(l.chain_id, a.chain_id) AS chain_id, COALESCE(l.codes, a.codes) AS codes) c
 WHERE c.code IS NOT NULL
RETURNING id;
