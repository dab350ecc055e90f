-- An Idempotency-Key names one request: a retry with the same key and the same report is
-- answered with the incident it made, and the same key with a different report is refused
-- (422 idempotency_key_reused) instead of silently answering the first report. The column
-- holds a sha256 of the report as received (server/src/incidents/repository.ts); rows written
-- before this migration have none and keep replaying on the key alone.
ALTER TABLE incidents ADD COLUMN idempotency_fingerprint text;
