-- Every incident of the jurisdiction has its cells (side rows are a subset, so equal counts suffice).
SELECT (SELECT count(*) FROM incidents WHERE jurisdiction_id = $1) = (SELECT count(*) FROM incident_h3 WHERE jurisdiction_id = $1) AS complete;
