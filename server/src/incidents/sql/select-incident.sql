-- One incident per row with its category, department and light at $1 (the feature's clock).
-- The grid chain is stored once per distinct chain (migrations/0013_grid_chains.sql).
-- Callers append WHERE (and FOR UPDATE OF i when they change the row).
SELECT i.id, i.jurisdiction_id, i.status, i.class, i.category_code, c.name AS category_name, c.name_en AS category_name_en,
       c.parent_code AS category_parent, i.description, i.source, ST_X(i.geom) AS lng, ST_Y(i.geom) AS lat,
       i.grid_code, COALESCE(gc.chain, '[]'::jsonb) AS grid_chain, i.tier, i.department_id, d.code AS department_code, d.name AS department_name,
       d.name_en AS department_name_en, i.reported_at, i.registered_at, i.dispatched_at, i.handled_at, i.closed_at,
       i.evaluated_at, i.parked_at, i.handle_warn_at, i.handle_due_at, i.close_warn_at, i.close_due_at,
       incident_light(i.status, i.handle_warn_at, i.handle_due_at, i.close_warn_at, i.close_due_at, $1::timestamptz) AS light,
       i.satisfaction, i.rework_count, i.reopen_count, i.escalation_count, i.extended, i.closed_tier, i.closed_department_id,
       i.park_reason, i.park_approver, i.parked_from, i.reject_reason, i.version, i.synthetic, i.reporter_contact,
       i.reported_by, i.handled_by, i.idempotency_key
  FROM incidents i
  JOIN categories c ON c.code = i.category_code
  LEFT JOIN departments d ON d.id = i.department_id
  LEFT JOIN grid_chains gc ON gc.id = i.chain_id
