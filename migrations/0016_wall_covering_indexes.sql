-- The wall's figures read indexes only (docs/wall-performance.md). At a million incidents its
-- summary fetched 43,500 heap pages for the cases due in the last 30 days and 35,300 for the
-- satisfaction of the month's evaluations: 0.4 and 0.3 s of its 0.9 s, more on a busy disk.
-- The same keys as before, with the columns those figures read carried in the index.
DROP INDEX IF EXISTS incidents_close_due;
CREATE INDEX incidents_close_due ON incidents (jurisdiction_id, close_due_at) INCLUDE (status, closed_at);
DROP INDEX IF EXISTS incidents_evaluated;
CREATE INDEX incidents_evaluated ON incidents (jurisdiction_id, evaluated_at) INCLUDE (satisfaction)
  WHERE evaluated_at IS NOT NULL;
-- Open cases are a few per cent of all: a small index holding what their lights, the rankings
-- by grid and by department and an area's filter read (incident_is_open() inlines to this test).
CREATE INDEX incidents_open ON incidents (jurisdiction_id)
  INCLUDE (status, handle_warn_at, handle_due_at, close_warn_at, close_due_at, department_id, grid_codes)
  WHERE status IN ('reported', 'registered', 'dispatched', 'handled');
