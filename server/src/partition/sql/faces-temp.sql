CREATE TEMP TABLE IF NOT EXISTS partition_faces (id integer NOT NULL, geom geometry NOT NULL, zone integer NOT NULL DEFAULT 0, households integer NOT NULL DEFAULT 0) ON COMMIT DROP
