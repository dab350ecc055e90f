-- mercator_cell19 (0007) as one expression, with the same result: a SQL function whose body is
-- a single FROM-less SELECT is inlined by the planner, so the tile counters' flush (one call per
-- changed incident, in every statement that writes incidents) no longer runs a sub-query per
-- row. Measured on 300k points: 1.6 s → 0.44 s of backend CPU, identical cells (bulk import).
CREATE OR REPLACE FUNCTION mercator_cell19(g geometry) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY[
    least(greatest(floor((ST_X(g) + 180.0) / 360.0 * 524288)::integer, 0), 524287),
    least(greatest(floor((1.0 - ln(tan(radians(least(greatest(ST_Y(g), -85.0511), 85.0511)))
                                 + 1.0 / cos(radians(least(greatest(ST_Y(g), -85.0511), 85.0511)))) / pi()) / 2.0 * 524288)::integer, 0), 524287)]
$$;
