-- Units far below a square metre (< 1e-12 deg²: where a kept lower border and a road nearly
-- coincide) share next to no edge with anything, so the graph cannot place them. Each joins the
-- unit it shares the longest edge with, here, before the graph is built; a neighbour the sliver
-- touches only at a corner comes last (the union would be two pieces and the sliver would stay,
-- a unit with no edge, an 'empty' grid of 0 m²: Jardin Exotique with kept lower borders on
-- PostgreSQL once blocks above the band were cut at whole targets).
WITH slivers AS (
  SELECT id, geom FROM partition_units WHERE ST_Area(geom) < 1e-12
),
-- One sliver per neighbour per pass (engine.ts repeats the statement while it merges any):
-- several slivers united at once with one neighbour can come out in two pieces, and then none
-- of them would be merged.
pick AS (
  SELECT DISTINCT ON (n.id) s.id AS sliver, n.id, s.geom
    FROM slivers s
    JOIN LATERAL (
      SELECT b.id FROM partition_units b
       WHERE b.id <> s.id AND b.id NOT IN (SELECT id FROM slivers)
         AND b.geom && ST_Expand(s.geom, 1e-7) AND ST_DWithin(b.geom, s.geom, 1e-9)
       ORDER BY GeometryType(ST_Union(b.geom, s.geom, 1e-9)) = 'POLYGON' DESC,
                ST_Length(ST_CollectionExtract(ST_Intersection(ST_Boundary(b.geom), ST_Buffer(s.geom, 1e-9), 1e-9), 2)) DESC, b.id
       LIMIT 1) n ON true
   ORDER BY n.id, s.id
),
merged AS (
  SELECT b.id, ST_Union(b.geom, ST_Union(p.geom, 1e-9), 1e-9) AS geom, array_agg(p.sliver) AS slivers
    FROM pick p JOIN partition_units b ON b.id = p.id
   GROUP BY b.id, b.geom
),
upd AS (
  UPDATE partition_units b SET geom = m.geom FROM merged m
   WHERE b.id = m.id AND GeometryType(m.geom) = 'POLYGON'
  RETURNING m.slivers
)
DELETE FROM partition_units d USING (SELECT unnest(slivers) AS id FROM upd) x
 WHERE d.id = x.id
