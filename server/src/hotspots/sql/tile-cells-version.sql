-- The data version the stored tile cells of one scope, jurisdiction and resolution were computed
-- at; asking marks them in use (used_at), so eviction of filtered scopes spares them (0014).
UPDATE hotspot_cell_versions SET used_at = now() WHERE scope = $1 AND jurisdiction_id = $2 AND res = $3 RETURNING version;
