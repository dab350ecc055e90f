-- Whether a bulk write may skip the per-row foreign-key checks and insert triggers (see
-- sql/import-keys-check.sql): the session may set session_replication_role (a superuser, or
-- PostgreSQL 15's GRANT SET ON PARAMETER), incidents has no insert trigger but the tile
-- counters' (which the bulk write replaces anyway), and its foreign keys sit only on columns
-- the import fills with values it checks itself (jurisdiction, category) or leaves NULL.
SELECT (current_setting('is_superuser') = 'on' OR has_parameter_privilege('session_replication_role', 'SET'))
   AND NOT EXISTS (SELECT 1 FROM pg_trigger t
                    WHERE t.tgrelid = 'incidents'::regclass AND NOT t.tgisinternal AND (t.tgtype & 4) <> 0
                      AND t.tgname <> 'incident_counts_insert')
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                     JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
                    WHERE k.conrelid = 'incidents'::regclass AND k.contype = 'f'
                      AND a.attname NOT IN ('jurisdiction_id', 'category_code', 'department_id', 'closed_department_id',
                                            'reported_by', 'handled_by'))
   AS fast;
