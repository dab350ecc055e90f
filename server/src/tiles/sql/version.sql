-- The composite data version ("4.1.17") of the layers $5, in their order.
(SELECT string_agg(COALESCE(v.version, 0)::text, '.' ORDER BY d.i)
   FROM unnest($5::text[]) WITH ORDINALITY AS d (layer, i) LEFT JOIN layer_versions v ON v.layer = d.layer)
