-- Hot-spot tiles with the analyst's filters (from, to, category; server/src/hotspots/tileset.ts):
-- each filter set is a scope of its own in hotspot_cells ("<area>|<from>|<to>|<category>"),
-- computed once per data version like the whole-period scope. Filtered scopes are many and
-- short-lived, so they are evicted; used_at records when a process last confirmed a scope's
-- version (it then trusts its rows for at most 30 minutes without asking again), and only
-- scopes unconfirmed for longer than that are ever deleted, so no process draws from rows
-- that were evicted under it.
ALTER TABLE hotspot_cell_versions ADD COLUMN used_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX hotspot_cell_versions_filtered ON hotspot_cell_versions (used_at) WHERE scope LIKE '%|%';
