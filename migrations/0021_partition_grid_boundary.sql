-- The metres of each proposed grid's boundary shared with other grids, and of that on barrier
-- lines (metrics.sql), kept beside the shares: an edit recomputes the metrics of the grids it
-- touched and their neighbours only, and the proposal's barrier share sums these over all grids.
ALTER TABLE partition_grids ADD COLUMN inner_m double precision, ADD COLUMN on_barrier_m double precision;
