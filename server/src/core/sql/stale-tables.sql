-- Tables whose rows changed since their last ANALYZE by more than PostgreSQL's own autovacuum
-- rule would allow (autovacuum_analyze_threshold + autovacuum_analyze_scale_factor × rows;
-- 50 + 10 % by default), and tables with rows that were never analysed (reltuples −1: on the
-- embedded database the change counts start again at 0 with every start, so a table written just
-- before a stop would otherwise wait for its next change); biggest change first. $1 limits them
-- to the names given (NULL: all). Temporary tables are left out: they belong to a session, and
-- their code analyses them itself.
SELECT format('%I.%I', s.schemaname, s.relname) AS name
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
 WHERE c.relpersistence = 'p'
   AND ($1::text[] IS NULL OR s.relname = ANY ($1::text[]))
   AND (s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::integer
          + current_setting('autovacuum_analyze_scale_factor')::double precision * greatest(c.reltuples, 0)
        OR (c.reltuples < 0 AND pg_relation_size(c.oid) > 0))
 ORDER BY s.n_mod_since_analyze DESC;
