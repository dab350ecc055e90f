-- Why a proposed grid is flagged, machine-readable beside flag_reason (English text, kept for
-- the API and the CLI): {"code": "tower", "holds": 761, "hi": 240, "by": "households"} and the
-- like, so a client can say it in the reader's language with the figures (docs/partition.md).
ALTER TABLE partition_grids ADD COLUMN flag_detail jsonb;
