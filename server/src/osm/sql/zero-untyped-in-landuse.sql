-- Untyped buildings (building=yes) whose point stands in a non-residential land use (offices,
-- shops, works, institutions) and in no residential one (a residential area mapped inside a
-- commercial one wins) count no households; the land use is kept on the building so the
-- estimate can be explained, with what the building would hold if people lived in it. Typed
-- buildings (apartments, house…) keep their estimate. Returns how many buildings were set to 0.
WITH hit AS (
  SELECT DISTINCT ON (h.id) h.id, l.landuse
    FROM households h
    JOIN osm_landuse l ON l.jurisdiction_id = $1 AND l.landuse <> 'residential' AND ST_Intersects(l.geom, h.pt)
   WHERE h.jurisdiction_id = $1 AND h.households > 0 AND h.attributes->>'building' = 'yes'
     AND NOT EXISTS (SELECT 1 FROM osm_landuse r WHERE r.jurisdiction_id = $1 AND r.landuse = 'residential' AND ST_Intersects(r.geom, h.pt))
   ORDER BY h.id, l.landuse
), done AS (
  UPDATE households h
     SET households = 0, attributes = h.attributes || jsonb_build_object('landuse', hit.landuse, 'households_if_residential', h.households)
    FROM hit WHERE h.id = hit.id
  RETURNING 1
)
SELECT count(*)::int AS n FROM done;
