-- The history of synthetic incidents, derived from their step times (set-based, no loop).
-- A reworked case handled once before its final handling; an escalated one escalated after
-- registration. $1 incident ids
INSERT INTO incident_history (incident_id, at, username, action, from_status, to_status, note, data)
SELECT i.id, s.at, '[demo]', s.action, s.from_status, s.to_status, s.note, s.data
  FROM incidents i
  CROSS JOIN LATERAL (VALUES
    (1, 'report', NULL, 'reported', i.reported_at, NULL, jsonb_build_object('source', i.source, 'category', i.category_code, 'class', i.class)),
    (2, 'reject', 'reported', 'rejected', CASE WHEN i.status = 'rejected' THEN i.reported_at + interval '2 hours' END, i.reject_reason, '{}'::jsonb),
    (3, 'register', 'reported', 'registered', i.registered_at, NULL, '{}'::jsonb),
    (4, 'escalate', 'registered', 'registered', CASE WHEN i.escalation_count > 0 THEN i.registered_at + interval '5 minutes' END, '[demo] beyond the grid''s means', '{}'::jsonb),
    (5, 'dispatch', 'registered', 'dispatched', i.dispatched_at, NULL, jsonb_build_object('departmentId', i.department_id)),
    (6, 'handle', 'dispatched', 'handled', CASE WHEN i.rework_count > 0 AND i.handled_at IS NOT NULL THEN i.dispatched_at + (i.handled_at - i.dispatched_at) / 3 END, NULL, '{}'::jsonb),
    (7, 'rework', 'handled', 'dispatched', CASE WHEN i.rework_count > 0 AND i.handled_at IS NOT NULL THEN i.dispatched_at + (i.handled_at - i.dispatched_at) / 2 END, '[demo] verification failed 核查未通过', '{}'::jsonb),
    (8, 'park', 'dispatched', 'parked', i.parked_at, i.park_reason, jsonb_build_object('approver', i.park_approver)),
    (9, 'handle', 'dispatched', 'handled', i.handled_at, NULL, '{}'::jsonb),
    (10, 'close', 'handled', 'closed', i.closed_at, NULL, '{}'::jsonb),
    (11, 'evaluate', 'closed', 'evaluated', i.evaluated_at, NULL, jsonb_build_object('satisfaction', i.satisfaction))
  ) AS s(ord, action, from_status, to_status, at, note, data)
 WHERE i.id = ANY($1::bigint[]) AND s.at IS NOT NULL
 ORDER BY i.id, s.ord;
