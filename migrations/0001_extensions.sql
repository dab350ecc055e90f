-- PostGIS: on a real server this needs a superuser (or a pre-created extension);
-- the embedded PGlite loads it at start and this statement is then a no-op.
CREATE EXTENSION IF NOT EXISTS postgis;
