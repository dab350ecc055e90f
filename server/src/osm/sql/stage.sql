-- Staging tables for one OSM import; they vanish with the transaction.
CREATE TEMP TABLE osm_admin (level integer, osm_id text, name text, name_en text, geom geometry) ON COMMIT DROP;
