-- One grid per region: the union of its units (faces of one noded network, so neighbours
-- share their edges exactly and the union has no slivers), on the same 1e-9° grid as the noding.
-- $5: each flag's reason as data (JSON text), beside the English $4.
INSERT INTO partition_grids (job_id, variant, seq, geom, flag, flag_reason, flag_detail)
SELECT $1, 'proposal', u.grid_seq, ST_Multi(ST_Union(u.geom, 1e-9)), f.flag, f.reason, f.detail::jsonb
  FROM partition_blocks u
  LEFT JOIN unnest($2::int[], $3::text[], $4::text[], $5::text[]) AS f(seq, flag, reason, detail) ON f.seq = u.grid_seq
 WHERE u.job_id = $1
 GROUP BY u.grid_seq, f.flag, f.reason, f.detail
