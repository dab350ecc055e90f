-- The space-time cube on H3 cells: incidents per cell (resolution $6) and step ($7: week or
-- month, UTC; weeks start on Monday). Grouped on integers first; text only for the groups.
WITH /*filter*/
SELECT to_hex(unit) AS unit, to_char(step, 'YYYY-MM-DD') AS step, n
FROM (
  SELECT CASE $6::int WHEN 7 THEN h3_7 WHEN 8 THEN h3_8 WHEN 9 THEN h3_9 WHEN 10 THEN h3_10 ELSE h3_11 END AS unit,
         date_trunc($7::text, reported_at AT TIME ZONE 'UTC') AS step,
         count(*)::int AS n
  FROM inc
  GROUP BY 1, 2
) g;
