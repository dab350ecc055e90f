-- A large import (see import.ts, BULK_MIN) turns the tile counters' insert trigger off while its
-- rows go in and adds their counts set-based instead (sql/import-counts-*.sql): per grid rather
-- than per row, and without the trigger's copy of every new row (transition table). Other
-- writers of incidents wait until the import commits (the lock ALTER TABLE takes); readers do
-- not. Part of the import's transaction: a failed import leaves the trigger on. (An import that
-- rebuilds the indexes drops the trigger instead: sql/import-indexes-drop.sql.)
ALTER TABLE incidents DISABLE TRIGGER incident_counts_insert;
