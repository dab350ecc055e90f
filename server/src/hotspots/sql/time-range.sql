-- First and last report among the filtered incidents (the cube's default extent).
WITH /*filter*/
SELECT min(reported_at) AS first, max(reported_at) AS last, count(*)::int AS n FROM inc;
