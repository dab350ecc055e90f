CREATE TEMP TABLE IF NOT EXISTS partition_lines (hard boolean NOT NULL, split boolean NOT NULL DEFAULT false, g geometry NOT NULL) ON COMMIT DROP
