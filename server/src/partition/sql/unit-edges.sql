-- Pairs of units that share a line, with its length in metres ($2 = local UTM SRID); units
-- touching at a point only come out with length 0 and are dropped by the graph. Runs on
-- partition_unit_ix (the job's units with a GiST index), so finding neighbours is an index
-- lookup per unit, not a comparison of every pair.
SELECT a.id AS a, b.id AS b, ST_Length(ST_Transform(ST_CollectionExtract(ST_Intersection(a.geom, b.geom, 1e-9), 2), $1::int)) AS len
  FROM partition_unit_ix a
  JOIN partition_unit_ix b ON a.id < b.id AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)
 ORDER BY a.id, b.id
