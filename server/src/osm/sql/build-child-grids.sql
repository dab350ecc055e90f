WITH children AS (
  SELECT p.code AS parent_code, a.osm_id, a.name, a.name_en,
         ST_Multi(ST_CollectionExtract(ST_Intersection(a.geom, p.geom), 3)) AS geom,
         ST_PointOnSurface(a.geom) AS inner_pt,
         ST_YMax(p.geom) AS top, (ST_YMax(p.geom) - ST_YMin(p.geom)) AS height
    FROM osm_admin a
    JOIN grids p ON p.jurisdiction_id = $1 AND p.tier = $3 - 1 AND p.valid_to IS NULL
               AND ST_Intersects(p.geom, ST_PointOnSurface(a.geom))
   WHERE a.level = $2
), banded AS (
  SELECT c.*, count(*) OVER (PARTITION BY parent_code) AS siblings FROM children c WHERE NOT ST_IsEmpty(c.geom)
)
INSERT INTO grids (jurisdiction_id, tier, code, name, name_en, parent_code, geom, attributes)
SELECT $1, $3,
       parent_code || lpad((row_number() OVER (
         PARTITION BY parent_code
         -- rows of equal height, as many as sqrt(siblings), counted from the north
         ORDER BY floor((top - ST_Y(inner_pt)) / nullif(height, 0) * ceil(sqrt(siblings))), ST_X(inner_pt)))::text, 3, '0'),
       name, name_en, parent_code, geom, jsonb_build_object('osm_id', osm_id)
  FROM banded;
