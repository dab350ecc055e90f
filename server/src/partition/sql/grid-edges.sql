-- Pairs of a grid's blocks (units) that share a line, with its length in metres ($1 = local
-- UTM SRID), for a split (bisect.ts). As unit-edges.sql without the length on barrier lines
-- inside a block: the job's barrier lines are gone once the job is done, and the split prices
-- a cut by whether the two units lie in one block.
SELECT a.id AS a, b.id AS b, ST_Length(ST_Transform(ST_CollectionExtract(ST_Intersection(a.geom, b.geom, 1e-9), 2), $1::int)) AS len
  FROM partition_unit_ix a
  JOIN partition_unit_ix b ON a.id < b.id AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)
 ORDER BY a.id, b.id
