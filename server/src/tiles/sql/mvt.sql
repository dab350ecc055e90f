-- A whole tile from a layer function, encoded by PostGIS (real servers only: PGlite's PostGIS
-- has no protobuf). $1 z, $2 x, $3 y, $4 the feature cap, $6 the function's extra argument.
-- The source placeholder is a call such as tile_grids($1, $2, $3, $6), taken from a fixed list, never input.
-- The version placeholder at the end becomes the data versions the tile depends on ($5), read in the same snapshot
-- as the features, so the tile is keyed by the data it really holds and a client naming a
-- version this process has not seen yet costs no second round trip (server/src/tiles/versions.ts).
WITH f AS (
  SELECT layer, feature FROM {{source}} LIMIT $4 + 1
), kept AS (
  SELECT * FROM f LIMIT $4
), layers AS (
  SELECT layer, ST_AsMVT(feature, layer, 4096, 'geom', 'id') AS mvt FROM kept GROUP BY layer
)
SELECT COALESCE((SELECT string_agg(mvt, ''::bytea ORDER BY layer) FROM layers), ''::bytea) AS tile,
       (SELECT count(*) FROM f) > $4 AS truncated,
       (SELECT count(*) FROM kept)::integer AS features
       /*version*/;
