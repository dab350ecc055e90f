-- Cells computed by h3-js ($2…$6 = resolutions 7…11) for incidents $1, with the columns filters use.
INSERT INTO incident_h3 (incident_id, jurisdiction_id, reported_at, category_code, counted, h3_7, h3_8, h3_9, h3_10, h3_11)
SELECT i.id, i.jurisdiction_id, i.reported_at, i.category_code, i.status <> 'rejected', v.h7, v.h8, v.h9, v.h10, v.h11
FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[]) AS v (id, h7, h8, h9, h10, h11)
JOIN incidents i ON i.id = v.id
ON CONFLICT (incident_id) DO NOTHING;
