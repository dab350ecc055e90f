-- Incidents of the jurisdiction without cells yet, with their point.
SELECT i.id, ST_X(i.geom) AS x, ST_Y(i.geom) AS y
FROM incidents i
WHERE i.jurisdiction_id = $1 AND NOT EXISTS (SELECT 1 FROM incident_h3 c WHERE c.incident_id = i.id)
ORDER BY i.id;
