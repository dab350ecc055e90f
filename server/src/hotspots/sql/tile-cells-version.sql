-- The data version the stored tile cells of one scope, jurisdiction and resolution were computed at.
SELECT version FROM hotspot_cell_versions WHERE scope = $1 AND jurisdiction_id = $2 AND res = $3;
