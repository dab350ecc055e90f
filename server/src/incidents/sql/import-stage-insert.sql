-- One batch of parsed rows into import_rows, as array literals import.ts builds: numbers
-- joined, texts as JSON arrays (no per-element escaping on either side). Times come as epoch
-- milliseconds. (ROWS FROM over jsonb_array_elements measured 1.5x this statement's CPU.)
-- $1 number of the batch's first row  $2 lng[]  $3 lat[]  $4 epoch ms[]  $5 the category codes
-- $6 each row's category (1-based place in $5)  $7 descriptions (JSON array of strings)
-- $8 attributes (JSON array of objects)  $9 grid rank[] as the in-memory lattice found it
-- (-1: left to sql/import-locate.sql, stored NULL; 0: in no grid)
INSERT INTO import_rows (n, geom, reported_at, category, description, attrs, rank)
SELECT $1::integer + u.o::integer - 1, ST_SetSRID(ST_MakePoint(u.lng, u.lat), 4326), to_timestamp(u.ms / 1000.0),
       ($5::text[])[u.c], u.description, u.attrs, NULLIF(u.rank, -1)
  FROM unnest($2::float8[], $3::float8[], $4::float8[], $6::integer[],
              ARRAY(SELECT d FROM json_array_elements_text($7::json) WITH ORDINALITY AS t (d, o) ORDER BY o),
              ARRAY(SELECT a::jsonb FROM json_array_elements($8::json) WITH ORDINALITY AS t (a, o) ORDER BY o),
              $9::integer[]) WITH ORDINALITY AS u (lng, lat, ms, c, description, attrs, rank, o);
