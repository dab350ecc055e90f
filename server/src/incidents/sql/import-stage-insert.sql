-- One batch of parsed rows into import_rows. Times come as epoch milliseconds.
-- $1 number of the batch's first row  $2 lng[]  $3 lat[]  $4 epoch ms[]  $5 category[]  $6 description[]  $7 attributes (json text)[]
INSERT INTO import_rows (n, geom, reported_at, category, description, attrs)
SELECT $1::integer + u.o::integer - 1, ST_SetSRID(ST_MakePoint(u.lng, u.lat), 4326), to_timestamp(u.ms / 1000.0), u.category, u.description, u.attrs::jsonb
  FROM unnest($2::float8[], $3::float8[], $4::float8[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS u (lng, lat, ms, category, description, attrs, o);
