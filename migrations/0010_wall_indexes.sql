-- The wall's satisfaction figure reads the cases evaluated in the last 30 days.
CREATE INDEX incidents_evaluated ON incidents (jurisdiction_id, evaluated_at) WHERE evaluated_at IS NOT NULL;
