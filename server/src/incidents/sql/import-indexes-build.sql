-- Every index dropped by sql/import-indexes-drop.sql built again from the whole table, with
-- more sort memory for this transaction, and the counts trigger made again.
SELECT set_config('maintenance_work_mem', '256MB', true);
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT def FROM import_indexes LOOP
    EXECUTE r.def;
  END LOOP;
  FOR r IN SELECT def FROM import_triggers LOOP
    EXECUTE r.def;
  END LOOP;
END;
$$;
DROP TABLE import_indexes, import_triggers;
