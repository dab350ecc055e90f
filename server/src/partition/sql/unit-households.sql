WITH one AS (
  SELECT DISTINCT ON (h.id) u.id, h.households, coalesce(h.population, h.households * $2::double precision) AS people
    FROM partition_jobs j
    JOIN households h ON h.jurisdiction_id = j.jurisdiction_id AND ST_Intersects(j.area, h.pt)
    JOIN partition_units u ON ST_Intersects(u.geom, h.pt)
   WHERE j.id = $1
   ORDER BY h.id, u.id
)
UPDATE partition_units u SET households = s.n, population = s.p
  FROM (SELECT id, sum(households)::int AS n, sum(people) AS p FROM one GROUP BY id) s
 WHERE u.id = s.id
