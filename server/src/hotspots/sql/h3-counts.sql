-- Incidents per H3 cell at resolution $6 (the stored column of that resolution), as hex text.
-- Grouped on the integer first; hex only for the groups.
WITH /*filter*/
SELECT to_hex(cell) AS cell, n
FROM (
  SELECT CASE $6::int WHEN 7 THEN h3_7 WHEN 8 THEN h3_8 WHEN 9 THEN h3_9 WHEN 10 THEN h3_10 ELSE h3_11 END AS cell, count(*)::int AS n
  FROM inc
  GROUP BY 1
) g;
