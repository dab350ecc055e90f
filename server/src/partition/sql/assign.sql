UPDATE partition_blocks u SET grid_seq = a.seq
  FROM unnest($2::int[], $3::int[]) AS a(id, seq)
 WHERE u.job_id = $1 AND u.id = a.id
