-- Each jurisdiction's extent (its current grids), to know which ones a tile reaches into.
SELECT jurisdiction_id AS id, ST_XMin(e) AS w, ST_YMin(e) AS s, ST_XMax(e) AS e, ST_YMax(e) AS n
FROM (SELECT jurisdiction_id, ST_Extent(geom) AS e FROM grids WHERE valid_to IS NULL GROUP BY jurisdiction_id) g;
