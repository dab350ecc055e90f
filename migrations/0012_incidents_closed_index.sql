-- The wall's 30-day chart counts cases closed per day: a range read on (jurisdiction, closed_at)
-- instead of a scan of every incident (server/src/wall/sql/series.sql).
CREATE INDEX incidents_jurisdiction_closed ON incidents (jurisdiction_id, closed_at) WHERE closed_at IS NOT NULL;
