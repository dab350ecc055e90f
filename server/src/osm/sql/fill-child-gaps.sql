-- OSM's lower admin areas rarely tile their parent exactly (Monaco's quarters leave a few m²
-- uncovered). Each uncovered piece of a parent joins the child that shares the longest edge
-- with it, so the tier covers its parent with no gap ($1 jurisdiction, $2 the child tier).
WITH parents AS (
  SELECT p.code, p.geom FROM grids p WHERE p.jurisdiction_id = $1 AND p.tier = $2 - 1 AND p.valid_to IS NULL
), gaps AS (
  SELECT p.code AS parent_code, (ST_Dump(ST_Difference(p.geom, ST_Union(c.geom)))).geom AS geom
    FROM parents p JOIN grids c ON c.jurisdiction_id = $1 AND c.tier = $2 AND c.valid_to IS NULL AND c.parent_code = p.code
   GROUP BY p.code, p.geom
), numbered AS (
  SELECT row_number() OVER () AS gap_id, parent_code, geom FROM gaps
), owner AS (
  SELECT DISTINCT ON (g.gap_id) g.geom, c.id
    FROM numbered g JOIN grids c ON c.jurisdiction_id = $1 AND c.tier = $2 AND c.valid_to IS NULL
                            AND c.parent_code = g.parent_code AND ST_DWithin(c.geom, g.geom, 1e-7)
   WHERE ST_Area(g.geom) > 0
   -- Buffer the small gap's outline, not the large child: the embedded PostGIS returned no
   -- rows at all (no error) for ST_Buffer of a whole quarter at this tiny distance.
   ORDER BY g.gap_id, ST_Length(ST_Intersection(ST_Boundary(c.geom), ST_Buffer(ST_Boundary(g.geom), 1e-7))) DESC, c.code
), merged AS (
  SELECT id, ST_Union(geom) AS geom FROM owner GROUP BY id
)
UPDATE grids c SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(c.geom, m.geom)), 3))
  FROM merged m WHERE c.id = m.id;
