-- Cells computed by h3-js ($2…$6 = resolutions 7…11) for households $1.
INSERT INTO household_h3 (household_id, jurisdiction_id, households, h3_7, h3_8, h3_9, h3_10, h3_11)
SELECT h.id, h.jurisdiction_id, h.households, v.h7, v.h8, v.h9, v.h10, v.h11
FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[]) AS v (id, h7, h8, h9, h10, h11)
JOIN households h ON h.id = v.id
ON CONFLICT (household_id) DO NOTHING;
